import { type IsContext, assertWork } from '../is-context.js';
import { reframe } from '../frame.js';
import { extendBox } from '../geometry.js';

/** `extend=l,t,r,b` / `extendN=`: last source transform; adds bgColor (default transparent), negative values crop. */
export async function extend(ctx: IsContext): Promise<void> {
  const { extend: ext } = ctx.req;
  if (!ext) return;
  const box = extendBox(ext, ctx.frame);
  assertWork(ctx, ext.normalized ? 'extendN' : 'extend', { width: box.w, height: box.h });
  ctx.frame = await reframe(ctx.frame, box, ctx.layerBackground);
}
