import { describe, expect, it } from 'vitest';
import { parseIsQuery } from '../../src/domain/image-serving/is-parser.js';
import { faultOf } from '../support/is-query.js';

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
