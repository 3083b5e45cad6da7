import { createCB } from 'xmlbuilder2';

/** sitemaps.org protocol 0.9 and Google's video extension 1.1 (the element names and order below are theirs). */
export const SITEMAP_NS = 'http://www.sitemaps.org/schemas/sitemap/0.9';
export const VIDEO_NS = 'http://www.google.com/schemas/sitemap-video/1.1';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

/** sitemaps.org: one sitemap file lists at most 50,000 URLs in at most 50 MiB (52,428,800 bytes) uncompressed. */
export const SITEMAP_MAX_URLS = 50_000;
export const SITEMAP_MAX_BYTES = 52_428_800;
/** The video extension: a description of at most 2,048 characters, a duration of 1 to 28,800 seconds. */
export const VIDEO_DESCRIPTION_MAX = 2048;
export const VIDEO_DURATION_MAX_SECONDS = 28_800;

/** The protocol's limits by default; smaller ones let a test reach them without writing 50,000 entries. */
export interface SitemapLimits {
  maxUrls: number;
  maxBytes: number;
}
export const SITEMAP_LIMITS: SitemapLimits = { maxUrls: SITEMAP_MAX_URLS, maxBytes: SITEMAP_MAX_BYTES };

export interface VideoSitemapEntry {
  /** the page the video is watched on */
  loc: string;
  /** the poster image; left out when the video has none */
  thumbnailLoc?: string;
  title: string;
  description: string;
  /** the media file itself */
  contentLoc: string;
  /** whole seconds, 1 to VIDEO_DURATION_MAX_SECONDS; left out when unknown */
  durationSeconds?: number;
}

/** The document would break a sitemaps.org limit (URL count or size): nothing valid can be written. */
export class SitemapLimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SitemapLimitError';
  }
}

// XML 1.0 Char: anything else (C0 controls, lone surrogates, U+FFFE/U+FFFF) cannot appear even escaped.
const NOT_XML_CHAR = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Text as XML can carry it: characters XML 1.0 forbids become U+FFFD (the library escapes the rest). */
export function xmlText(text: string): string {
  return text.replace(NOT_XML_CHAR, '\uFFFD');
}

/**
 * Streams a video sitemap (a `urlset` of `url` entries, one `video:video`
 * each) as UTF-8 chunks, one chunk per entry, so a company's whole video
 * list never sits in memory. xmlbuilder2's callback builder escapes every
 * text node; `wellFormed` makes it refuse anything that would still not be
 * XML (its own invalid-character replacement does not apply in this mode,
 * hence xmlText first). Throws SitemapLimitError past the protocol's limits
 * and TypeError for an entry the video extension does not allow.
 */
export async function* videoSitemapXml(entries: AsyncIterable<VideoSitemapEntry>, limits: SitemapLimits = SITEMAP_LIMITS): AsyncGenerator<Buffer> {
  const pending: string[] = [];
  let failure: Error | undefined;
  let bytes = 0;
  const xml = createCB({
    data: (chunk: string) => pending.push(chunk),
    error: (err: Error) => (failure ??= err),
    prettyPrint: true,
    wellFormed: true,
  });
  const flush = (): Buffer => {
    if (failure) throw failure;
    const chunk = Buffer.from(pending.join(''), 'utf8');
    pending.length = 0;
    bytes += chunk.length;
    if (bytes > limits.maxBytes)
      throw new SitemapLimitError(`the sitemap would be larger than ${limits.maxBytes} bytes, the most one sitemap file may hold (sitemaps.org)`);
    return chunk;
  };
  const text = (ns: string, name: string, value: string) => xml.ele(ns, name).txt(xmlText(value)).up();

  xml.dec({ version: '1.0', encoding: 'UTF-8' });
  xml.ele(SITEMAP_NS, 'urlset').att(XMLNS_NS, 'xmlns:video', VIDEO_NS);
  let count = 0;
  for await (const entry of entries) {
    count += 1;
    if (count > limits.maxUrls)
      throw new SitemapLimitError(`more than ${limits.maxUrls} videos to list: one sitemap file lists at most ${limits.maxUrls} URLs (sitemaps.org)`);
    check(entry);
    xml.ele(SITEMAP_NS, 'url');
    text(SITEMAP_NS, 'loc', entry.loc);
    xml.ele(VIDEO_NS, 'video:video');
    if (entry.thumbnailLoc !== undefined) text(VIDEO_NS, 'video:thumbnail_loc', entry.thumbnailLoc);
    text(VIDEO_NS, 'video:title', entry.title);
    text(VIDEO_NS, 'video:description', entry.description);
    text(VIDEO_NS, 'video:content_loc', entry.contentLoc);
    if (entry.durationSeconds !== undefined) text(VIDEO_NS, 'video:duration', String(entry.durationSeconds));
    xml.up().up();
    yield flush();
  }
  xml.up().end();
  yield flush();
}

function check(entry: VideoSitemapEntry): void {
  if (!entry.title) throw new TypeError('video:title must not be empty');
  if ([...entry.description].length > VIDEO_DESCRIPTION_MAX) throw new TypeError(`video:description has more than ${VIDEO_DESCRIPTION_MAX} characters`);
  const d = entry.durationSeconds;
  if (d !== undefined && !(Number.isInteger(d) && d >= 1 && d <= VIDEO_DURATION_MAX_SECONDS))
    throw new TypeError(`video:duration must be whole seconds from 1 to ${VIDEO_DURATION_MAX_SECONDS}, received ${d}`);
}
