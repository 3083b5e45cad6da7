import { beforeAll, describe, expect, it } from 'vitest';
import { image, pixelsOf, useRenderScratch } from '../support/is-render-fixtures.js';

useRenderScratch();

describe('filters', () => {
  let flat: string;
  beforeAll(async () => {
    flat = await image(8, 8, (x) => (x < 4 ? [10, 200, 30] : [100, 100, 100]));
  });

  it('op_invert inverts every colour level exactly', async () => {
    const px = await pixelsOf(flat, { invert: true });
    expect(px.at(0, 0)).toEqual([245, 55, 225]);
    expect(px.at(7, 7)).toEqual([155, 155, 155]);
  });

  it('op_brightness brightens (>0) and darkens (<0)', async () => {
    const up = await pixelsOf(flat, { brightness: 50 });
    expect(up.at(7, 0)).toEqual([178, 178, 178]); // 100 + 155·0.5 = 177.5
    const down = await pixelsOf(flat, { brightness: -50 });
    expect(down.at(7, 0)).toEqual([50, 50, 50]);
  });

  it('op_contrast spreads levels away from mid-grey (>0) and towards it (<0)', async () => {
    const more = await pixelsOf(flat, { contrast: 50 });
    expect(more.at(7, 0)[0]).toBeLessThan(100);
    expect(more.at(0, 0)[1]).toBeGreaterThan(200);
    const less = await pixelsOf(flat, { contrast: -50 });
    expect(less.at(7, 0)[0]).toBeGreaterThan(100);
    expect(less.at(0, 0)[1]).toBeLessThan(200);
  });

  it('op_saturation=-100 makes grey; op_colorbalance moves only its channel', async () => {
    const grey = await pixelsOf(flat, { saturation: -100 });
    const [r, g, b] = grey.at(0, 0);
    expect(r).toBe(g);
    expect(g).toBe(b);
    const redder = await pixelsOf(flat, { colorbalance: { r: 50, g: 0, b: -50 } });
    expect(redder.at(7, 0)).toEqual([178, 100, 50]);
  });

  it('op_usm sharpens an edge (op_usmR radius as given)', async () => {
    const edge = await image(20, 4, (x) => (x < 10 ? [100, 100, 100] : [150, 150, 150]));
    const plain = await pixelsOf(edge, {});
    const sharpened = await pixelsOf(edge, { usm: { amount: 2, radius: 2, threshold: 0, monochrome: false, absoluteRadius: true } });
    expect(plain.at(9, 1)).toEqual([100, 100, 100]);
    expect(sharpened.at(9, 1)[0]).toBeLessThan(100);
    expect(sharpened.at(10, 1)[0]).toBeGreaterThan(150);
    expect(sharpened.at(0, 1)).toEqual([100, 100, 100]); // far from the edge: unchanged
  });

  it('op_hue turns the colour', async () => {
    const px = await pixelsOf(flat, { hue: 120 });
    expect(px.at(0, 0)).not.toEqual([10, 200, 30]);
    expect(px.at(7, 0)).toEqual([100, 100, 100]); // grey has no hue
  });
});
