import { type IsContext, assertWork } from '../is-context.js';
import { reframe } from '../frame.js';
import { cropBox } from '../geometry.js';

/** `crop=` / `cropN=`: first source transform. Areas outside the image take bgColor (default transparent). */
export async function sourceCrop(ctx: IsContext): Promise<void> {
  const { crop } = ctx.req;
  if (!crop) return;
  const box = cropBox(crop, ctx.frame);
  assertWork(ctx, crop.normalized ? 'cropN' : 'crop', { width: box.w, height: box.h });
  ctx.frame = await reframe(ctx.frame, box, ctx.layerBackground);
}
