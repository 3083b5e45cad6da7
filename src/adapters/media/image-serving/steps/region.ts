import { type IsContext, assertWork } from '../is-context.js';
import { reframe } from '../frame.js';
import { regionBox } from '../geometry.js';

/** `rgn=x,y,w,h`: the region of interest of the composite, before the view scaling; outside it, the view background. */
export async function region(ctx: IsContext): Promise<void> {
  if (!ctx.req.rgn) return;
  const box = regionBox(ctx.req.rgn);
  assertWork(ctx, 'rgn', { width: box.w, height: box.h });
  ctx.frame = await reframe(ctx.frame, box, ctx.viewBackground);
}
