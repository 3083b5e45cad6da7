import type { ConsoleAssets } from '../../adapters/console/console-assets.js';
import type { ConsoleReply } from './console-reply.js';

/** A static file of the console: revalidated by ETag (a new build changes the tag), 404 for any other name. */
export function staticFile(assets: ConsoleAssets, name: string, ifNoneMatch: string | undefined): ConsoleReply {
  const file = assets.get(name);
  if (!file) return { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: 'Not found\n' };
  const headers = { 'Content-Type': file.contentType, ETag: file.etag, 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' };
  if (ifNoneMatch === file.etag) return { status: 304, headers, body: '' };
  return { status: 200, headers, body: file.body };
}
