import { type IsContext, assertReply, assertWork } from '../is-context.js';
import { type Size, cropBox, extendBox, rectLayout, regionBox, rotatedSize, sourceSize, viewLayout } from '../geometry.js';

/**
 * Faults early: runs the geometry of every later step on the source's size
 * (known from its header) and checks each image a step would make against
 * the working limit and the reply against attribute::MaxPix, before a single
 * pixel is decoded. The steps check their real sizes again as they go.
 */
export async function checkLimits(ctx: IsContext): Promise<void> {
  const { req } = ctx;
  let s: Size = { width: ctx.frame.width, height: ctx.frame.height };
  const step = (command: string, next: Size) => {
    assertWork(ctx, command, next);
    s = next;
  };
  if (req.crop) {
    const box = cropBox(req.crop, s);
    step(req.crop.normalized ? 'cropN' : 'crop', { width: box.w, height: box.h });
  }
  const sized = sourceSize(req, s);
  if (sized) step(req.size && (req.size.w || req.size.h) ? 'size' : 'scale', sized);
  if (req.rotate) step('rotate', rotatedSize(req.rotate, s));
  if (req.extend) {
    const box = extendBox(req.extend, s);
    step('extend', { width: box.w, height: box.h });
  }
  if (req.rgn) {
    const box = regionBox(req.rgn);
    step('rgn', { width: box.w, height: box.h });
  }
  const view = viewLayout(req, s);
  if (!req.rect) assertReply(ctx, view.view);
  assertWork(ctx, 'wid/hei/scl', view.scaled);
  step('wid/hei/scl', view.view);
  if (!req.rect) return;
  const rect = rectLayout(req.rect, s);
  assertWork(ctx, 'rect', rect.scaled);
  assertReply(ctx, { width: rect.box.w, height: rect.box.h });
}
