import { type IsContext, assertReply, assertWork } from '../is-context.js';
import { reframe, resize } from '../frame.js';
import { linearScale, rectLayout } from '../geometry.js';

/**
 * `rect=x,y,w,h[,scale]`: the view image scaled by `scale`, then the tile at
 * x,y (in the scaled view's pixels) of size w×h, which is the reply; outside
 * the view, the view background. Runs after the filters so that tiles cut
 * from the same view reassemble without seams.
 */
export async function rect(ctx: IsContext): Promise<void> {
  const r = ctx.req.rect;
  if (!r) return;
  const { scaled, box } = rectLayout(r, ctx.frame);
  assertReply(ctx, { width: box.w, height: box.h });
  assertWork(ctx, 'rect', scaled);
  if (scaled.width !== ctx.frame.width || scaled.height !== ctx.frame.height) {
    const by = linearScale(ctx.frame, scaled);
    ctx.viewScale *= by;
    ctx.sourceScale *= by;
    ctx.frame = await resize(ctx.frame, scaled, ctx.kernel);
  }
  ctx.frame = await reframe(ctx.frame, box, ctx.viewBackground);
}
