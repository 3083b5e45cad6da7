import type { Readable } from 'node:stream';
import { faults } from '../../domain/faults.js';

/**
 * What a thumbnail request came to, for the view: `image` (200) and
 * `not-modified` (304) are pictures; `none` (204): the asset has no picture
 * to show (a PDF or video without a thumbnail: the view shows its type's icon);
 * `superseded` (410): the job's result was replaced since by a later job or
 * upload; `unreadable` (422): the stored file is broken or gone; `not-found`
 * (404): no such asset, job or item the caller may see, alike for all three.
 */
export type ThumbnailKind = 'image' | 'not-modified' | 'none' | 'superseded' | 'unreadable' | 'not-found';

export interface ThumbnailReply {
  status: number;
  headers: Record<string, string>;
  body: Buffer | Readable | '';
  kind: ThumbnailKind;
}

/** The console's three thumbnail edges: grid cells, before/after pairs, the asset page. */
export const THUMBNAIL_SIZES = [96, 160, 320] as const;
export type ThumbnailSize = (typeof THUMBNAIL_SIZES)[number];

/** A thumbnail changes only with its stored file, whose key changes with every version: a browser keeps it an hour. */
export const THUMBNAIL_MAX_AGE_SECONDS = 3600;

export function thumbnailSize(size: number): ThumbnailSize {
  if (!(THUMBNAIL_SIZES as readonly number[]).includes(size)) throw faults.invalid('size', `one of ${THUMBNAIL_SIZES.join(', ')} (pixels)`, size);
  return size as ThumbnailSize;
}

/** Replies without a picture: never stored by a browser, the next look asks again. */
const NO_PICTURE: Record<Exclude<ThumbnailKind, 'image' | 'not-modified'>, { status: number; text: string }> = {
  none: { status: 204, text: '' },
  superseded: { status: 410, text: 'a later job or upload replaced what this job made\n' },
  unreadable: { status: 422, text: 'the stored file could not be read as an image\n' },
  'not-found': { status: 404, text: 'not found\n' },
};

export function noPicture(kind: keyof typeof NO_PICTURE): ThumbnailReply {
  const { status, text } = NO_PICTURE[kind];
  const headers: Record<string, string> = { 'Cache-Control': 'no-store' };
  if (text) headers['Content-Type'] = 'text/plain; charset=utf-8';
  return { status, headers, body: text ? Buffer.from(text) : '', kind };
}

export function picture(bytes: Buffer, etag: string): ThumbnailReply {
  return {
    status: 200,
    headers: { 'Content-Type': 'image/jpeg', 'Content-Length': String(bytes.length), ...cacheHeaders(etag) },
    body: bytes,
    kind: 'image',
  };
}

export function notModified(etag: string): ThumbnailReply {
  return { status: 304, headers: cacheHeaders(etag), body: '', kind: 'not-modified' };
}

function cacheHeaders(etag: string): Record<string, string> {
  // private: a thumbnail is for the signed-in user only, never for a shared cache.
  return { ETag: etag, 'Cache-Control': `private, max-age=${THUMBNAIL_MAX_AGE_SECONDS}` };
}

/** If-None-Match: a list of entity tags (weak ones compare by their opaque part) or `*`. */
export function matchesEtag(header: string, etag: string): boolean {
  return header.split(',').some((t) => {
    const tag = t.trim().replace(/^W\//, '');
    return tag === '*' || tag === etag;
  });
}
