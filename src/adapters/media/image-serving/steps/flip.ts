import type { IsContext } from '../is-context.js';
import { transform } from '../frame.js';

/** `flip=lr|ud|lrud`: after crop and scale, before rotate. lr mirrors left-right (sharp's flop), ud upside-down (sharp's flip). */
export async function flip(ctx: IsContext): Promise<void> {
  const { flip: how } = ctx.req;
  if (!how) return;
  ctx.frame = await transform(ctx.frame, (img) => {
    if (how.includes('lr')) img = img.flop();
    if (how.includes('ud')) img = img.flip();
    return img;
  });
}
