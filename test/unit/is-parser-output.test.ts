import { describe, expect, it } from 'vitest';
import { parseIsQuery } from '../../src/domain/image-serving/is-parser.js';
import { faultOf } from '../support/is-query.js';

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
