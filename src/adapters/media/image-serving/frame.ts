import sharp, { type KernelEnum, type Sharp } from 'sharp';
import type { IsBox } from '../../../domain/image-serving/is-request.js';
import { UnreadableImageError } from '../media-errors.js';
import type { Rgba } from './colour.js';
import type { Size } from './geometry.js';

/**
 * The image between two pipeline steps. Either still the untouched source
 * file (with the region of it that is still wanted), so that the view resize
 * can read it with shrink-on-load or from a smaller pyramid level and a tiled
 * TIFF is only decoded where needed; or decoded pixels: interleaved 8-bit
 * sRGB, 3 channels or 4 with (unpremultiplied) alpha last.
 *
 * Every step that changes pixels gives a new frame and drops the old one, so
 * at most two full images are alive at once (the unsharp mask needs three).
 */
export type Frame = SourceFrame | PixelFrame;

export interface SourceFrame extends Size {
  kind: 'source';
  file: string;
  channels: 3 | 4;
  /** what is still wanted of the (upright, full-resolution) source; width/height are its size */
  region?: { left: number; top: number };
  /** pixels per inch the source states */
  density?: number;
  /** pages of an upright TIFF source with more than one: perhaps pyramid levels (from the header openSource reads, so resize need not read it again) */
  tiffPages?: number;
  /**
   * A resize still to run when the frame is read (from pyramid `page`, after
   * `region`): the common request (wid/hei, then the output) becomes one
   * libvips pipeline from file to reply, with no decoded copy in between.
   */
  resize?: { width: number; height: number; kernel: Kernel; page: number };
}

export interface PixelFrame extends Size {
  kind: 'pixels';
  data: Buffer;
  channels: 3 | 4;
}

type Kernel = keyof KernelEnum;

/** The source's size and alpha, read from its header only. */
export async function openSource(file: string): Promise<SourceFrame> {
  const meta = await readable(() => source(file).metadata());
  const width = meta.autoOrient?.width ?? meta.width;
  const height = meta.autoOrient?.height ?? meta.height;
  if (!width || !height) throw new UnreadableImageError('the image has no dimensions');
  const tiffPages = meta.format === 'tiff' && (meta.pages ?? 1) > 1 && (meta.orientation ?? 1) === 1 ? meta.pages : undefined;
  return {
    kind: 'source',
    file,
    width,
    height,
    channels: meta.hasAlpha ? 4 : 3,
    ...(meta.density ? { density: meta.density } : {}),
    ...(tiffPages ? { tiffPages } : {}),
  };
}

/**
 * Sources are our own stored images (already bounded at ingest) and the
 * pipeline checks every size a request makes before decoding, so sharp's
 * pixel limit is off. `failOn: 'error'` serves a slightly damaged file as IS
 * would instead of refusing it.
 */
function source(file: string, page = 0): Sharp {
  return sharp(file, { autoOrient: true, failOn: 'error', limitInputPixels: false, page });
}

/** The frame as a sharp pipeline input. */
export function pipeline(frame: Frame): Sharp {
  if (frame.kind === 'pixels') {
    return sharp(frame.data, { raw: { width: frame.width, height: frame.height, channels: frame.channels }, limitInputPixels: false });
  }
  const r = frame.resize;
  if (!r) {
    const img = source(frame.file);
    return frame.region ? img.extract({ ...frame.region, width: frame.width, height: frame.height }) : img;
  }
  const img = source(frame.file, r.page);
  return img.resize(r.width, r.height, { fit: 'fill', kernel: r.kernel });
}

/** Runs `img` and keeps its pixels. Output is sRGB: gray becomes three equal bands, CMYK is converted through its profile. */
async function decode(img: Sharp, fromSource: boolean): Promise<PixelFrame> {
  const run = () => img.toColourspace('srgb').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  const { data, info } = fromSource ? await readable(run) : await run();
  if (info.channels !== 3 && info.channels !== 4) throw new Error(`expected 3 or 4 channels from libvips, received ${info.channels}`);
  return { kind: 'pixels', data, width: info.width, height: info.height, channels: info.channels };
}

export async function materialise(frame: Frame): Promise<PixelFrame> {
  return frame.kind === 'pixels' ? frame : decode(pipeline(frame), true);
}

/** Applies one sharp operation to the frame's pixels. */
export async function transform(frame: Frame, op: (img: Sharp) => Sharp): Promise<PixelFrame> {
  return decode(op(pipeline(frame)), frame.kind === 'source');
}

/**
 * The frame resized to exactly `size` with `kernel` (alpha is premultiplied by
 * sharp while resampling). An untouched source is read from the smallest
 * pyramid level that is still at least `size` (a TIFF written with pyramid
 * pages, as the optimiser writes them) and otherwise with libjpeg/libwebp
 * shrink-on-load: what keeps a 100 MP original from being decoded in full for
 * a thumbnail.
 */
export async function resize(frame: Frame, size: Size, kernel: Kernel): Promise<Frame> {
  if (size.width === frame.width && size.height === frame.height) return materialise(frame);
  if (frame.kind === 'source' && !frame.region && !frame.resize) {
    // Deferred: read when the next step needs pixels, or straight into the encoder.
    return {
      ...frame,
      width: size.width,
      height: size.height,
      resize: { width: size.width, height: size.height, kernel, page: await pyramidLevel(frame, size) },
    };
  }
  return decode(pipeline(frame).resize(size.width, size.height, { fit: 'fill', kernel }), frame.kind === 'source');
}

/**
 * The page of the smallest pyramid level at least `size`; 0 (the full image) when the file has no such levels.
 * Each level's header is a read of its own (~0.4 ms), so a page that could not be large enough even if it
 * were a level is not read: one read for the usual reduction to a level or two down.
 */
async function pyramidLevel(frame: SourceFrame, size: Size): Promise<number> {
  if (size.width * 2 > frame.width || size.height * 2 > frame.height) return 0;
  const pages = frame.tiffPages ?? 0;
  let best = 0;
  for (let page = 1; page < pages; page++) {
    // A pyramid level halves the one before it (floor or ceil); anything else is a multi-page document.
    const factor = 2 ** page;
    if (frame.width / factor + 1 < size.width || frame.height / factor + 1 < size.height) break;
    const level = await readable(() => source(frame.file, page).metadata());
    const fits = (full: number, got: number | undefined) => got !== undefined && Math.abs(got - full / factor) <= 1;
    if (!fits(frame.width, level.width) || !fits(frame.height, level.height)) break;
    if (level.width! < size.width || level.height! < size.height) break;
    best = page;
  }
  return best;
}

/**
 * The part `box` of the frame (in its pixels), areas outside the frame filled
 * with `fill`. A region inside an untouched source stays unread; otherwise the
 * pixels are copied row by row in JS: exact, and independent of the order in
 * which sharp would run extract, extend and ensureAlpha in one pipeline.
 */
export async function reframe(frame: Frame, box: IsBox, fill: Rgba): Promise<Frame> {
  if (box.x === 0 && box.y === 0 && box.w === frame.width && box.h === frame.height) return frame;
  const inside = box.x >= 0 && box.y >= 0 && box.x + box.w <= frame.width && box.y + box.h <= frame.height;
  if (frame.kind === 'source' && !frame.resize && inside) {
    const left = (frame.region?.left ?? 0) + box.x;
    const top = (frame.region?.top ?? 0) + box.y;
    return { ...frame, width: box.w, height: box.h, region: { left, top } };
  }
  const x0 = Math.max(0, box.x);
  const x1 = Math.min(frame.width, box.x + box.w);
  const y0 = Math.max(0, box.y);
  const y1 = Math.min(frame.height, box.y + box.h);
  if (frame.kind === 'source' && !frame.resize && x0 < x1 && y0 < y1) {
    // decode only the part of the source that shows, then pad it
    const shown = await reframe(frame, { x: x0, y: y0, w: x1 - x0, h: y1 - y0 }, fill);
    return reframe(await materialise(shown), { x: box.x - x0, y: box.y - y0, w: box.w, h: box.h }, fill);
  }
  const src = await materialise(frame);
  const channels = inside ? src.channels : fill.alpha < 255 ? 4 : src.channels;
  const out = Buffer.allocUnsafe(box.w * box.h * channels);
  if (!inside) fillColour(out, channels, fill);
  for (let y = y0; y < y1 && x0 < x1; y++) {
    const from = (y * src.width + x0) * src.channels;
    const to = ((y - box.y) * box.w + (x0 - box.x)) * channels;
    if (channels === src.channels) {
      src.data.copy(out, to, from, from + (x1 - x0) * channels);
    } else {
      for (let i = 0; i < x1 - x0; i++) {
        out[to + i * 4] = src.data[from + i * 3]!;
        out[to + i * 4 + 1] = src.data[from + i * 3 + 1]!;
        out[to + i * 4 + 2] = src.data[from + i * 3 + 2]!;
        out[to + i * 4 + 3] = 255;
      }
    }
  }
  return { kind: 'pixels', data: out, width: box.w, height: box.h, channels };
}

/** The frame with an alpha channel (opaque where there was none). */
export async function withAlpha(frame: Frame): Promise<PixelFrame> {
  const px = await materialise(frame);
  if (px.channels === 4) return px;
  const n = px.width * px.height;
  const out = Buffer.allocUnsafe(n * 4);
  for (let i = 0; i < n; i++) {
    out[i * 4] = px.data[i * 3]!;
    out[i * 4 + 1] = px.data[i * 3 + 1]!;
    out[i * 4 + 2] = px.data[i * 3 + 2]!;
    out[i * 4 + 3] = 255;
  }
  return { ...px, data: out, channels: 4 };
}

function fillColour(out: Buffer, channels: number, c: Rgba): void {
  const px = channels === 4 ? [c.r, c.g, c.b, c.alpha] : [c.r, c.g, c.b];
  if (c.r === c.g && c.g === c.b && (channels === 3 || c.alpha === c.r)) {
    out.fill(c.r);
    return;
  }
  const pattern = Buffer.from(px);
  out.fill(pattern);
}

/** Decoder failures of the source become UnreadableImageError; I/O errors stay retryable. */
async function readable<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // a missing or unreadable file is the store's problem, not the image's
    if (/ENOSPC|EIO|EMFILE|ENFILE|EACCES|ENOENT|Input file is missing/.test(message)) throw err;
    throw new UnreadableImageError(message.split('\n')[0]!.slice(0, 300));
  }
}
