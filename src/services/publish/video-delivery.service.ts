import type { Readable } from 'node:stream';
import type { CompanyRepository } from '../../adapters/repositories/company.repository.js';
import type { ContextPublicationRepository, ContextPublishedAssetRow } from '../../adapters/repositories/context-publication.repository.js';
import type { StorageDriver } from '../../adapters/storage/storage.driver.js';
import { nameKey } from '../../domain/handles.js';
import { openStored } from './stored-content.js';

export interface ContentReply {
  status: number;
  headers: Record<string, string>;
  /** text, a byte range (or all) of the published MP4, or nothing (304) */
  body: string | Readable | null;
}

const TEXT = 'text/plain; charset=utf-8';

/** A single `bytes=` range resolved against the file size; `unsatisfiable` when it starts past the end. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | undefined {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  // Several ranges, or another unit: served whole, as RFC 9110 allows a server to ignore Range.
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

export interface VideoDeliveryDeps {
  storage: StorageDriver;
  companies: CompanyRepository;
  contextPublications: ContextPublicationRepository;
  delivery: {
    /** Cache-Control max-age of the MP4 replies */
    cacheMaxAgeSeconds: number;
  };
}

/**
 * `GET /is/content/<rootId>/<name>`: the MP4 a VideoPublishJob published for
 * that video (an encoding's file, or a master's first encoding), streamed
 * with byte-range support (players seek with Range requests), never from
 * the live catalog. Company and name are matched case-sensitively, as
 * `/is/image`; anything unpublished is 404.
 */
export class VideoDeliveryService {
  constructor(private readonly deps: VideoDeliveryDeps) {}

  async serve(rootId: string, name: string, range: string | undefined, ifNoneMatch: string | undefined): Promise<ContentReply> {
    const object = `${rootId}/${name}`;
    const company = await this.deps.companies.findByRootPath(`${rootId}/`);
    const record = company ? await this.published(company.company_handle, name) : undefined;
    if (!record?.media_key) return text(404, `Unable to find content '${object}'`);
    // A republish deletes the previous file after committing the new record: look the record up again once.
    for (let attempt = 0; ; attempt++) {
      const current = attempt === 0 ? record : await this.published(company!.company_handle, name);
      if (!current?.media_key) return text(404, `Unable to find content '${object}'`);
      try {
        return await this.reply(current, current.media_key, range, ifNoneMatch);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT' && attempt === 0) continue;
        throw err;
      }
    }
  }

  private async reply(record: ContextPublishedAssetRow, key: string, rangeHeader: string | undefined, ifNoneMatch: string | undefined): Promise<ContentReply> {
    // A file removed meanwhile is an ENOENT here or from openStored, before anything is answered.
    const size = await this.deps.storage.size(key);
    const etag = `"${record.sha256.slice(0, 32)}-${record.version}"`;
    const headers: Record<string, string> = {
      'Content-Type': 'video/mp4',
      'Accept-Ranges': 'bytes',
      ETag: etag,
      'Last-Modified': new Date(record.published_at).toUTCString(),
      'Cache-Control': `public, max-age=${this.deps.delivery.cacheMaxAgeSeconds}`,
    };
    if (ifNoneMatch && ifNoneMatch.split(',').some((t) => ['*', etag].includes(t.trim().replace(/^W\//, '')))) return { status: 304, headers, body: null };
    const range = parseRange(rangeHeader, size);
    if (range === 'unsatisfiable') {
      return {
        status: 416,
        headers: { 'Content-Type': TEXT, 'Content-Range': `bytes */${size}`, 'Cache-Control': 'no-store' },
        body: `Range not satisfiable: the content has ${size} bytes\n`,
      };
    }
    const { start, end } = range ?? { start: 0, end: size - 1 };
    if (size === 0) return { status: 200, headers: { ...headers, 'Content-Length': '0' }, body: '' };
    const body = await openStored(this.deps.storage, key, { start, end });
    if (!range) return { status: 200, headers: { ...headers, 'Content-Length': String(size) }, body };
    return { status: 206, headers: { ...headers, 'Content-Length': String(end - start + 1), 'Content-Range': `bytes ${start}-${end}/${size}` }, body };
  }

  private async published(companyHandle: string, name: string): Promise<ContextPublishedAssetRow | undefined> {
    const record = await this.deps.contextPublications.findByName(companyHandle, 'Video', nameKey(name));
    return record && record.name === name ? record : undefined;
  }
}

function text(status: number, body: string): ContentReply {
  return { status, headers: { 'Content-Type': TEXT, 'Cache-Control': 'no-store' }, body: body.endsWith('\n') ? body : `${body}\n` };
}
