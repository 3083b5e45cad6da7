import type { Box } from './pixel-ops.js';

/** Interleaved 8-bit pixels, alpha (when present) last. */
export interface Pixels {
  data: Uint8Array;
  width: number;
  height: number;
  channels: number;
}

export interface RawRgba extends Pixels {
  channels: 4;
}

/** The bytes of a Buffer as a Uint8Array, without copying. */
export function view(buf: Buffer): Uint8Array {
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

export function extract<T extends Pixels>(img: T, box: Box): T {
  const ch = img.channels;
  const out = new Uint8Array(box.width * box.height * ch);
  for (let y = 0; y < box.height; y++) {
    const from = ((box.top + y) * img.width + box.left) * ch;
    out.set(img.data.subarray(from, from + box.width * ch), y * box.width * ch);
  }
  return { ...img, data: out, width: box.width, height: box.height };
}

/** 16-bit samples to 8-bit, rounded: libvips' raw output would clip them instead of scaling. */
export function narrow(data: Buffer): Uint8Array {
  const aligned = data.byteOffset % 2 ? Buffer.from(data) : data;
  const wide = new Uint16Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 2);
  const out = new Uint8Array(wide.length);
  for (let i = 0; i < wide.length; i++) out[i] = Math.round(wide[i]! / 257);
  return out;
}
