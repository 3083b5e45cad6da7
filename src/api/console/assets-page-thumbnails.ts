import type { ConsoleThumbnailService, ThumbnailReply } from '../../services/console/console-thumbnails.service.js';
import { noPicture } from '../../services/console/thumbnail-reply.js';
import type { SignedIn } from './console-gate.js';
import type { ConsoleReply } from './console-reply.js';

/** The grid's edge when a link names no size. */
const DEFAULT_SIZE = 160;
/** The before/after pair's edge when a link names no size. */
const DEFAULT_PAIR_SIZE = 96;

/**
 * An asset's thumbnail, of the company selected in the session only: an
 * asset of another company answers as one that does not exist (404).
 */
export async function assetThumbnail(
  s: SignedIn,
  thumbnails: ConsoleThumbnailService,
  assetHandle: string,
  ifNoneMatch: string | undefined,
): Promise<ConsoleReply> {
  if (!s.companyHandle) return replyOf(noPicture('not-found'));
  return replyOf(await thumbnails.assetThumbnail([s.companyHandle], assetHandle, sizeOf(s, DEFAULT_SIZE), ifNoneMatch));
}

/** What a reprocess job did to one of its items: the picture before or after (the job log page shows the pair). */
export async function jobThumbnail(
  s: SignedIn,
  thumbnails: ConsoleThumbnailService,
  target: { jobHandle: string; assetHandle: string; which: string },
  ifNoneMatch: string | undefined,
): Promise<ConsoleReply> {
  const { jobHandle, assetHandle, which } = target;
  // A wrong `which` is a link to nothing: answered as every other miss.
  if (!s.companyHandle || (which !== 'before' && which !== 'after')) return replyOf(noPicture('not-found'));
  return replyOf(await thumbnails.beforeAfterThumbnail([s.companyHandle], jobHandle, assetHandle, which, sizeOf(s, DEFAULT_PAIR_SIZE), ifNoneMatch));
}

/** ?size=: one of the service's sizes; another number is refused by the service with a fault naming them. */
function sizeOf(s: SignedIn, fallback: number): number {
  const raw = s.request.query.size;
  return raw === undefined ? fallback : Number(raw);
}

function replyOf(reply: ThumbnailReply): ConsoleReply {
  return { status: reply.status, headers: { ...reply.headers, 'X-Content-Type-Options': 'nosniff' }, body: reply.body };
}
