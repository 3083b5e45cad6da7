import { type IsContext, assertReply, assertWork } from '../is-context.js';
import { reframe, resize } from '../frame.js';
import { linearScale, viewLayout } from '../geometry.js';

/**
 * wid / hei / fit / scl / align (geometry.viewLayout): the composite is resized
 * once (shrink-on-load or a pyramid level when nothing touched the source),
 * then cropped or padded with the view background into the reply. MaxPix is
 * checked before the reply is allocated.
 */
export async function view(ctx: IsContext): Promise<void> {
  const layout = viewLayout(ctx.req, ctx.frame);
  if (!ctx.req.rect) assertReply(ctx, layout.view);
  assertWork(ctx, 'wid/hei/scl', layout.scaled);
  assertWork(ctx, 'wid/hei/scl', layout.view);
  const { scaled, view: size, x, y } = layout;
  if (scaled.width !== ctx.frame.width || scaled.height !== ctx.frame.height) {
    ctx.viewScale *= linearScale(ctx.frame, scaled);
    ctx.sourceScale *= linearScale(ctx.frame, scaled);
    ctx.frame = await resize(ctx.frame, scaled, ctx.kernel);
  }
  ctx.frame = await reframe(ctx.frame, { x: -x, y: -y, w: size.width, h: size.height }, ctx.viewBackground);
}
