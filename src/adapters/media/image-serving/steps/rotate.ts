import type { IsContext } from '../is-context.js';
import { assertWork } from '../is-context.js';
import { sharpColour } from '../colour.js';
import { transform, withAlpha } from '../frame.js';
import { normalizedAngle, rotatedSize } from '../geometry.js';

/**
 * `rotate=` (degrees clockwise) about the centre; the layer grows to the
 * bounding box. Right angles are exact pixel moves; other angles resample
 * (libvips' bilinear rotate) and fill the corners with bgColor, transparent
 * by default (the frame gains alpha for that).
 */
export async function rotate(ctx: IsContext): Promise<void> {
  if (ctx.req.rotate === undefined) return;
  const angle = normalizedAngle(ctx.req.rotate);
  if (angle === 0) return;
  assertWork(ctx, 'rotate', rotatedSize(angle, ctx.frame));
  if (angle % 90 === 0) {
    ctx.frame = await transform(ctx.frame, (img) => img.rotate(angle));
    return;
  }
  const fill = ctx.layerBackground;
  const frame = fill.alpha < 255 ? await withAlpha(ctx.frame) : ctx.frame;
  ctx.frame = await transform(frame, (img) => img.rotate(angle, { background: sharpColour(fill) }));
}
