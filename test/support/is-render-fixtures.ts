import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, expect } from 'vitest';
import { type IsRenderOptions, renderIsImage } from '../../src/adapters/media/image-serving/is-renderer.js';
import type { IsColor, IsRequest } from '../../src/domain/image-serving/is-request.js';

// Fixtures of the is-renderer*.test.ts files: lossless source images, a render call that
// reads the reply's pixels back, and exact colour and area checks.

export type Rgb = [number, number, number];
export const RED: Rgb = [255, 0, 0];
export const GREEN: Rgb = [0, 255, 0];
export const BLUE: Rgb = [0, 0, 255];
export const YELLOW: Rgb = [255, 255, 0];

export const rgb = (r: number, g: number, b: number, alpha = 255): IsColor => ({ space: 'rgb', values: [r, g, b], alpha, source: false });
/** view background of most tests: pure green, which no test image contains */
export const BGC = rgb(...GREEN);
export const PNG = { format: 'png' } as const;

let dir: string | undefined;
let seq = 0;

/** Gives the calling test file a scratch directory of its own, removed after its tests. */
export function useRenderScratch(): void {
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'is-renderer-'));
  });
  afterAll(async () => {
    if (dir) await fs.rm(dir, { recursive: true, force: true });
    dir = undefined;
  });
}

/** A path in the test file's scratch directory. */
export function scratchPath(name: string): string {
  if (!dir) throw new Error('call useRenderScratch() in the test file: the scratch directory exists only while its tests run');
  return path.join(dir, name);
}

/** A lossless PNG whose pixel (x, y) is `colour(x, y)` (3 or 4 values). */
export async function image(width: number, height: number, colour: (x: number, y: number) => number[]): Promise<string> {
  const channels = colour(0, 0).length as 3 | 4;
  const data = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(colour(x, y), (y * width + x) * channels);
  const file = scratchPath(`src-${++seq}.png`);
  await sharp(data, { raw: { width, height, channels } }).png().toFile(file);
  return file;
}

/** 40×20: left half red, right half blue. */
export const halves = () => image(40, 20, (x) => (x < 20 ? RED : BLUE));

export async function render(source: string, req: IsRequest, opts: Partial<IsRenderOptions> = {}) {
  const out = scratchPath(`out-${++seq}`);
  const result = await renderIsImage(source, req, out, { maxPixels: 100_000_000, ...opts });
  return { out, result };
}

export interface Pixels {
  width: number;
  height: number;
  channels: number;
  at(x: number, y: number): number[];
}

export async function read(file: string): Promise<Pixels> {
  const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
  return {
    width: info.width,
    height: info.height,
    channels: info.channels,
    at: (x, y) => [...data.subarray((y * info.width + x) * info.channels, (y * info.width + x + 1) * info.channels)],
  };
}

/** Renders and reads back the reply's pixels. */
export async function pixelsOf(source: string, req: IsRequest, opts: Partial<IsRenderOptions> = {}): Promise<Pixels> {
  const { out } = await render(source, { fmt: PNG, bgc: BGC, ...req }, opts);
  return read(out);
}

/** Colour channels within `tol` levels (resampling rounds inside flat areas too). */
export function expectColour(px: Pixels, x: number, y: number, want: Rgb, tol = 2): void {
  const got = px.at(x, y).slice(0, 3);
  const ok = got.every((v, i) => Math.abs(v - want[i]!) <= tol);
  expect(ok, `pixel ${x},${y} is ${got.join(',')}, expected ${want.join(',')} ±${tol}`).toBe(true);
}

/** Every pixel of the rows/columns box is `want`, exactly (padding is never resampled). */
export function expectArea(px: Pixels, x0: number, y0: number, x1: number, y1: number, want: Rgb): void {
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) expectColour(px, x, y, want, 0);
}

export function expectSize(px: Pixels, width: number, height: number): void {
  expect([px.width, px.height]).toEqual([width, height]);
}
