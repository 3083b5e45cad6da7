import { beforeAll, describe, expect, it } from 'vitest';
import type { IsColor } from '../../src/domain/image-serving/is-request.js';
import {
  BGC,
  BLUE,
  expectArea,
  expectColour,
  expectSize,
  GREEN,
  halves,
  image,
  pixelsOf,
  PNG,
  read,
  RED,
  render,
  rgb,
  useRenderScratch,
  YELLOW,
} from '../support/is-render-fixtures.js';

// The view and the layer: sizing, fit, align, regions and tiles, the source transforms
// and their order, backgrounds and alpha (formats, filters, sources: is-renderer-*.test.ts).
useRenderScratch();

describe('view: wid / hei / fit / align', () => {
  let src: string;
  beforeAll(async () => {
    src = await halves();
  });

  it('without fit= scales to fit inside wid×hei and pads with bgc, centred by default', async () => {
    const px = await pixelsOf(src, { wid: 20, hei: 20 });
    expectSize(px, 20, 20);
    // 40×20 → 20×10 at y = 5
    expectArea(px, 0, 0, 20, 5, GREEN);
    expectArea(px, 0, 15, 20, 20, GREEN);
    expectColour(px, 2, 5, RED);
    expectColour(px, 17, 14, BLUE);
  });

  it('align=h,v moves the image to the top (−1) or bottom (1) of the padding', async () => {
    const top = await pixelsOf(src, { wid: 20, hei: 20, align: { h: 0, v: -1 } });
    expectColour(top, 2, 0, RED);
    expectArea(top, 0, 10, 20, 20, GREEN);
    const bottom = await pixelsOf(src, { wid: 20, hei: 20, align: { h: 0, v: 1 } });
    expectArea(bottom, 0, 0, 20, 10, GREEN);
    expectColour(bottom, 17, 19, BLUE);
  });

  it('fit=constrain shrinks the reply instead of padding', async () => {
    const px = await pixelsOf(src, { wid: 20, hei: 20, fit: { mode: 'constrain', upscale: false } });
    expectSize(px, 20, 10);
    expectColour(px, 2, 0, RED);
    expectColour(px, 17, 9, BLUE);
  });

  it('fit=crop fills wid×hei with the larger scale and crops by align', async () => {
    const centre = await pixelsOf(src, { wid: 20, hei: 20, fit: { mode: 'crop', upscale: false } });
    expectSize(centre, 20, 20);
    // scale 1, columns 10–29 of the source
    expectArea(centre, 0, 0, 10, 20, RED);
    expectArea(centre, 10, 0, 20, 20, BLUE);
    const left = await pixelsOf(src, { wid: 20, hei: 20, fit: { mode: 'crop', upscale: false }, align: { h: -1, v: 0 } });
    expectArea(left, 0, 0, 20, 20, RED);
    const right = await pixelsOf(src, { wid: 20, hei: 20, fit: { mode: 'crop', upscale: false }, align: { h: 1, v: 0 } });
    expectArea(right, 0, 0, 20, 20, BLUE);
  });

  it('fit=wrap grows the reply instead of cropping', async () => {
    const px = await pixelsOf(src, { wid: 20, hei: 20, fit: { mode: 'wrap', upscale: false } });
    expectSize(px, 40, 20);
    expectArea(px, 0, 0, 20, 20, RED);
    expectArea(px, 20, 0, 40, 20, BLUE);
  });

  it('fit=stretch scales x and y independently to exactly wid×hei', async () => {
    const px = await pixelsOf(src, { wid: 20, hei: 20, fit: { mode: 'stretch', upscale: false } });
    expectSize(px, 20, 20);
    expectColour(px, 2, 0, RED);
    expectColour(px, 2, 19, RED);
    expectColour(px, 17, 0, BLUE);
    expectColour(px, 17, 19, BLUE);
  });

  it('fit=hfit uses the x scale only (crops or pads vertically), vfit the y scale', async () => {
    // hfit 20×8: x scale 0.5 → 20×10, cropped to 8 rows: no padding at all (fit would pad left and right)
    const hfit = await pixelsOf(src, { wid: 20, hei: 8, fit: { mode: 'hfit', upscale: false } });
    expectSize(hfit, 20, 8);
    expectColour(hfit, 0, 0, RED);
    expectColour(hfit, 19, 7, BLUE);
    const fit = await pixelsOf(src, { wid: 20, hei: 8, fit: { mode: 'fit', upscale: false } });
    expectArea(fit, 0, 0, 2, 8, GREEN);
    // hfit 8×20: x scale 0.2 → 8×4, padded vertically
    const hpad = await pixelsOf(src, { wid: 8, hei: 20, fit: { mode: 'hfit', upscale: false } });
    expectArea(hpad, 0, 0, 8, 8, GREEN);
    expectArea(hpad, 0, 12, 8, 20, GREEN);
    // vfit 8×20: y scale 1 → 40×20 cropped to columns 16–23
    const vfit = await pixelsOf(src, { wid: 8, hei: 20, fit: { mode: 'vfit', upscale: false } });
    expectSize(vfit, 8, 20);
    expectArea(vfit, 0, 0, 4, 20, RED);
    expectArea(vfit, 4, 0, 8, 20, BLUE);
  });

  it('upscale=0 keeps 1:1 and pads; upscale=1 and no fit= at all scale up', async () => {
    const capped = await pixelsOf(src, { wid: 80, hei: 80, fit: { mode: 'fit', upscale: false } });
    expectSize(capped, 80, 80);
    // 40×20 at 20,30
    expectArea(capped, 0, 0, 80, 30, GREEN);
    expectArea(capped, 0, 30, 20, 50, GREEN);
    expectArea(capped, 20, 30, 40, 50, RED);
    expectArea(capped, 40, 30, 60, 50, BLUE);
    const up = await pixelsOf(src, { wid: 80, hei: 80, fit: { mode: 'fit', upscale: true } });
    // 80×40 at 0,20
    expectArea(up, 0, 0, 80, 20, GREEN);
    expectColour(up, 0, 20, RED);
    expectColour(up, 79, 59, BLUE);
    const noFit = await pixelsOf(src, { wid: 80, hei: 80 });
    expectColour(noFit, 0, 20, RED);
    const constrained = await pixelsOf(src, { wid: 80, hei: 80, fit: { mode: 'constrain', upscale: false } });
    expectSize(constrained, 40, 20);
  });

  it('with only wid or hei the other side follows the aspect ratio', async () => {
    expectSize(await pixelsOf(src, { wid: 20 }), 20, 10);
    expectSize(await pixelsOf(src, { hei: 5 }), 10, 5);
    // upscale=0 with one side: the reply keeps the asked size, the image stays 1:1, centred
    const capped = await pixelsOf(src, { wid: 80, fit: { mode: 'fit', upscale: false }, align: { h: -1, v: -1 } });
    expectSize(capped, 80, 40);
    expectArea(capped, 0, 0, 20, 40, GREEN);
    expectArea(capped, 20, 10, 40, 30, RED);
  });

  it('scl=n scales by 1/n; with wid/hei the result is cropped/padded by align', async () => {
    const half = await pixelsOf(src, { scl: 2 });
    expectSize(half, 20, 10);
    expectColour(half, 2, 5, RED);
    const padded = await pixelsOf(src, { scl: 2, wid: 30, hei: 30, align: { h: -1, v: -1 } });
    expectSize(padded, 30, 30);
    expectColour(padded, 0, 0, RED);
    expectColour(padded, 19, 9, BLUE);
    expectArea(padded, 20, 0, 30, 30, GREEN);
    expectArea(padded, 0, 10, 30, 30, GREEN);
    const cropped = await pixelsOf(src, { scl: 1, wid: 10, hei: 20, align: { h: 1, v: 0 } });
    expectArea(cropped, 0, 0, 10, 20, BLUE);
  });

  it('rgn= takes a region of the composite, padded with bgc outside it', async () => {
    const px = await pixelsOf(src, { rgn: { x: 30, y: 0, w: 20, h: 20 } });
    expectSize(px, 20, 20);
    expectArea(px, 0, 0, 10, 20, BLUE);
    expectArea(px, 10, 0, 20, 20, GREEN);
    // rgn before the view scaling: the 20×20 region becomes 10×10
    const scaled = await pixelsOf(src, { rgn: { x: 10, y: 0, w: 20, h: 20 }, wid: 10 });
    expectSize(scaled, 10, 10);
    expectColour(scaled, 1, 5, RED);
    expectColour(scaled, 8, 5, BLUE);
  });

  it('rect= cuts a tile of the final view (optionally rescaled), padded with bgc', async () => {
    const tile = await pixelsOf(src, { rect: { x: 15, y: 5, w: 10, h: 10, scale: 1 } });
    expectSize(tile, 10, 10);
    expectArea(tile, 0, 0, 5, 10, RED);
    expectArea(tile, 5, 0, 10, 10, BLUE);
    const edge = await pixelsOf(src, { rect: { x: 35, y: 0, w: 10, h: 10, scale: 1 } });
    expectArea(edge, 0, 0, 5, 10, BLUE);
    expectArea(edge, 5, 0, 10, 10, GREEN);
    // the view (wid=20 → 20×10) scaled by 2 back to 40×20, tile of its right part
    const rescaled = await pixelsOf(src, { wid: 20, rect: { x: 30, y: 0, w: 10, h: 20, scale: 2 } });
    expectSize(rescaled, 10, 20);
    expectColour(rescaled, 5, 10, BLUE);
  });
});

describe('source transforms', () => {
  it('run in the order crop → scale → flip → rotate → extend', async () => {
    // 60×30: red | green | blue thirds
    const src = await image(60, 30, (x) => (x < 20 ? RED : x < 40 ? GREEN : BLUE));
    const px = await pixelsOf(src, {
      crop: { x: 0, y: 0, w: 40, h: 30, normalized: false }, // red | green, 40×30
      scale: 0.5, // 20×15
      flip: 'lr', // green | red
      rotate: 90, // clockwise: the left column goes to the top → green over red, 15×20
      extend: { l: 0, t: 0, r: 0, b: 5, normalized: false }, // 5 rows of bgColor below
      bgColor: rgb(...YELLOW),
    });
    // any other order gives other sizes or colours (rotate before flip: red on top; extend before rotate: yellow on the left; scale before crop: a 40×30 crop)
    expectSize(px, 15, 25);
    expectColour(px, 7, 2, GREEN);
    expectColour(px, 7, 17, RED);
    expectArea(px, 0, 20, 15, 25, YELLOW);
  });

  it('flip and rotate apply to the cropped part of the source', async () => {
    const src = await halves();
    const crop = { x: 0, y: 0, w: 30, h: 20, normalized: false }; // red 20 | blue 10
    const flipped = await pixelsOf(src, { crop, flip: 'lr' });
    expectArea(flipped, 0, 0, 10, 20, BLUE);
    expectArea(flipped, 10, 0, 30, 20, RED);
    const turned = await pixelsOf(src, { crop, rotate: 270 }); // counter-clockwise: the right column goes to the top
    expectSize(turned, 20, 30);
    expectArea(turned, 0, 0, 20, 10, BLUE);
    expectArea(turned, 0, 10, 20, 30, RED);
  });

  it('rotate=90 swaps the sides; other angles grow the layer, filled with bgColor', async () => {
    const src = await halves();
    const px = await pixelsOf(src, { rotate: 90 });
    expectSize(px, 20, 40);
    expectArea(px, 0, 0, 20, 20, RED);
    expectArea(px, 0, 20, 20, 40, BLUE);
    const tilted = await pixelsOf(src, { rotate: 30, bgColor: rgb(...YELLOW) });
    expectSize(tilted, 45, 37); // 40·cos30 + 20·sin30 = 44.6, 40·sin30 + 20·cos30 = 37.3
    expectColour(tilted, 0, 0, YELLOW);
    expectColour(tilted, 44, 36, YELLOW);
  });

  it('crop outside the image and extend fill with bgColor, else transparent (then bgc for non-alpha formats)', async () => {
    const src = await halves();
    const layerFill = await pixelsOf(src, { crop: { x: -10, y: 0, w: 20, h: 20, normalized: false }, bgColor: rgb(...YELLOW) });
    expectSize(layerFill, 20, 20);
    expectArea(layerFill, 0, 0, 10, 20, YELLOW);
    expectArea(layerFill, 10, 0, 20, 20, RED);
    const flattened = await pixelsOf(src, { extend: { l: 5, t: 0, r: 0, b: 0, normalized: false } });
    expectSize(flattened, 45, 20);
    expectArea(flattened, 0, 0, 5, 20, GREEN);
    const { out } = await render(src, { fmt: { format: 'png-alpha' }, bgc: BGC, extend: { l: 5, t: 0, r: 0, b: 0, normalized: false } });
    const alpha = await read(out);
    expect(alpha.channels).toBe(4);
    expect(alpha.at(2, 2)[3]).toBe(0);
    expect(alpha.at(10, 2)).toEqual([...RED, 255]);
  });

  it('size= with 0 derives the other side; cropN is relative to the image', async () => {
    const src = await halves();
    expectSize(await pixelsOf(src, { size: { w: 20, h: 0, normalized: false } }), 20, 10);
    const right = await pixelsOf(src, { crop: { x: 0.5, y: 0, w: 0.5, h: 1, normalized: true } });
    expectSize(right, 20, 20);
    expectArea(right, 0, 0, 20, 20, BLUE);
  });
});

describe('backgrounds and alpha', () => {
  it('bgc pads opaque for non-alpha formats and is ignored (transparent) for *-alpha formats', async () => {
    const src = await halves();
    const opaque = await pixelsOf(src, { wid: 20, hei: 20, bgc: rgb(0, 255, 0, 0) }); // bgc alpha is ignored
    expect(opaque.channels).toBe(3);
    expectArea(opaque, 0, 0, 20, 5, GREEN);
    const { out } = await render(src, { wid: 20, hei: 20, bgc: BGC, fmt: { format: 'png-alpha' } });
    const px = await read(out);
    expect(px.channels).toBe(4);
    expect(px.at(5, 0)[3]).toBe(0);
    expect(px.at(2, 10)).toEqual([...RED, 255]);
  });

  it('non-alpha formats flatten the source transparency onto bgc, else onto attribute::BkgColor', async () => {
    const src = await image(10, 10, (x) => (x < 5 ? [255, 0, 0, 255] : [0, 0, 255, 0]));
    const onBgc = await pixelsOf(src, {});
    expectArea(onBgc, 5, 0, 10, 10, GREEN);
    expectArea(onBgc, 0, 0, 5, 10, RED);
    const { out } = await render(src, { fmt: PNG }, { defaultBackground: rgb(...YELLOW) });
    expectArea(await read(out), 5, 0, 10, 10, YELLOW);
    const { out: white } = await render(src, { fmt: PNG });
    expectArea(await read(white), 5, 0, 10, 10, [255, 255, 255]);
  });

  it('CMYK colours become RGB by 255·(1−c)(1−k)', async () => {
    const src = await halves();
    const cyan: IsColor = { space: 'cmyk', values: [100, 0, 0, 50], alpha: 255, source: false };
    const px = await pixelsOf(src, { wid: 20, hei: 20, bgc: cyan });
    expectArea(px, 0, 0, 20, 5, [0, 128, 128]);
  });
});
