import { describe, expect, it } from 'vitest';
import {
  SITEMAP_LIMITS,
  SITEMAP_MAX_BYTES,
  SITEMAP_MAX_URLS,
  SITEMAP_NS,
  type SitemapLimits,
  SitemapLimitError,
  VIDEO_NS,
  type VideoSitemapEntry,
  videoSitemapXml,
} from '../../src/adapters/xml/video-sitemap-writer.js';
import { parseInput } from '../../src/domain/validate.js';
import { createVideoSitemapJob, landingPageFor } from '../../src/domain/schemas/video-sitemap.schema.js';
import { describeVideo, durationSeconds } from '../../src/services/publish/video-sitemap.service.js';
import { faultOf } from '../support/faults.js';
import { type XmlElement, childrenOf, parseXml } from '../support/xml.js';

async function* from<T>(items: Iterable<T>): AsyncGenerator<T> {
  yield* items;
}

async function write(entries: Iterable<VideoSitemapEntry>, limits?: SitemapLimits): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of videoSitemapXml(from(entries), limits)) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** Each video element's children as [local name, text], in document order. */
function videoFields(url: XmlElement): Array<[string, string]> {
  const [video] = childrenOf(url, VIDEO_NS, 'video');
  return video!.children.map((c) => [c.local, c.text]);
}

const plain: VideoSitemapEntry = {
  loc: 'https://www.example.test/videos/clip',
  thumbnailLoc: 'https://ips.example.test/is/image/Acme/clip',
  title: 'clip',
  description: 'clip: video, 0:02, 320×240',
  contentLoc: 'https://ips.example.test/is/content/Acme/clip',
  durationSeconds: 2,
};

describe('video sitemap writer', () => {
  it('writes a urlset in the sitemaps.org namespace with one video:video per url, fields in the extension’s order', async () => {
    const xml = await write([
      plain,
      {
        loc: 'https://ips.example.test/is/content/Acme/bare',
        title: 'bare',
        description: 'bare: video',
        contentLoc: 'https://ips.example.test/is/content/Acme/bare',
      },
    ]);
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    const root = parseXml(xml);
    expect([root.uri, root.local, root.attributes['xmlns:video']]).toEqual([SITEMAP_NS, 'urlset', VIDEO_NS]);
    const urls = childrenOf(root, SITEMAP_NS, 'url');
    expect(urls).toHaveLength(2);
    expect(childrenOf(urls[0]!, SITEMAP_NS, 'loc')[0]!.text).toBe(plain.loc);
    expect(videoFields(urls[0]!)).toEqual([
      ['thumbnail_loc', plain.thumbnailLoc],
      ['title', 'clip'],
      ['description', 'clip: video, 0:02, 320×240'],
      ['content_loc', plain.contentLoc],
      ['duration', '2'],
    ]);
    // No poster and no known length: the elements are left out, not written empty.
    expect(videoFields(urls[1]!).map(([name]) => name)).toEqual(['title', 'description', 'content_loc']);
  });

  it('escapes markup and query strings, keeps non-ASCII text, and replaces characters XML cannot carry', async () => {
    const nasty = 'a & b <c> "d" \'e\' ]]> é 日本 😀';
    const xml = await write([
      {
        loc: 'https://www.example.test/watch?v=a&list=b<c>',
        title: nasty,
        description: `bell\u0007 nul\u0000 lone\uD800 noncharacter\uFFFE tab\tend`,
        contentLoc: 'https://ips.example.test/is/content/Acme/a%20%26%20b',
      },
    ]);
    expect(xml).not.toMatch(/[\u0000\u0007\uFFFE]/);
    expect(xml).toContain('watch?v=a&amp;list=b&lt;c&gt;');
    const url = childrenOf(parseXml(xml), SITEMAP_NS, 'url')[0]!;
    expect(childrenOf(url, SITEMAP_NS, 'loc')[0]!.text).toBe('https://www.example.test/watch?v=a&list=b<c>');
    expect(Object.fromEntries(videoFields(url))).toEqual({
      title: nasty,
      description: 'bell\uFFFD nul\uFFFD lone\uFFFD noncharacter\uFFFD tab\tend',
      content_loc: 'https://ips.example.test/is/content/Acme/a%20%26%20b',
    });
  });

  it('writes an empty urlset when there is nothing to list', async () => {
    const root = parseXml(await write([]));
    expect([root.local, root.children]).toEqual(['urlset', []]);
  });

  it('stops at the protocol’s limits: 50,000 URLs and 52,428,800 bytes per file', async () => {
    expect(SITEMAP_LIMITS).toEqual({ maxUrls: 50_000, maxBytes: 52_428_800 });
    expect([SITEMAP_MAX_URLS, SITEMAP_MAX_BYTES]).toEqual([50_000, 52_428_800]);
    const entries = (n: number) => Array.from({ length: n }, (_, i) => ({ ...plain, title: `v${i}` }));
    const small = { maxUrls: 3, maxBytes: 100_000 };
    expect(childrenOf(parseXml(await write(entries(3), small)), SITEMAP_NS, 'url')).toHaveLength(3);
    await expect(write(entries(4), small)).rejects.toThrow(
      new SitemapLimitError('more than 3 videos to list: one sitemap file lists at most 3 URLs (sitemaps.org)'),
    );
    const exact = Buffer.byteLength(await write(entries(3), small));
    expect(Buffer.byteLength(await write(entries(3), { maxUrls: 3, maxBytes: exact }))).toBe(exact);
    await expect(write(entries(3), { maxUrls: 3, maxBytes: exact - 1 })).rejects.toThrow(
      new SitemapLimitError(`the sitemap would be larger than ${exact - 1} bytes, the most one sitemap file may hold (sitemaps.org)`),
    );
  });

  it('refuses entries the video extension does not allow, naming the element', async () => {
    await expect(write([{ ...plain, durationSeconds: 0 }])).rejects.toThrow('video:duration must be whole seconds from 1 to 28800, received 0');
    await expect(write([{ ...plain, durationSeconds: 28_801 }])).rejects.toThrow('received 28801');
    await expect(write([{ ...plain, durationSeconds: 1.5 }])).rejects.toThrow('received 1.5');
    await expect(write([{ ...plain, description: 'x'.repeat(2049) }])).rejects.toThrow('video:description has more than 2048 characters');
    await expect(write([{ ...plain, title: '' }])).rejects.toThrow('video:title must not be empty');
    // 2,048 characters of four bytes each is still 2,048 characters.
    expect(await write([{ ...plain, description: '😀'.repeat(2048) }])).toContain('😀'.repeat(2048));
  });
});

describe('video sitemap content rules', () => {
  it('gives whole seconds within the extension’s range, or nothing', () => {
    expect([
      durationSeconds(null),
      durationSeconds(0),
      durationSeconds(300),
      durationSeconds(1499),
      durationSeconds(1500),
      durationSeconds(28_800_000),
      durationSeconds(28_800_600),
    ]).toEqual([undefined, undefined, 1, 1, 2, 28_800, undefined]);
  });

  it('describes a video by name, length and frame size, as far as they are known', () => {
    expect(describeVideo({ name: 'clip', duration_ms: 2040, width: 320, height: 240 })).toBe('clip: video, 0:02, 320×240');
    expect(describeVideo({ name: 'talk', duration_ms: 3_723_000, width: null, height: null })).toBe('talk: video, 1:02:03');
    expect(describeVideo({ name: 'raw', duration_ms: null, width: 640, height: 360 })).toBe('raw: video, 640×360');
  });

  it('fills a landing-page template with the URL-encoded name', () => {
    expect(landingPageFor('https://www.example.test/videos/{name}?from=ips', 'a b&c/d')).toBe('https://www.example.test/videos/a%20b%26c%2Fd?from=ips');
  });

  it('takes forceUpdate, the publish jobs’ emailSetting and httpCompletionUrl, and a landing-page template; refuses anything else, naming it', () => {
    expect(parseInput(createVideoSitemapJob, {})).toEqual({});
    const all = {
      forceUpdate: true,
      emailSetting: 'Error',
      httpCompletionUrl: 'https://hooks.example.test/done',
      landingPageUrl: 'https://www.example.test/v/{name}',
    };
    expect(parseInput(createVideoSitemapJob, all)).toEqual(all);
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ forceUpdate: 'yes' }, 'forceUpdate', 'expected boolean, received'],
      [{ emailSetting: 'Sometimes' }, 'emailSetting', 'one of All, Error'],
      [{ httpCompletionUrl: 'ftp://x.test/' }, 'httpCompletionUrl', "expected a valid url, received 'ftp://x.test/'"],
      [{ landingPageUrl: 'https://www.example.test/videos' }, 'landingPageUrl', 'a URL template containing {name}'],
      [{ landingPageUrl: 'javascript:{name}' }, 'landingPageUrl', 'an http:// or https:// URL template without user name or password'],
      [{ landingPageUrl: 'https://me:secret@www.example.test/{name}' }, 'landingPageUrl', 'without user name or password'],
      [{ contextHandle: 'ctx|1' }, 'contextHandle', 'unknown field'],
    ];
    for (const [body, field, reason] of cases) {
      const fault = faultOf(() => parseInput(createVideoSitemapJob, body));
      expect({ body, fault: { code: fault.code, field: fault.field } }).toEqual({ body, fault: { code: 30001, field } });
      expect(fault.reason).toContain(reason);
    }
  });
});
