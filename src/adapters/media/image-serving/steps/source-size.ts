import { type IsContext, assertWork } from '../is-context.js';
import { resize } from '../frame.js';
import { linearScale, sourceSize } from '../geometry.js';

/** `size=` / `sizeN=`, else `scale=`: second source transform, with the resMode kernel. */
export async function sourceResize(ctx: IsContext): Promise<void> {
  const size = sourceSize(ctx.req, ctx.frame);
  if (!size) return;
  assertWork(ctx, ctx.req.size && (ctx.req.size.w || ctx.req.size.h) ? 'size' : 'scale', size);
  ctx.sourceScale *= linearScale(ctx.frame, size);
  ctx.frame = await resize(ctx.frame, size, ctx.kernel);
}
