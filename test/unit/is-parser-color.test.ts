import { describe, expect, it } from 'vitest';
import { parseIsColor, parseIsQuery } from '../../src/domain/image-serving/is-parser.js';
import type { IsColor } from '../../src/domain/image-serving/is-request.js';
import { faultOf, rgb } from '../support/is-query.js';

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
