import { type IsBox, IsCommandError, type IsRequest } from '../../../domain/image-serving/is-request.js';

/**
 * The sizes and placements of an Image Serving request (docs/image-serving.md#rendering-order),
 * as pure arithmetic on image sizes: no pixels, no sharp. The pipeline steps
 * apply these boxes to pixels, and the limit check runs the same functions on
 * the source's size before any pixel is decoded, so both always agree.
 *
 * Rounding: every size is rounded to the nearest pixel and never below 1; an
 * edge of a normalized box is rounded on its own (left = round(x·W), right =
 * round((x+w)·W)), so adjacent normalized boxes tile without gaps.
 */
export interface Size {
  width: number;
  height: number;
}

/** How the composite becomes the view image: resized to `scaled`, placed at x,y in a `view`-sized reply (negative = cropped). */
export interface ViewLayout {
  scaled: Size;
  view: Size;
  x: number;
  y: number;
}

export const pixels = (s: Size): number => s.width * s.height;

const atLeastOne = (n: number): number => Math.max(1, Math.round(n));

function scaleSize(s: Size, sx: number, sy: number = sx): Size {
  return { width: atLeastOne(s.width * sx), height: atLeastOne(s.height * sy) };
}

function requirePositive(command: string, name: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) throw new IsCommandError(command, `${name} must be a number greater than 0, received ${value}`);
}

/** A box of at least 1×1 pixel, in whole pixels. */
function wholeBox(command: string, b: IsBox): IsBox {
  for (const name of ['x', 'y', 'w', 'h'] as const) {
    if (!Number.isFinite(b[name])) throw new IsCommandError(command, `${name} must be a number, received ${b[name]}`);
  }
  const box = { x: Math.round(b.x), y: Math.round(b.y), w: Math.round(b.w), h: Math.round(b.h) };
  if (box.w < 1 || box.h < 1) throw new IsCommandError(command, `the region must be at least 1x1 pixel, received ${b.w}x${b.h}`);
  return box;
}

/** `crop=` / `cropN=` in the layer's pixels; may reach outside the image (filled with bgColor). */
export function cropBox(crop: NonNullable<IsRequest['crop']>, layer: Size): IsBox {
  if (!crop.normalized) return wholeBox('crop', crop);
  const left = Math.round(crop.x * layer.width);
  const top = Math.round(crop.y * layer.height);
  return wholeBox('cropN', { x: left, y: top, w: Math.round((crop.x + crop.w) * layer.width) - left, h: Math.round((crop.y + crop.h) * layer.height) - top });
}

/**
 * `size=` (`sizeN=`: relative to the layer's size after crop), else `scale=`;
 * undefined when neither changes the size. A 0 in size derives that side from
 * the aspect ratio; `size=0,0` is the default "unconstrained".
 */
export function sourceSize(req: Pick<IsRequest, 'size' | 'scale'>, layer: Size): Size | undefined {
  const { size, scale } = req;
  if (size && (size.w !== 0 || size.h !== 0)) {
    const command = size.normalized ? 'sizeN' : 'size';
    if (!Number.isFinite(size.w) || !Number.isFinite(size.h) || size.w < 0 || size.h < 0) {
      throw new IsCommandError(command, `width and height must be numbers ≥ 0, received ${size.w},${size.h}`);
    }
    let w = size.normalized ? size.w * layer.width : size.w;
    let h = size.normalized ? size.h * layer.height : size.h;
    if (w === 0) w = (h * layer.width) / layer.height;
    if (h === 0) h = (w * layer.height) / layer.width;
    const out = { width: atLeastOne(w), height: atLeastOne(h) };
    return out.width === layer.width && out.height === layer.height ? undefined : out;
  }
  if (scale === undefined || scale === 1) return undefined;
  requirePositive('scale', 'the scale', scale);
  return scaleSize(layer, scale);
}

/** Clockwise degrees in [0, 360). */
export function normalizedAngle(degrees: number): number {
  if (!Number.isFinite(degrees)) throw new IsCommandError('rotate', `the angle must be a number, received ${degrees}`);
  const a = degrees % 360;
  return a < 0 ? a + 360 : a;
}

/** The layer grows to fit the rotated image: its bounding box, rounded as libvips rounds it. */
export function rotatedSize(degrees: number, layer: Size): Size {
  const a = normalizedAngle(degrees);
  if (a === 0 || a === 180) return layer;
  if (a === 90 || a === 270) return { width: layer.height, height: layer.width };
  const r = (a * Math.PI) / 180;
  const c = Math.abs(Math.cos(r));
  const s = Math.abs(Math.sin(r));
  return { width: atLeastOne(layer.width * c + layer.height * s), height: atLeastOne(layer.width * s + layer.height * c) };
}

/** `extend=l,t,r,b` as the box of the extended layer in the layer's pixels (negative values crop). */
export function extendBox(extend: NonNullable<IsRequest['extend']>, layer: Size): IsBox {
  const command = extend.normalized ? 'extendN' : 'extend';
  const [l, t, r, b] = extend.normalized
    ? [extend.l * layer.width, extend.t * layer.height, extend.r * layer.width, extend.b * layer.height].map(Math.round)
    : [extend.l, extend.t, extend.r, extend.b].map(Math.round);
  const box = { x: -l!, y: -t!, w: layer.width + l! + r!, h: layer.height + t! + b! };
  if (!Number.isFinite(box.w) || !Number.isFinite(box.h) || box.w < 1 || box.h < 1) {
    throw new IsCommandError(command, `the extended layer must keep at least 1x1 pixel, received ${box.w}x${box.h}`);
  }
  return box;
}

/** `rgn=`: the region of interest in composite pixels (outside the composite: view background). */
export function regionBox(rgn: IsBox): IsBox {
  return wholeBox('rgn', rgn);
}

/**
 * The view transform (fit modes, scl, align) of a composite of size `comp`.
 *
 * - No wid/hei/scl: the composite as is.
 * - `scl=n`: scaled by 1/n; with wid and/or hei the reply has that size (the
 *   other side: the scaled image's) and the scaled image is cropped/padded by
 *   align. `fit` does not apply (IS: fit only matters "when scl= is not present").
 * - wid and/or hei without scl: `fit` decides the scale. With only one of
 *   them the other follows the aspect ratio, the scale is the given side's in
 *   every mode and align is ignored (centred).
 * - `upscale`: 0 caps the scale at 1:1 (the reply keeps its size, the rest is
 *   background). With no `fit=` at all upscaling is allowed: IS documents
 *   wid= without fit= as "the width of the response image" (r-is-http-wid:
 *   `wid=200` is "a fixed width of 200 pixels … never any background fill").
 */
export function viewLayout(req: Pick<IsRequest, 'wid' | 'hei' | 'fit' | 'scl' | 'align'>, comp: Size): ViewLayout {
  if (req.wid !== undefined) requireWholePositive('wid', req.wid);
  if (req.hei !== undefined) requireWholePositive('hei', req.hei);
  const align = clampAlign(req.align);

  if (req.scl !== undefined) {
    requirePositive('scl', 'the inverse scale', req.scl);
    const scaled = req.scl === 1 ? comp : scaleSize(comp, 1 / req.scl);
    return place(scaled, { width: req.wid ?? scaled.width, height: req.hei ?? scaled.height }, align);
  }
  if (req.wid === undefined && req.hei === undefined) {
    if (req.fit) throw new IsCommandError('fit', 'needs wid= and/or hei=');
    return { scaled: comp, view: comp, x: 0, y: 0 };
  }
  const mode = req.fit?.mode ?? 'fit';
  const limit = (s: number) => (req.fit && !req.fit.upscale ? Math.min(s, 1) : s);

  if (req.wid === undefined || req.hei === undefined) {
    const s = req.wid !== undefined ? req.wid / comp.width : req.hei! / comp.height;
    const box = { width: req.wid ?? atLeastOne(comp.width * s), height: req.hei ?? atLeastOne(comp.height * s) };
    const used = limit(s);
    // exact along the given side when nothing caps the scale (no 1-pixel gaps from rounding)
    const scaled = used === s ? box : scaleSize(comp, used);
    return place(scaled, mode === 'constrain' ? scaled : mode === 'wrap' ? grow(box, scaled) : box, { h: 0, v: 0 });
  }

  const box = { width: req.wid, height: req.hei };
  const sx = req.wid / comp.width;
  const sy = req.hei / comp.height;
  const centre = { h: 0, v: 0 };
  switch (mode) {
    case 'fit':
      return place(scaleSize(comp, limit(Math.min(sx, sy))), box, align);
    case 'constrain': {
      const scaled = scaleSize(comp, limit(Math.min(sx, sy)));
      return place(scaled, scaled, centre);
    }
    case 'crop':
      return place(scaleSize(comp, limit(Math.max(sx, sy))), box, align);
    case 'wrap': {
      const scaled = scaleSize(comp, limit(Math.max(sx, sy)));
      return place(scaled, grow(box, scaled), align);
    }
    case 'stretch':
      return place(scaleSize(comp, limit(sx), limit(sy)), box, centre);
    case 'hfit':
      return place(scaleSize(comp, limit(sx)), box, align);
    case 'vfit':
      return place(scaleSize(comp, limit(sy)), box, align);
    default:
      throw new IsCommandError('fit', `unknown mode ${String(mode)}`);
  }
}

/** `rect=x,y,w,h,scale`: the view scaled by `scale`, then the tile `box` of it (outside the view: background). */
export function rectLayout(rect: NonNullable<IsRequest['rect']>, view: Size): { scaled: Size; box: IsBox } {
  const scale = rect.scale ?? 1;
  requirePositive('rect', 'the scale', scale);
  return { scaled: scale === 1 ? view : scaleSize(view, scale), box: wholeBox('rect', rect) };
}

/** Linear scale from `from` to `to` (geometric mean of x and y). */
export function linearScale(from: Size, to: Size): number {
  return Math.sqrt((to.width / from.width) * (to.height / from.height));
}

function requireWholePositive(command: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new IsCommandError(command, `must be a whole number of pixels greater than 0, received ${value}`);
}

function clampAlign(align: IsRequest['align']): { h: number; v: number } {
  if (!align) return { h: 0, v: 0 };
  if (!Number.isFinite(align.h) || !Number.isFinite(align.v))
    throw new IsCommandError('align', `expected two numbers from -1 to 1, received ${align.h},${align.v}`);
  const clamp = (n: number) => Math.min(1, Math.max(-1, n));
  return { h: clamp(align.h), v: clamp(align.v) };
}

function grow(a: Size, b: Size): Size {
  return { width: Math.max(a.width, b.width), height: Math.max(a.height, b.height) };
}

/** align −1 = left/top, 0 = centre, 1 = right/bottom, for padding and cropping alike. */
function place(scaled: Size, view: Size, align: { h: number; v: number }): ViewLayout {
  return {
    scaled,
    view,
    x: Math.round(((view.width - scaled.width) * (align.h + 1)) / 2),
    y: Math.round(((view.height - scaled.height) * (align.v + 1)) / 2),
  };
}
