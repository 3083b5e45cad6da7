import { describe, expect, it } from 'vitest';
import { parseIsQuery } from '../../src/domain/image-serving/is-parser.js';
import { faultOf, rgb } from '../support/is-query.js';

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
