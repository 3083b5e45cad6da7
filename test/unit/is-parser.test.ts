import { describe, expect, it } from 'vitest';
import {
  type IsParseContext,
  MAX_IS_EXPANDED_LENGTH,
  MAX_IS_QUERY_LENGTH,
  expandIsQuery,
  parseIsColor,
  parseIsQuery,
} from '../../src/domain/image-serving/is-parser.js';
import { type IsColor, IsCommandError } from '../../src/domain/image-serving/is-request.js';

/** The IsCommandError a call throws (fails the test when it does not throw one). */
function faultOf(call: () => unknown): IsCommandError {
  try {
    call();
  } catch (err) {
    if (err instanceof IsCommandError) return err;
    throw err;
  }
  throw new Error('expected an IsCommandError, nothing was thrown');
}

const macros = (table: Record<string, string>): IsParseContext => ({
  macro: (name) => table[name.toLowerCase()],
});

const rgb = (r: number, g: number, b: number, alpha = 255, source = false): IsColor => ({ space: 'rgb', values: [r, g, b], alpha, source });

describe('parseIsQuery: view commands', () => {
  it('reads wid, hei, scl and leaves absent commands out', () => {
    expect(parseIsQuery('wid=240&hei=180&scl=2.5')).toEqual({ wid: 240, hei: 180, scl: 2.5 });
    expect(parseIsQuery('')).toEqual({});
    expect(parseIsQuery('?')).toEqual({});
  });

  it.each([
    ['wid=abc', "wid: expected an integer > 0, received 'abc'"],
    ['wid=0', "wid: expected an integer > 0, received '0'"],
    ['hei=-5', "hei: expected an integer > 0, received '-5'"],
    ['wid=1.5', "wid: expected an integer > 0, received '1.5'"],
    ['wid', "wid: expected an integer > 0, received ''"],
    ['wid=99999999999999999999', "wid: expected an integer > 0, received '99999999999999999999'"],
    ['scl=0', "scl: expected a number > 0, received '0'"],
    ['scl=1e3', "scl: expected a number > 0, received '1e3'"],
  ])('%s faults naming the command', (query, message) => {
    const fault = faultOf(() => parseIsQuery(query));
    expect(fault.message).toBe(message);
  });

  it('reads fit with its upscale flag, default 0', () => {
    expect(parseIsQuery('fit=crop').fit).toEqual({ mode: 'crop', upscale: false });
    expect(parseIsQuery('fit=Constrain,1').fit).toEqual({ mode: 'constrain', upscale: true });
    expect(parseIsQuery('fit=vfit,0').fit).toEqual({ mode: 'vfit', upscale: false });
    expect(faultOf(() => parseIsQuery('fit=fill')).message).toBe("fit: expected one of fit|constrain|crop|wrap|stretch|hfit|vfit for mode, received 'fill'");
    expect(faultOf(() => parseIsQuery('fit=fit,2')).message).toBe("fit: expected 0 or 1 for upscale, received '2'");
    expect(faultOf(() => parseIsQuery('fit=fit,0,1')).message).toBe("fit: expected mode[,upscale], received 'fit,0,1'");
  });

  it('reads align within -1..1', () => {
    expect(parseIsQuery('align=-1,0.5').align).toEqual({ h: -1, v: 0.5 });
    expect(faultOf(() => parseIsQuery('align=0,1.5')).message).toBe("align: expected a number from -1 to 1 for v, received '1.5'");
    expect(faultOf(() => parseIsQuery('align=0')).message).toBe("align: expected h,v, received '0'");
  });

  it('reads rgn and rect (rect scale defaults to 1)', () => {
    expect(parseIsQuery('rgn=-10,20,300,200').rgn).toEqual({ x: -10, y: 20, w: 300, h: 200 });
    expect(parseIsQuery('rect=0,0,256,256').rect).toEqual({ x: 0, y: 0, w: 256, h: 256, scale: 1 });
    expect(parseIsQuery('rect=256,0,256,256,0.5').rect).toEqual({ x: 256, y: 0, w: 256, h: 256, scale: 0.5 });
    expect(faultOf(() => parseIsQuery('rgn=0,0,0,10')).message).toBe("rgn: expected an integer > 0 for w, received '0'");
    expect(faultOf(() => parseIsQuery('rect=0,0,10,10,0')).message).toBe("rect: expected a number > 0 for scale, received '0'");
    expect(faultOf(() => parseIsQuery('rect=0,0,10')).message).toBe("rect: expected x,y,w,h[,scale], received '0,0,10'");
  });

  it('reads bgc as a colour, percent-decoded once after splitting', () => {
    expect(parseIsQuery('bgc=255%2C0%2C0').bgc).toEqual(rgb(255, 0, 0));
    expect(parseIsQuery('bgc=%32%35%35,0,0').bgc).toEqual(rgb(255, 0, 0));
    // %2525 decodes once to the literal text %25, which is not a colour
    expect(faultOf(() => parseIsQuery('bgc=%2525')).command).toBe('bgc');
  });
});

describe('parseIsQuery: source-image commands', () => {
  it('reads crop in pixels (negative offsets allowed) and cropN normalized', () => {
    expect(parseIsQuery('crop=-5,-6,100,50').crop).toEqual({ x: -5, y: -6, w: 100, h: 50, normalized: false });
    expect(parseIsQuery('cropN=0.1,0.2,0.5,0.6').crop).toEqual({ x: 0.1, y: 0.2, w: 0.5, h: 0.6, normalized: true });
    expect(faultOf(() => parseIsQuery('crop=0,0,1.5,2')).message).toBe("crop: expected an integer > 0 for w, received '1.5'");
    expect(faultOf(() => parseIsQuery('cropN=0,0,0,1')).message).toBe("cropN: expected a number > 0 for w, received '0'");
  });

  it('crop and cropN are one setting: the last one wins', () => {
    expect(parseIsQuery('crop=0,0,10,10&cropN=0,0,0.5,0.5').crop).toEqual({ x: 0, y: 0, w: 0.5, h: 0.5, normalized: true });
    expect(parseIsQuery('cropN=0,0,0.5,0.5&crop=0,0,10,10').crop).toEqual({ x: 0, y: 0, w: 10, h: 10, normalized: false });
  });

  it('reads size and sizeN; 0,0 (unconstrained) is left out, also over an earlier size', () => {
    expect(parseIsQuery('size=200,0').size).toEqual({ w: 200, h: 0, normalized: false });
    expect(parseIsQuery('sizeN=0.5,0.25').size).toEqual({ w: 0.5, h: 0.25, normalized: true });
    expect(parseIsQuery('size=0,0')).toEqual({});
    expect(parseIsQuery('size=200,100&sizeN=0,0')).toEqual({});
    expect(faultOf(() => parseIsQuery('size=-1,0')).message).toBe("size: expected an integer >= 0 for w, received '-1'");
  });

  it('reads scale, flip, rotate', () => {
    expect(parseIsQuery('scale=0.5&flip=LRUD&rotate=-90.5')).toEqual({ scale: 0.5, flip: 'lrud', rotate: -90.5 });
    expect(parseIsQuery('flip=ud').flip).toBe('ud');
    expect(faultOf(() => parseIsQuery('flip=x')).message).toBe("flip: expected one of lr|ud|lrud, received 'x'");
    expect(faultOf(() => parseIsQuery('scale=-1')).message).toBe("scale: expected a number > 0, received '-1'");
    expect(faultOf(() => parseIsQuery('rotate=ninety')).message).toBe("rotate: expected a number, received 'ninety'");
  });

  it('reads extend and extendN (negative crops), last one wins', () => {
    expect(parseIsQuery('extend=10,-5,0,20').extend).toEqual({ l: 10, t: -5, r: 0, b: 20, normalized: false });
    expect(parseIsQuery('extend=1,1,1,1&extendN=0.1,0,0.1,0').extend).toEqual({ l: 0.1, t: 0, r: 0.1, b: 0, normalized: true });
    expect(faultOf(() => parseIsQuery('extend=1,2,3')).message).toBe("extend: expected l,t,r,b, received '1,2,3'");
    expect(faultOf(() => parseIsQuery('extend=1,2,3,0.5')).message).toBe("extend: expected an integer for bottom, received '0.5'");
  });

  it('keeps bgc (view) and bgColor (layer) apart', () => {
    const request = parseIsQuery('bgc=0,0,0&bgColor=0xffffff');
    expect(request.bgc).toEqual(rgb(0, 0, 0));
    expect(request.bgColor).toEqual(rgb(255, 255, 255));
  });
});

describe('parseIsQuery: filters', () => {
  it('reads op_usm with missing parts as 0, and op_usmR with an absolute radius', () => {
    expect(parseIsQuery('op_usm=1.5').usm).toEqual({ amount: 1.5, radius: 0, threshold: 0, monochrome: false, absoluteRadius: false });
    expect(parseIsQuery('op_usm=1,2').usm).toEqual({ amount: 1, radius: 2, threshold: 0, monochrome: false, absoluteRadius: false });
    expect(parseIsQuery('op_usmR=5,250,255,1').usm).toEqual({ amount: 5, radius: 250, threshold: 255, monochrome: true, absoluteRadius: true });
    expect(parseIsQuery('op_usm=0.0,0.0,0,0').usm).toEqual({ amount: 0, radius: 0, threshold: 0, monochrome: false, absoluteRadius: false });
  });

  it('op_usm and op_usmR are one setting: the last one wins', () => {
    expect(parseIsQuery('op_usm=1,1&op_usmR=2,2').usm?.absoluteRadius).toBe(true);
    expect(parseIsQuery('op_usmR=2,2&op_usm=1,1').usm).toEqual({ amount: 1, radius: 1, threshold: 0, monochrome: false, absoluteRadius: false });
  });

  it.each([
    ['op_usm=6', "op_usm: expected a number from 0 to 5 for amount, received '6'"],
    ['op_usm=1,300', "op_usm: expected a number from 0 to 250 for radius, received '300'"],
    ['op_usm=1,1,1.5', "op_usm: expected an integer from 0 to 255 for threshold, received '1.5'"],
    ['op_usmR=1,1,1,2', "op_usmR: expected 0 or 1 for monochrome, received '2'"],
    ['op_usm=1,1,1,1,1', "op_usm: expected amount[,radius[,threshold[,monochrome]]], received '1,1,1,1,1'"],
    ['op_blur=101', "op_blur: expected a number from 0 to 100, received '101'"],
    ['op_brightness=-101', "op_brightness: expected a number from -100 to 100, received '-101'"],
    ['op_contrast=x', "op_contrast: expected a number from -100 to 100, received 'x'"],
    ['op_saturation=100.5', "op_saturation: expected a number from -100 to 100, received '100.5'"],
    ['op_hue=181', "op_hue: expected a number from -180 to 180, received '181'"],
    ['op_invert=yes', "op_invert: expected 0 or 1, received 'yes'"],
    ['op_sharpen=2', "op_sharpen: expected 0 or 1, received '2'"],
    ['op_colorbalance=0,0', "op_colorbalance: expected r,g,b, received '0,0'"],
    ['op_colorbalance=0,0,-200', "op_colorbalance: expected a number from -100 to 100 for b, received '-200'"],
  ])('%s faults naming the command', (query, message) => {
    expect(faultOf(() => parseIsQuery(query)).message).toBe(message);
  });

  it('reads the other filters', () => {
    expect(
      parseIsQuery('op_sharpen=1&op_blur=2.5&op_brightness=-20&op_contrast=30&op_saturation=-100&op_hue=-180&op_invert=1&op_colorbalance=10,-20,30'),
    ).toEqual({
      sharpen: true,
      blur: 2.5,
      brightness: -20,
      contrast: 30,
      saturation: -100,
      hue: -180,
      invert: true,
      colorbalance: { r: 10, g: -20, b: 30 },
    });
    expect(parseIsQuery('op_sharpen=0&op_invert=0')).toEqual({ sharpen: false, invert: false });
  });
});

describe('parseIsQuery: output commands', () => {
  it('reads fmt; format and keywords are case-insensitive; empty parts take the default', () => {
    expect(parseIsQuery('fmt=JPEG').fmt).toEqual({ format: 'jpeg' });
    expect(parseIsQuery('fmt=jpeg,gray').fmt).toEqual({ format: 'jpeg', pixelType: 'gray' });
    expect(parseIsQuery('fmt=tif,cmyk,lzw').fmt).toEqual({ format: 'tif', pixelType: 'cmyk', compression: 'lzw' });
    expect(parseIsQuery('fmt=tif,,jpeg').fmt).toEqual({ format: 'tif', compression: 'jpeg' });
    expect(parseIsQuery('fmt=tif-alpha,rgb,none').fmt).toEqual({ format: 'tif-alpha', pixelType: 'rgb', compression: 'none' });
    expect(parseIsQuery('fmt=webp-alpha,,lossless').fmt).toEqual({ format: 'webp-alpha', compression: 'lossless' });
    expect(parseIsQuery('fmt=avif,rgb,LOSSY').fmt).toEqual({ format: 'avif', pixelType: 'rgb', compression: 'lossy' });
    // `none` is the only (and default) compression of the other formats: nothing to record
    expect(parseIsQuery('fmt=png-alpha,rgb,none').fmt).toEqual({ format: 'png-alpha', pixelType: 'rgb' });
  });

  it.each(['pdf', 'jpeg2000', 'jpeg2000-alpha', 'eps', 'heic', 'swf3', 'JpegXR'])('fmt=%s is refused as an unsupported format', (format) => {
    const fault = faultOf(() => parseIsQuery(`fmt=${format}`));
    expect(fault.command).toBe('fmt');
    expect(fault.detail).toBe(`format '${format.toLowerCase()}' is not supported by this server`);
  });

  it.each([
    [
      'fmt=bmp',
      "fmt: expected one of jpeg|jpg|pjpeg|png|png-alpha|png8|png8-alpha|gif|gif-alpha|tif|tif-alpha|webp|webp-alpha|avif|avif-alpha for format, received 'bmp'",
    ],
    ['fmt=tif-alpha,rgb,jpeg', "fmt: expected one of none|lzw|zip for compression of tif-alpha, received 'jpeg'"],
    ['fmt=tif,rgb,lossy', "fmt: expected one of none|lzw|zip|jpeg for compression of tif, received 'lossy'"],
    ['fmt=webp,rgb,none', "fmt: expected one of lossy|lossless for compression of webp, received 'none'"],
    ['fmt=jpeg,rgb,lzw', "fmt: expected one of none for compression of jpeg, received 'lzw'"],
    ['fmt=png,cmyk', "fmt: expected one of rgb|gray for pixelType of png, received 'cmyk'"],
    ['fmt=jpeg,lab', "fmt: expected one of rgb|gray|cmyk for pixelType of jpeg, received 'lab'"],
    ['fmt=jpeg,rgb,none,x', "fmt: expected format[,pixelType[,compression]], received 'jpeg,rgb,none,x'"],
  ])('%s faults', (query, message) => {
    expect(faultOf(() => parseIsQuery(query)).message).toBe(message);
  });

  it('reads qlt with its chroma flag, default 0', () => {
    expect(parseIsQuery('qlt=75').qlt).toEqual({ quality: 75, chroma: false });
    expect(parseIsQuery('qlt=90,1').qlt).toEqual({ quality: 90, chroma: true });
    // the IPS documentation's preset example has this typo (Adobe IPS: operation-methods/operation-parameters/r-save-image-format): IS rejects it too
    expect(faultOf(() => parseIsQuery('qlt=750')).message).toBe("qlt: expected an integer from 1 to 100 for quality, received '750'");
    expect(faultOf(() => parseIsQuery('qlt=0')).message).toBe("qlt: expected an integer from 1 to 100 for quality, received '0'");
  });

  it('reads quantize with defaults and a colour list', () => {
    expect(parseIsQuery('fmt=gif&quantize=web').quantize).toEqual({ type: 'web', dither: true, colors: 256 });
    expect(parseIsQuery('fmt=gif&quantize=adaptive,off,16').quantize).toEqual({ type: 'adaptive', dither: false, colors: 16 });
    expect(parseIsQuery('fmt=gif-alpha&quantize=adaptive,off,2,000000,FFFFFF').quantize).toEqual({
      type: 'adaptive',
      dither: false,
      colors: 2,
      colorList: ['000000', 'ffffff'],
    });
    expect(parseIsQuery('fmt=gif&quantize=mac,diffuse').quantize).toEqual({ type: 'mac', dither: true, colors: 256 });
    expect(faultOf(() => parseIsQuery('quantize=adaptive,diffuse,257')).message).toBe(
      "quantize: expected an integer from 2 to 256 for numColors, received '257'",
    );
    expect(faultOf(() => parseIsQuery('quantize=adaptive,diffuse,8,fff')).message).toBe(
      "quantize: expected a hex6 RGB colour (RRGGBB) for colorList, received 'fff'",
    );
    expect(faultOf(() => parseIsQuery('quantize=adaptive,none')).message).toBe("quantize: expected one of diffuse|off for dither, received 'none'");
  });

  it('refuses the mac palette with an alpha format, whatever the command order', () => {
    const message = "quantize: palette type 'mac' is not valid with fmt=gif-alpha (IS supports it only without alpha)";
    expect(faultOf(() => parseIsQuery('quantize=mac&fmt=gif-alpha')).message).toBe(message);
    expect(faultOf(() => parseIsQuery('fmt=gif-alpha&quantize=mac')).message).toBe(message);
  });

  it('reads resMode, mapping the legacy sharp to sharp2', () => {
    expect(parseIsQuery('resMode=bicub').resMode).toBe('bicub');
    expect(parseIsQuery('RESMODE=Sharp').resMode).toBe('sharp2');
    expect(parseIsQuery('resmode=bisharp').resMode).toBe('bisharp');
    expect(faultOf(() => parseIsQuery('resMode=trilin')).command).toBe('resMode');
  });

  it('reads icc with relative intent by default, iccEmbed and printRes', () => {
    expect(parseIsQuery('icc=USWebCoatedSWOP').icc).toEqual({ profile: 'USWebCoatedSWOP', intent: 'relative', blackpointComp: false, dither: false });
    expect(parseIsQuery('icc=My%20Printer,Perceptual,1,1').icc).toEqual({ profile: 'My Printer', intent: 'perceptual', blackpointComp: true, dither: true });
    expect(parseIsQuery('icc=sRGB,,1').icc).toEqual({ profile: 'sRGB', intent: 'relative', blackpointComp: true, dither: false });
    expect(parseIsQuery('iccEmbed=1&printRes=300')).toEqual({ iccEmbed: true, printRes: 300 });
    expect(faultOf(() => parseIsQuery('icc=,relative')).message).toBe("icc: expected a profile name for profile, received ',relative'");
    expect(faultOf(() => parseIsQuery('icc=p,colorimetric')).message).toBe(
      "icc: expected one of perceptual|relative|saturation|absolute for renderIntent, received 'colorimetric'",
    );
    expect(faultOf(() => parseIsQuery('printRes=0')).message).toBe("printRes: expected an integer from 1 to 10000, received '0'");
    expect(faultOf(() => parseIsQuery('iccEmbed=true')).message).toBe("iccEmbed: expected 0 or 1, received 'true'");
  });

  it('parses the default preset of the IPS documentation', () => {
    expect(parseIsQuery('wid=400&hei=400&fmt=jpeg&qlt=75,0&op_sharpen=0&resMode=bicub&op_usm=0.0,0.0,0,0&iccEmbed=0')).toEqual({
      wid: 400,
      hei: 400,
      fmt: { format: 'jpeg' },
      qlt: { quality: 75, chroma: false },
      sharpen: false,
      resMode: 'bicub',
      usm: { amount: 0, radius: 0, threshold: 0, monochrome: false, absoluteRadius: false },
      iccEmbed: false,
    });
  });
});

describe('parseIsQuery: names, syntax and comments', () => {
  it('command names are case-insensitive', () => {
    expect(parseIsQuery('WID=10&Hei=20&BGCOLOR=0,0,0&OP_USM=1&op_USMr=2&FMT=png&ResMode=bilin')).toEqual({
      wid: 10,
      hei: 20,
      bgColor: rgb(0, 0, 0),
      usm: { amount: 2, radius: 0, threshold: 0, monochrome: false, absoluteRadius: true },
      fmt: { format: 'png' },
      resMode: 'bilin',
    });
  });

  it('accepts a leading ? or &, and ignores empty segments and comments', () => {
    expect(parseIsQuery('?wid=10&&.a comment, with = signs&hei=20&')).toEqual({ wid: 10, hei: 20 });
    expect(parseIsQuery('&.only=comment&wid=5')).toEqual({ wid: 5 });
  });

  it('a later occurrence of a command overrides an earlier one', () => {
    expect(parseIsQuery('wid=100&wid=200').wid).toBe(200);
    // only the winning occurrence is read
    expect(parseIsQuery('wid=abc&wid=200').wid).toBe(200);
  });

  it('faults on a command IS does not have, naming it as written', () => {
    const fault = faultOf(() => parseIsQuery('wid=10&Frobnicate=1'));
    expect(fault.command).toBe('Frobnicate');
    expect(fault.message).toBe('Frobnicate: unknown command');
  });

  it.each(['layer=1', 'res=72', 'anchor=0,0', 'op_noise=10', 'op_colorize=0,0,0', 'opac=50', 'color=0,0,0', 'defaultImage=x', 'jpegSize=100', 'TEXT=x'])(
    'refuses the IS command %s as not supported, in IS spelling',
    (query) => {
      const fault = faultOf(() => parseIsQuery(query));
      const written = query.slice(0, query.indexOf('='));
      expect(fault.command.toLowerCase()).toBe(written.toLowerCase());
      expect(fault.detail).toBe('is not supported by this server');
    },
  );

  it('names the refused command in IS spelling', () => {
    expect(faultOf(() => parseIsQuery('DEFAULTIMAGE=x')).message).toBe('defaultImage: is not supported by this server');
  });

  it('accepts and ignores cache, id, dpr=off, pscan, xmpEmbed=0, pathEmbed=0 and req=img', () => {
    expect(parseIsQuery('cache=off&cache=on,validate&id=1234&dpr=off&pscan=auto&pscan=3&xmpEmbed=0&pathEmbed=0&req=img&wid=5')).toEqual({ wid: 5 });
  });

  it('reads req=props and req=exists (any case, last one wins), and req=img as the default', () => {
    expect(parseIsQuery('req=props&wid=5')).toEqual({ req: 'props', wid: 5 });
    expect(parseIsQuery('REQ=Exists')).toEqual({ req: 'exists' });
    expect(parseIsQuery('req=props&req=img')).toEqual({});
    expect(parseIsQuery('$info$&req=exists', { macro: (n) => (n.toLowerCase() === 'info' ? 'req=props' : undefined) })).toEqual({ req: 'exists' });
  });

  it.each([
    ['req=tmb', "req: expected one of img|props|exists, received 'tmb'"],
    ['req', "req: expected one of img|props|exists, received ''"],
    ['dpr=on,2', "dpr: value 'on,2' is not supported by this server (only dpr=off)"],
    ['xmpEmbed=1', "xmpEmbed: value '1' is not supported by this server (only xmpEmbed=0)"],
    ['pathEmbed=1', "pathEmbed: value '1' is not supported by this server (only pathEmbed=0)"],
    ['pscan=6', "pscan: expected one of auto|3|4|5, received '6'"],
    ['cache=sometimes', "cache: expected one of on|off|validate|update, received 'sometimes'"],
  ])('%s faults', (query, message) => {
    expect(faultOf(() => parseIsQuery(query)).message).toBe(message);
  });

  it('faults on a malformed percent escape, naming the command', () => {
    expect(faultOf(() => parseIsQuery('icc=abc%zz')).message).toBe("icc: expected a percent-encoded UTF-8 value, received 'abc%zz'");
    expect(faultOf(() => parseIsQuery('wid=%')).command).toBe('wid');
  });

  it('faults on a segment with an empty command name', () => {
    expect(faultOf(() => parseIsQuery('=5')).message).toBe("request: expected a command name before '=', received '=5'");
  });

  it(`faults on a query longer than MAX_IS_QUERY_LENGTH (${MAX_IS_QUERY_LENGTH})`, () => {
    const filler = `.${'x'.repeat(MAX_IS_QUERY_LENGTH)}`;
    const fault = faultOf(() => parseIsQuery(`wid=1&${filler}`));
    expect(fault.command).toBe('request');
    expect(fault.detail).toBe(`expected a query of at most 16384 characters, received ${MAX_IS_QUERY_LENGTH + 7}`);
    // exactly at the limit is fine
    expect(parseIsQuery(`wid=1&.${'x'.repeat(MAX_IS_QUERY_LENGTH - 7)}`)).toEqual({ wid: 1 });
  });
});

describe('variables', () => {
  it('defines and substitutes, case-insensitively', () => {
    expect(parseIsQuery('$w=200&wid=$w$')).toEqual({ wid: 200 });
    expect(parseIsQuery('$Size=120&wid=$SIZE$&hei=$size$')).toEqual({ wid: 120, hei: 120 });
    expect(parseIsQuery('$c=255,0,0&bgc=$c$').bgc).toEqual(rgb(255, 0, 0));
  });

  it('substitutes inside a value, several times', () => {
    expect(expandIsQuery('$a=1&$b=2&icc=p$a$$b$x$a$')).toEqual([{ name: 'icc', value: 'p12x1' }]);
  });

  it('leaves unknown references, lone $ and references before the definition literal', () => {
    expect(expandIsQuery('icc=$x$&id=a$b&id=$w$&$w=1')).toEqual([
      { name: 'icc', value: '$x$' },
      { name: 'id', value: 'a$b' },
      { name: 'id', value: '$w$' },
    ]);
    expect(faultOf(() => parseIsQuery('wid=$x$')).message).toBe("wid: expected an integer > 0, received '$x$'");
  });

  it('does not nest: a definition is stored as written and substituted text is not rescanned', () => {
    expect(expandIsQuery('$a=A&$b=[$a$]&icc=$b$')).toEqual([{ name: 'icc', value: '[$a$]' }]);
  });

  it('decodes the value once after substitution, and %24 is a literal $', () => {
    expect(expandIsQuery('$c=255%2C0&bgc=$c$%2C0')).toEqual([{ name: 'bgc', value: '255,0,0' }]);
    expect(expandIsQuery('$w=9&icc=%24w%24')).toEqual([{ name: 'icc', value: '$w$' }]);
  });

  it('takes predefined variables such as $object$ as plain text', () => {
    const ctx = { variables: { object: 'folder/50%off' } };
    expect(expandIsQuery('icc=$OBJECT$', ctx)).toEqual([{ name: 'icc', value: 'folder/50%off' }]);
    expect(expandIsQuery('$object=mine&icc=$object$', ctx)).toEqual([{ name: 'icc', value: 'mine' }]);
  });

  it('faults on an invalid variable name', () => {
    expect(faultOf(() => parseIsQuery('$a b=1')).message).toBe("$a b: expected a variable name of ASCII letters, digits, '-', '_' or '.'");
  });

  it('caps the growth of substitutions', () => {
    const long = 'x'.repeat(10_000);
    const fault = faultOf(() => expandIsQuery(`$v=${long}&icc=${'$v$'.repeat(10)}`));
    expect(fault.command).toBe('icc');
    expect(fault.detail).toBe(`expanded request exceeds ${MAX_IS_EXPANDED_LENGTH} characters`);
  });
});

describe('macros (image presets)', () => {
  const ctx = macros({
    view: 'wid=240&fmt=jpeg&qlt=85&op_usm=5,2&bgc=200,200,200&align=-1,-1',
    thumb: '$view$&wid=80&hei=80',
    sized: 'wid=$w$&hei=$w$',
    a: 'wid=1&$b$',
    b: '$c$',
    c: '$A$',
    bad: 'qlt=750',
    // a variable defined inside a macro is visible after it
    setvar: '$w=64',
  });

  it('expands in place (what req=resolve shows)', () => {
    expect(expandIsQuery('hei=10&$view$&.note&wid=480', ctx)).toEqual([
      { name: 'hei', value: '10' },
      { name: 'wid', value: '240' },
      { name: 'fmt', value: 'jpeg' },
      { name: 'qlt', value: '85' },
      { name: 'op_usm', value: '5,2' },
      { name: 'bgc', value: '200,200,200' },
      { name: 'align', value: '-1,-1' },
      { name: 'wid', value: '480' },
    ]);
  });

  it('a command before the macro is overridden by the macro', () => {
    expect(parseIsQuery('wid=480&$view$', ctx).wid).toBe(240);
  });

  it('a command after the macro overrides it', () => {
    const request = parseIsQuery('$view$&wid=480', ctx);
    expect(request).toEqual({
      wid: 480,
      fmt: { format: 'jpeg' },
      qlt: { quality: 85, chroma: false },
      usm: { amount: 5, radius: 2, threshold: 0, monochrome: false, absoluteRadius: false },
      bgc: rgb(200, 200, 200),
      align: { h: -1, v: -1 },
    });
  });

  it('macro names are passed to the caller as written (the caller matches case-insensitively)', () => {
    const asked: string[] = [];
    const macro = (name: string) => {
      asked.push(name);
      return 'wid=1';
    };
    parseIsQuery('$VIEW$', { macro });
    expect(asked).toEqual(['VIEW']);
  });

  it('expands nested macros', () => {
    expect(parseIsQuery('$thumb$', ctx)).toMatchObject({ wid: 80, hei: 80, qlt: { quality: 85, chroma: false } });
  });

  it('takes its arguments from variables defined before it, and can define variables', () => {
    expect(parseIsQuery('$w=300&$sized$', ctx)).toEqual({ wid: 300, hei: 300 });
    expect(parseIsQuery('$setvar$&$sized$', ctx)).toEqual({ wid: 64, hei: 64 });
  });

  it('a bad value in a macro is harmless when the request overrides it', () => {
    expect(parseIsQuery('$bad$&qlt=80', ctx).qlt).toEqual({ quality: 80, chroma: false });
    expect(faultOf(() => parseIsQuery('qlt=80&$bad$', ctx)).command).toBe('qlt');
  });

  it('faults on a cycle, naming the macro that closes it', () => {
    const fault = faultOf(() => parseIsQuery('$a$', ctx));
    expect(fault.command).toBe('$A$');
    expect(fault.detail).toBe('macro invokes itself ($a$ → $b$ → $c$ → $a$)');
  });

  it('faults on a self-invoking macro', () => {
    expect(faultOf(() => parseIsQuery('$loop$', macros({ loop: 'wid=1&$loop$' }))).message).toBe('$loop$: macro invokes itself ($loop$ → $loop$)');
  });

  it('allows 8 levels of nesting and faults on the 9th', () => {
    const chain = (levels: number) => {
      const table: Record<string, string> = {};
      for (let i = 1; i < levels; i++) table[`m${i}`] = `$m${i + 1}$`;
      table[`m${levels}`] = 'wid=1';
      return macros(table);
    };
    expect(parseIsQuery('$m1$', chain(8))).toEqual({ wid: 1 });
    expect(faultOf(() => parseIsQuery('$m1$', chain(9))).message).toBe('$m9$: macros nested more than 8 levels deep');
  });

  it('faults on an unknown macro, and without a macro source', () => {
    expect(faultOf(() => parseIsQuery('wid=1&$nope$', ctx)).message).toBe("$nope$: no image preset (macro) named 'nope'");
    expect(faultOf(() => parseIsQuery('$view$')).message).toBe("$view$: no image preset (macro) named 'view'");
  });

  it('faults on a $ segment that is neither a macro nor a variable definition', () => {
    expect(faultOf(() => parseIsQuery('$view')).message).toBe('$view: expected a macro invocation $name$ or a variable definition $name=value');
    expect(faultOf(() => parseIsQuery('$a b$')).command).toBe('$a b$');
  });

  it('caps the expanded size, so fan-out presets do bounded work', () => {
    const fanOut: Record<string, string> = { leaf: `.${'x'.repeat(500)}` };
    for (let level = 1; level <= 6; level++)
      fanOut[`l${level}`] = Array(20)
        .fill(`$${level === 1 ? 'leaf' : `l${level - 1}`}$`)
        .join('&');
    const fault = faultOf(() => parseIsQuery('$l6$', macros(fanOut)));
    expect(fault.detail).toBe(`expanded request exceeds ${MAX_IS_EXPANDED_LENGTH} characters`);
    expect(fault.command).toMatch(/^\$(leaf|l\d)\$$/);
  });
});

describe('parseIsColor', () => {
  it.each<[string, IsColor]>([
    // decimal gray and gray+alpha are percent (IS colour page), stored on 0–255
    ['0', { space: 'gray', values: [0], alpha: 255, source: false }],
    ['100', { space: 'gray', values: [255], alpha: 255, source: false }],
    ['50,75g', { space: 'gray', values: [128], alpha: 191, source: false }],
    ['100S', { space: 'gray', values: [255], alpha: 255, source: true }],
    // RGB / RGBA decimal 0–255
    ['0,100,200', rgb(0, 100, 200)],
    ['0,100,200,200rs', rgb(0, 100, 200, 200, true)],
    ['10,20,30r', rgb(10, 20, 30)],
    // hex gray needs 0x
    ['0x70', { space: 'gray', values: [112], alpha: 255, source: false }],
    ['0X70G', { space: 'gray', values: [112], alpha: 255, source: false }],
    ['0xddeegs', { space: 'gray', values: [221], alpha: 238, source: true }],
    // hex RGB(A) with and without 0x
    ['ff8000', rgb(255, 128, 0)],
    ['0xFF8000', rgb(255, 128, 0)],
    ['0x010203S', rgb(1, 2, 3, 255, true)],
    ['a0b1c2d3R', rgb(160, 177, 194, 211)],
    ['000000', rgb(0, 0, 0)],
    // CMYK decimal percent, k mandatory; alpha percent
    ['94,11,50,33k', { space: 'cmyk', values: [94, 11, 50, 33], alpha: 255, source: false }],
    ['22,23,24,25,26KS', { space: 'cmyk', values: [22, 23, 24, 25], alpha: 66, source: true }],
    // hex CMYK bytes → percent (2 decimals), alpha byte
    ['38393A3bK', { space: 'cmyk', values: [21.96, 22.35, 22.75, 23.14], alpha: 255, source: false }],
    ['0xff000080k', { space: 'cmyk', values: [100, 0, 0, 50.2], alpha: 255, source: false }],
    ['0x0a0b0C0d0eks', { space: 'cmyk', values: [3.92, 4.31, 4.71, 5.1], alpha: 14, source: true }],
  ])('%s', (text, color) => {
    expect(parseIsColor('bgc', text)).toEqual(color);
  });

  it.each([
    ['', "bgc: expected a colour (g[,a], r,g,b[,a], c,m,y,k[,a]k, 0xGG[AA], [0x]RRGGBB[AA] or [0x]CCMMYYKK[AA]k, optional suffix s), received ''"],
    ['red', "bgc: expected a colour (g[,a], r,g,b[,a], c,m,y,k[,a]k, 0xGG[AA], [0x]RRGGBB[AA] or [0x]CCMMYYKK[AA]k, optional suffix s), received 'red'"],
    ['256,0,0', "bgc: expected an integer from 0 to 255 for red, received '256'"],
    ['101', "bgc: expected an integer from 0 to 100 for gray (percent), received '101'"],
    ['0,0,0,101k', "bgc: expected an integer from 0 to 100 for black (percent), received '101'"],
    ['ff', "bgc: expected a colour (g[,a], r,g,b[,a], c,m,y,k[,a]k, 0xGG[AA], [0x]RRGGBB[AA] or [0x]CCMMYYKK[AA]k, optional suffix s), received 'ff'"],
    ['1,2,3k', "bgc: expected an RGB value (suffix 'r' or none) for 3 components, received '1,2,3k'"],
    ['1,2,3,4,5', "bgc: expected CMYK with alpha (suffix 'k') for 5 components, received '1,2,3,4,5'"],
    ['0xff0000ffee', "bgc: expected CMYK with alpha (suffix 'k') for 10 hex digits, received '0xff0000ffee'"],
    ['0xffg0', "bgc: expected a colour (g[,a], r,g,b[,a], c,m,y,k[,a]k, 0xGG[AA], [0x]RRGGBB[AA] or [0x]CCMMYYKK[AA]k, optional suffix s), received '0xffg0'"],
    ['ff0000g', "bgc: expected an RGB value (suffix 'r' or none) for 6 hex digits, received 'ff0000g'"],
    ['0x123', "bgc: expected a colour (g[,a], r,g,b[,a], c,m,y,k[,a]k, 0xGG[AA], [0x]RRGGBB[AA] or [0x]CCMMYYKK[AA]k, optional suffix s), received '0x123'"],
    ['1,,3', "bgc: expected a colour (g[,a], r,g,b[,a], c,m,y,k[,a]k, 0xGG[AA], [0x]RRGGBB[AA] or [0x]CCMMYYKK[AA]k, optional suffix s), received '1,,3'"],
    ['-1,0,0', "bgc: expected a colour (g[,a], r,g,b[,a], c,m,y,k[,a]k, 0xGG[AA], [0x]RRGGBB[AA] or [0x]CCMMYYKK[AA]k, optional suffix s), received '-1,0,0'"],
    [
      '1,2,3,4,5,6',
      "bgc: expected a colour (g[,a], r,g,b[,a], c,m,y,k[,a]k, 0xGG[AA], [0x]RRGGBB[AA] or [0x]CCMMYYKK[AA]k, optional suffix s), received '1,2,3,4,5,6'",
    ],
  ])('%j faults', (text, message) => {
    expect(faultOf(() => parseIsColor('bgc', text)).message).toBe(message);
  });

  it('names the command it was given', () => {
    expect(faultOf(() => parseIsQuery('bgColor=nope')).command).toBe('bgColor');
  });
});

describe('bounded work', () => {
  it('parses a long hostile value in linear time', () => {
    const digits = '1'.repeat(MAX_IS_QUERY_LENGTH - 10);
    const started = performance.now();
    expect(faultOf(() => parseIsQuery(`scl=${digits}x`)).command).toBe('scl');
    expect(faultOf(() => parseIsQuery(`icc=${'$'.repeat(MAX_IS_QUERY_LENGTH - 10)}&wid=0`)).command).toBe('wid');
    expect(performance.now() - started).toBeLessThan(500);
  });
});
