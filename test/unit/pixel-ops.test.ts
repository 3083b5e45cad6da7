import sharp, { type Sharp } from 'sharp';
import { describe, expect, it } from 'vitest';
import { autoColorCropBox, autoTransparentCropBox, colorDistance, knockoutMask, toleranceLevels, type RawImage } from '../../src/adapters/media/pixel-ops.js';
import type { Corner } from '../../src/domain/schemas/options.schema.js';

const CORNERS: Corner[] = ['UpperLeft', 'UpperRight', 'BottomLeft', 'BottomRight'];

type Pixel = readonly number[];

/** Builds a raw image from a per-pixel function. */
function build(width: number, height: number, channels: RawImage['channels'], px: (x: number, y: number) => Pixel): RawImage {
  const data = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = px(x, y);
      for (let c = 0; c < channels; c++) data[(y * width + x) * channels + c] = v[c]!;
    }
  }
  return { data, width, height, channels };
}

const count = (mask: Uint8Array, value: number) => mask.reduce((n, v) => (v === value ? n + 1 : n), 0);
const at = (mask: Uint8Array, img: { width: number }, x: number, y: number) => mask[y * img.width + x];

async function toRaw(image: Sharp): Promise<RawImage> {
  const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels as RawImage['channels'] };
}

/** Straightforward BFS reference for flood fill, to cross-check the scanline fill. */
function referenceFlood(width: number, height: number, match: Uint8Array, start: number): Uint8Array {
  const mask = new Uint8Array(width * height).fill(255);
  const queue = [start];
  mask[start] = 0;
  while (queue.length > 0) {
    const p = queue.pop()!;
    const x = p % width;
    const y = (p - x) / width;
    const next = [x > 0 ? p - 1 : -1, x < width - 1 ? p + 1 : -1, y > 0 ? p - width : -1, y < height - 1 ? p + width : -1];
    for (const q of next) {
      if (q >= 0 && mask[q] === 255 && match[q]) {
        mask[q] = 0;
        queue.push(q);
      }
    }
  }
  return mask;
}

describe('tolerance and distance', () => {
  it('converts tolerances to 8-bit levels without float surprises', () => {
    expect(toleranceLevels(0)).toBe(0);
    expect(toleranceLevels(1 / 255)).toBe(1);
    expect(toleranceLevels(3 / 255)).toBe(3);
    expect(toleranceLevels(0.02)).toBe(5);
    expect(toleranceLevels(0.1)).toBe(25);
    expect(toleranceLevels(1)).toBe(255);
    expect(() => toleranceLevels(-0.01)).toThrow(RangeError);
    expect(() => toleranceLevels(1.01)).toThrow(RangeError);
    expect(() => toleranceLevels(Number.NaN)).toThrow(RangeError);
  });

  it('colorDistance is the max per-channel difference over 255', () => {
    expect(colorDistance([255, 255, 255], [255, 255, 255])).toBe(0);
    expect(colorDistance([255, 250, 255], [255, 255, 254])).toBe(5 / 255);
    expect(colorDistance([0, 0, 0], [255, 0, 0])).toBe(1);
    expect(colorDistance([10], [12])).toBe(2 / 255);
  });
});

describe('knockoutMask tolerance edges', () => {
  // 3×1: reference white, one pixel 1 level off, one far off.
  const img = build(
    3,
    1,
    3,
    (x) =>
      [
        [255, 255, 255],
        [255, 254, 255],
        [0, 0, 0],
      ][x]!,
  );

  it('t = 0 excludes a pixel that differs by one level', () => {
    for (const fillMethod of ['MatchPixel', 'FloodFill'] as const) {
      expect([...knockoutMask(img, { corner: 'UpperLeft', tolerance: 0, fillMethod })]).toEqual([0, 255, 255]);
    }
  });

  it('t = 1/255 includes it', () => {
    for (const fillMethod of ['MatchPixel', 'FloodFill'] as const) {
      expect([...knockoutMask(img, { corner: 'UpperLeft', tolerance: 1 / 255, fillMethod })]).toEqual([0, 0, 255]);
    }
  });

  it('t = 1 knocks out everything (MatchPixel) and floods everything (FloodFill)', () => {
    const walled = build(5, 5, 3, (x, y) => (x === 2 || y === 2 ? [0, 0, 0] : [255, 255, 255]));
    for (const fillMethod of ['MatchPixel', 'FloodFill'] as const) {
      expect(count(knockoutMask(img, { corner: 'UpperRight', tolerance: 1, fillMethod }), 0)).toBe(3);
      expect(count(knockoutMask(walled, { corner: 'UpperLeft', tolerance: 1, fillMethod }), 0)).toBe(25);
    }
    // At t = 0 the black cross walls the flood into one 2×2 quadrant.
    expect(count(knockoutMask(walled, { corner: 'BottomRight', tolerance: 0, fillMethod: 'FloodFill' }), 0)).toBe(4);
    expect(count(knockoutMask(walled, { corner: 'BottomRight', tolerance: 0, fillMethod: 'MatchPixel' }), 0)).toBe(16);
  });
});

describe('knockoutMask FloodFill vs MatchPixel', () => {
  // 20×20 white, red square x,y in [5,14], white island x,y in [8,11].
  const W = 20;
  const white = [255, 255, 255];
  const red = [220, 20, 30];
  const inRed = (x: number, y: number) => x >= 5 && x <= 14 && y >= 5 && y <= 14;
  const inIsland = (x: number, y: number) => x >= 8 && x <= 11 && y >= 8 && y <= 11;
  const img = build(W, W, 3, (x, y) => (inIsland(x, y) ? white : inRed(x, y) ? red : white));

  for (const corner of CORNERS) {
    it(`from ${corner}`, () => {
      const flood = knockoutMask(img, { corner, tolerance: 0, fillMethod: 'FloodFill' });
      expect(count(flood, 0)).toBe(400 - 100);
      expect(count(flood, 255)).toBe(100);
      expect(at(flood, img, 0, 0)).toBe(0);
      expect(at(flood, img, 19, 19)).toBe(0);
      expect(at(flood, img, 4, 10)).toBe(0);
      expect(at(flood, img, 5, 5)).toBe(255); // red
      expect(at(flood, img, 9, 9)).toBe(255); // island kept
      expect(at(flood, img, 11, 8)).toBe(255);

      const match = knockoutMask(img, { corner, tolerance: 0, fillMethod: 'MatchPixel' });
      expect(count(match, 0)).toBe(400 - 100 + 16);
      expect(count(match, 255)).toBe(100 - 16);
      expect(at(match, img, 9, 9)).toBe(0); // island knocked out
      expect(at(match, img, 11, 8)).toBe(0);
      expect(at(match, img, 5, 5)).toBe(255);
      expect(at(match, img, 7, 12)).toBe(255);
    });
  }

  it('starts from the chosen corner when the corners differ', () => {
    // Left half blue, right half green.
    const split = build(6, 4, 3, (x) => (x < 3 ? [0, 0, 255] : [0, 255, 0]));
    for (const [corner, zeroX] of [
      ['UpperLeft', 0],
      ['BottomLeft', 0],
      ['UpperRight', 5],
      ['BottomRight', 5],
    ] as const) {
      const mask = knockoutMask(split, { corner, tolerance: 0, fillMethod: 'FloodFill' });
      expect(count(mask, 0)).toBe(12);
      expect(at(mask, split, zeroX, 2)).toBe(0);
      expect(at(mask, split, 5 - zeroX, 2)).toBe(255);
    }
  });

  it('matches a reference BFS on random mazes (scanline fill correctness)', () => {
    let seed = 12345;
    const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    for (const [w, h, density] of [
      [37, 23, 0.4],
      [64, 64, 0.55],
      [1, 50, 0.2],
      [50, 1, 0.2],
      [91, 13, 0.3],
    ] as const) {
      const img = build(w, h, 1, () => [rand() < density ? 0 : 200]);
      for (const corner of CORNERS) {
        const start = corner === 'UpperLeft' ? 0 : corner === 'UpperRight' ? w - 1 : corner === 'BottomLeft' ? (h - 1) * w : w * h - 1;
        const ref = img.data[start]!;
        const match = img.data.map((v) => (v === ref ? 1 : 0));
        const expected = referenceFlood(w, h, match, start);
        expect(knockoutMask(img, { corner, tolerance: 0, fillMethod: 'FloodFill' })).toEqual(expected);
      }
    }
  });
});

describe('image shapes and validation', () => {
  it('handles 1×1 images', () => {
    const img = build(1, 1, 4, () => [1, 2, 3, 4]);
    for (const corner of CORNERS) {
      expect([...knockoutMask(img, { corner, tolerance: 0, fillMethod: 'FloodFill' })]).toEqual([0]);
      expect([...knockoutMask(img, { corner, tolerance: 0, fillMethod: 'MatchPixel' })]).toEqual([0]);
      expect(autoColorCropBox(img, { corner, tolerance: 0 })).toBeNull();
    }
    expect(autoTransparentCropBox(img, { tolerance: 0 })).toEqual({ left: 0, top: 0, width: 1, height: 1 });
    expect(autoTransparentCropBox(img, { tolerance: 4 / 255 })).toBeNull();
  });

  it('handles 1×N and N×1 images', () => {
    const col = build(1, 7, 3, (_x, y) => (y === 3 ? [0, 0, 0] : [255, 255, 255]));
    expect([...knockoutMask(col, { corner: 'UpperLeft', tolerance: 0, fillMethod: 'FloodFill' })]).toEqual([0, 0, 0, 255, 255, 255, 255]);
    expect([...knockoutMask(col, { corner: 'BottomRight', tolerance: 0, fillMethod: 'FloodFill' })]).toEqual([255, 255, 255, 255, 0, 0, 0]);
    expect([...knockoutMask(col, { corner: 'BottomLeft', tolerance: 0, fillMethod: 'MatchPixel' })]).toEqual([0, 0, 0, 255, 0, 0, 0]);
    expect(autoColorCropBox(col, { corner: 'UpperLeft', tolerance: 0 })).toEqual({ left: 0, top: 3, width: 1, height: 1 });

    const row = build(7, 1, 3, (x) => (x === 5 ? [0, 0, 0] : [255, 255, 255]));
    expect([...knockoutMask(row, { corner: 'UpperLeft', tolerance: 0, fillMethod: 'FloodFill' })]).toEqual([0, 0, 0, 0, 0, 255, 255]);
    expect([...knockoutMask(row, { corner: 'UpperRight', tolerance: 0, fillMethod: 'FloodFill' })]).toEqual([255, 255, 255, 255, 255, 255, 0]);
    expect(autoColorCropBox(row, { corner: 'UpperRight', tolerance: 0 })).toEqual({ left: 5, top: 0, width: 1, height: 1 });
  });

  it('compares the gray channel of 1- and 2-channel images', () => {
    const gray = build(4, 1, 1, (x) => [[100], [103], [96], [110]][x]!);
    expect([...knockoutMask(gray, { corner: 'UpperLeft', tolerance: 4 / 255, fillMethod: 'MatchPixel' })]).toEqual([0, 0, 0, 255]);
    expect([...knockoutMask(gray, { corner: 'UpperLeft', tolerance: 3 / 255, fillMethod: 'FloodFill' })]).toEqual([0, 0, 255, 255]);
    // Gray + alpha: alpha is ignored for colour matching.
    const ga = build(
      3,
      1,
      2,
      (x) =>
        [
          [50, 255],
          [50, 0],
          [51, 255],
        ][x]!,
    );
    expect([...knockoutMask(ga, { corner: 'UpperLeft', tolerance: 0, fillMethod: 'FloodFill' })]).toEqual([0, 0, 255]);
    expect(autoTransparentCropBox(ga, { tolerance: 0 })).toEqual({ left: 0, top: 0, width: 3, height: 1 });
  });

  it('ignores alpha when matching RGBA colours', () => {
    const rgba = build(3, 2, 4, (x, y) => (x === 2 && y === 1 ? [9, 9, 9, 255] : [200, 100, 50, x * 100]));
    const mask = knockoutMask(rgba, { corner: 'BottomLeft', tolerance: 0, fillMethod: 'FloodFill' });
    expect([...mask]).toEqual([0, 0, 0, 0, 0, 255]);
  });

  it('throws RangeError on bad dimensions or data length', () => {
    const opts = { corner: 'UpperLeft', tolerance: 0, fillMethod: 'FloodFill' } as const;
    expect(() => knockoutMask({ data: new Uint8Array(11), width: 2, height: 2, channels: 3 }, opts)).toThrow(RangeError);
    expect(() => knockoutMask({ data: new Uint8Array(11), width: 2, height: 2, channels: 3 }, opts)).toThrow(/11.*2×2×3 = 12/);
    expect(() => knockoutMask({ data: new Uint8Array(0), width: 0, height: 2, channels: 3 }, opts)).toThrow(RangeError);
    expect(() => autoColorCropBox({ data: new Uint8Array(0), width: 2, height: 0, channels: 1 }, opts)).toThrow(RangeError);
    expect(() => autoTransparentCropBox({ data: Buffer.alloc(7), width: 2, height: 1, channels: 4 }, { tolerance: 0 })).toThrow(RangeError);
    expect(() => knockoutMask({ data: new Uint8Array(4), width: 2, height: 2, channels: 1 }, { ...opts, tolerance: 2 })).toThrow(RangeError);
  });
});

describe('autoColorCropBox', () => {
  it('trims a white canvas around a black rectangle', async () => {
    const rect = await sharp({ create: { width: 10, height: 20, channels: 3, background: { r: 0, g: 0, b: 0 } } })
      .png()
      .toBuffer();
    const img = await toRaw(
      sharp({ create: { width: 100, height: 80, channels: 3, background: { r: 255, g: 255, b: 255 } } }).composite([{ input: rect, left: 30, top: 40 }]),
    );
    for (const corner of CORNERS) {
      expect(autoColorCropBox(img, { corner, tolerance: 0 })).toEqual({ left: 30, top: 40, width: 10, height: 20 });
    }
  });

  it('depends on the corner colour', () => {
    // White canvas with a 10-px red band at the bottom and a black dot at (40,20).
    const img = build(60, 50, 3, (x, y) => (y >= 40 ? [255, 0, 0] : x === 40 && y === 20 ? [0, 0, 0] : [255, 255, 255]));
    expect(autoColorCropBox(img, { corner: 'UpperLeft', tolerance: 0 })).toEqual({ left: 0, top: 20, width: 60, height: 30 });
    expect(autoColorCropBox(img, { corner: 'UpperRight', tolerance: 0 })).toEqual({ left: 0, top: 20, width: 60, height: 30 });
    expect(autoColorCropBox(img, { corner: 'BottomLeft', tolerance: 0 })).toEqual({ left: 0, top: 0, width: 60, height: 40 });
    expect(autoColorCropBox(img, { corner: 'BottomRight', tolerance: 0 })).toEqual({ left: 0, top: 0, width: 60, height: 40 });
  });

  it('trims slightly off-white noise with a tolerance', () => {
    // Border values 250..255 (diff ≤ 5), content block 30×10 at (12,7).
    const img = build(50, 30, 3, (x, y) => (x >= 12 && x < 42 && y >= 7 && y < 17 ? [120, 60, 200] : [255 - ((x * 7 + y * 3) % 6), 255 - ((x + y) % 6), 255]));
    expect(img.data[0]).toBe(255);
    expect(autoColorCropBox(img, { corner: 'UpperLeft', tolerance: 0 })).toEqual({ left: 0, top: 0, width: 50, height: 30 });
    expect(autoColorCropBox(img, { corner: 'UpperLeft', tolerance: 4 / 255 })).not.toEqual({ left: 12, top: 7, width: 30, height: 10 });
    expect(autoColorCropBox(img, { corner: 'UpperLeft', tolerance: 0.02 })).toEqual({ left: 12, top: 7, width: 30, height: 10 });
  });

  it('returns null for a uniform image', () => {
    const img = build(8, 6, 4, () => [12, 34, 56, 255]);
    expect(autoColorCropBox(img, { corner: 'BottomRight', tolerance: 0 })).toBeNull();
    const noisy = build(8, 6, 3, (x, y) => [100 + ((x + y) % 3), 100, 100]);
    expect(autoColorCropBox(noisy, { corner: 'UpperLeft', tolerance: 1 / 255 })).not.toBeNull();
    expect(autoColorCropBox(noisy, { corner: 'UpperLeft', tolerance: 2 / 255 })).toBeNull();
    expect(autoColorCropBox(noisy, { corner: 'UpperLeft', tolerance: 1 })).toBeNull();
  });
});

describe('autoTransparentCropBox', () => {
  it('finds the box of an opaque shape on a transparent canvas', async () => {
    const shape = await sharp({ create: { width: 17, height: 9, channels: 4, background: { r: 10, g: 200, b: 30, alpha: 1 } } })
      .png()
      .toBuffer();
    const img = await toRaw(
      sharp({ create: { width: 64, height: 48, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).composite([{ input: shape, left: 21, top: 33 }]),
    );
    expect(img.channels).toBe(4);
    expect(autoTransparentCropBox(img, { tolerance: 0 })).toEqual({ left: 21, top: 33, width: 17, height: 9 });
  });

  it('trims a semi-transparent fringe only when the tolerance covers it', () => {
    // Opaque 10×10 at (10,10); alpha-20 fringe 2 px around it; transparent elsewhere.
    const img = build(40, 30, 4, (x, y) => {
      if (x >= 10 && x < 20 && y >= 10 && y < 20) return [0, 0, 0, 255];
      if (x >= 8 && x < 22 && y >= 8 && y < 22) return [0, 0, 0, 20];
      return [255, 255, 255, 0];
    });
    expect(autoTransparentCropBox(img, { tolerance: 0 })).toEqual({ left: 8, top: 8, width: 14, height: 14 });
    expect(autoTransparentCropBox(img, { tolerance: 0.05 })).toEqual({ left: 8, top: 8, width: 14, height: 14 });
    expect(autoTransparentCropBox(img, { tolerance: 0.1 })).toEqual({ left: 10, top: 10, width: 10, height: 10 });
    expect(autoTransparentCropBox(img, { tolerance: 1 })).toBeNull();
  });

  it('returns null without an alpha channel or when everything is transparent', () => {
    expect(
      autoTransparentCropBox(
        build(5, 5, 3, () => [0, 0, 0]),
        { tolerance: 0 },
      ),
    ).toBeNull();
    expect(
      autoTransparentCropBox(
        build(5, 5, 1, () => [0]),
        { tolerance: 0 },
      ),
    ).toBeNull();
    expect(
      autoTransparentCropBox(
        build(5, 5, 4, () => [9, 9, 9, 0]),
        { tolerance: 0 },
      ),
    ).toBeNull();
    expect(
      autoTransparentCropBox(
        build(5, 5, 2, () => [9, 0]),
        { tolerance: 0 },
      ),
    ).toBeNull();
  });
});

describe('photo-like and large images', () => {
  it('flood-fills exactly the flat border around a noisy gradient', async () => {
    const W = 1200;
    const H = 900;
    const B = 40;
    const noise = await toRaw(
      sharp({ create: { width: W, height: H, channels: 3, background: { r: 0, g: 0, b: 0 }, noise: { type: 'gaussian', mean: 128, sigma: 40 } } }),
    );
    expect(noise.channels).toBe(3);
    // Gradient + noise, clamped to [0, 230] so no inner pixel is within 0.02 of white.
    const photo = new Uint8Array(W * H * 3);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const o = (y * W + x) * 3;
        const grad = [(x / W) * 200, (y / H) * 200, ((x + y) / (W + H)) * 200];
        for (let c = 0; c < 3; c++) photo[o + c] = Math.max(0, Math.min(230, Math.round(grad[c]! + noise.data[o + c]! - 128)));
      }
    }
    const img = await toRaw(
      sharp(photo, { raw: { width: W, height: H, channels: 3 } }).extend({ top: B, bottom: B, left: B, right: B, background: { r: 255, g: 255, b: 255 } }),
    );
    expect([img.width, img.height, img.channels]).toEqual([W + 2 * B, H + 2 * B, 3]);
    const total = img.width * img.height;

    const mask = knockoutMask(img, { corner: 'UpperLeft', tolerance: 0.02, fillMethod: 'FloodFill' });
    expect(count(mask, 0)).toBe(total - W * H);
    expect(at(mask, img, B - 1, B - 1)).toBe(0);
    expect(at(mask, img, B, B)).toBe(255);
    expect(at(mask, img, img.width - 1, img.height - 1)).toBe(0);
    expect(autoColorCropBox(img, { corner: 'BottomRight', tolerance: 0.02 })).toEqual({ left: B, top: B, width: W, height: H });
  });

  it('fills a 4000×3000 flat image completely without overflowing', async () => {
    const img = await toRaw(sharp({ create: { width: 4000, height: 3000, channels: 3, background: { r: 17, g: 99, b: 201 } } }));
    const mask = knockoutMask(img, { corner: 'BottomRight', tolerance: 0, fillMethod: 'FloodFill' });
    expect(mask.length).toBe(12_000_000);
    expect(count(mask, 0)).toBe(12_000_000);
    expect(autoColorCropBox(img, { corner: 'UpperLeft', tolerance: 0 })).toBeNull();
  });
});
