import type { KernelEnum } from 'sharp';
import type { IsOutputFormat, IsRequest } from '../../../domain/image-serving/is-request.js';
import type { Rgba } from './colour.js';
import { IsLimitError } from './errors.js';
import type { Frame } from './frame.js';
import { type Size, pixels } from './geometry.js';

/**
 * What the pipeline steps share: the request, the decisions taken once from
 * it, and the image as it goes through the steps (imgproxy's processing
 * context). Steps replace `frame` and, when they scale, the scale fields.
 */
export interface IsContext {
  readonly req: IsRequest;
  readonly format: IsOutputFormat;
  /** the format keeps transparency (`*-alpha`): bgc is ignored, the view background is transparent */
  readonly alphaFormat: boolean;
  /** sharp kernel for every resampling (resMode) */
  readonly kernel: keyof KernelEnum;
  /** areas the view adds (rgn, wid/hei padding, rect): bgc (opaque), transparent for alpha formats */
  readonly viewBackground: Rgba;
  /** what non-alpha formats flatten transparency onto: bgc, else attribute::BkgColor */
  readonly flattenBackground: Rgba;
  /** areas crop, rotate and extend add to the layer: bgColor, else transparent */
  readonly layerBackground: Rgba;
  /** reply pixels (attribute::MaxPix); 0 = no limit */
  readonly maxPixels: number;
  /** largest image a step may make on the way (see WORK_LIMIT_FACTOR); 0 = no limit */
  readonly workPixels: number;
  readonly defaultQuality: number;
  readonly iccProfilePath?: string;
  /** pixels per inch the source states: the reply's when printRes= is absent */
  readonly sourceDensity?: number;
  frame: Frame;
  /** full-resolution source → current pixels: op_usm radii are given at full resolution */
  sourceScale: number;
  /** composite → current pixels: op_blur radii are composite pixels */
  viewScale: number;
}

/** One pipeline step: returns at once when its commands are absent. */
export type IsStep = (ctx: IsContext) => Promise<void>;

/** The reply must fit attribute::MaxPix. */
export function assertReply(ctx: Pick<IsContext, 'maxPixels' | 'req'>, reply: Size): void {
  if (ctx.maxPixels > 0 && pixels(reply) > ctx.maxPixels) {
    const asked = [
      ctx.req.wid !== undefined ? `wid=${ctx.req.wid}` : '',
      ctx.req.hei !== undefined ? `hei=${ctx.req.hei}` : '',
      ctx.req.scl !== undefined ? `scl=${ctx.req.scl}` : '',
    ]
      .filter(Boolean)
      .join('&');
    throw new IsLimitError(
      `the reply would be ${reply.width}x${reply.height} = ${pixels(reply)} pixels (${asked || 'no wid/hei/scl: the composite size'}), above attribute::MaxPix (${ctx.maxPixels} pixels); ask for a smaller wid/hei or fetch it in rect= tiles`,
    );
  }
}

/** An image a step makes must fit the working limit. */
export function assertWork(ctx: Pick<IsContext, 'workPixels'>, command: string, size: Size): void {
  if (ctx.workPixels > 0 && pixels(size) > ctx.workPixels) {
    throw new IsLimitError(
      `${command} would make a ${size.width}x${size.height} = ${pixels(size)} pixel image, above this server's working limit of ${ctx.workPixels} pixels`,
    );
  }
}
