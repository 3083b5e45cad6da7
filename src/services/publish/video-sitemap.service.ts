import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { CompanyRepository } from '../../adapters/repositories/company.repository.js';
import type { ContextPublicationRepository, ContextPublishedDocumentRow } from '../../adapters/repositories/context-publication.repository.js';
import type { SitemapVideoRow, VideoSitemapRepository } from '../../adapters/repositories/video-sitemap.repository.js';
import type { StorageDriver } from '../../adapters/storage/storage.driver.js';
import { SitemapLimitError, VIDEO_DURATION_MAX_SECONDS, type VideoSitemapEntry, videoSitemapXml } from '../../adapters/xml/video-sitemap-writer.js';
import { nowIso } from '../../domain/handles.js';
import { type CreateVideoSitemapJob, landingPageFor } from '../../domain/schemas/video-sitemap.schema.js';
import type { FileResult, JobIdentity } from '../../jobs/contracts.js';
import type { ItemLedger } from '../assets/item-ledger.js';
import { DocumentItem } from './document-item.js';
import { publishedKey } from './is-publish.service.js';
import { openStored } from './stored-content.js';
import type { ContentReply } from './video-delivery.service.js';

/** context_published_documents.context of a company's video sitemap. */
export const VIDEO_SITEMAP_CONTEXT = 'VideoSitemap';
/** Where DMC puts it: `/is/content/<company root>/video-sitemap.xml`. */
export const VIDEO_SITEMAP_FILE = 'video-sitemap.xml';
/** The job's one item (job_items.item_id). */
export const VIDEO_SITEMAP_ITEM = 'video-sitemap';
/** Job Log File Type of the row (Adobe IPS: sting-constants/r-job-log-file-types): the sitemap is an XML document. */
const FILE_TYPE = 'Xml';
/** Videos read per query while the document is streamed. */
const PAGE = 1000;
const TEXT = 'text/plain; charset=utf-8';

export interface VideoSitemapOptions {
  /** where clients reach this server: every URL in the sitemap starts with it */
  publicUrl: string;
  /** Cache-Control max-age of the served sitemap */
  cacheMaxAgeSeconds: number;
}

export interface VideoSitemapDeps {
  storage: StorageDriver;
  companies: CompanyRepository;
  ledger: ItemLedger;
  contextPublications: ContextPublicationRepository;
  videoSitemaps: VideoSitemapRepository;
  sitemap: VideoSitemapOptions;
}

/**
 * CreateVideoSitemapJob (Adobe IPS: data-types/r-create-video-sitemap-job): the company's video sitemap
 * (sitemaps.org with Google's video extension), one entry per video the
 * Video context publishes (VideoSitemapRepository says which), with its
 * `/is/content` MP4 as content_loc, its poster at `/is/image` when Image
 * Serving publishes one, its name as title and a description built from its
 * name, length and size (there are no metadata fields to take them from).
 * The document is streamed into storage under a key of this run's own,
 * hashed on the way; without forceUpdate a document identical to the last
 * one (still in storage) is dropped and the last one kept, otherwise the
 * new one replaces it in one transaction with the job-log row, and the
 * previous file goes after the commit. Served at the stable
 * `/is/content/<root>/video-sitemap.xml`, never from the live catalog.
 */
export class VideoSitemapService {
  /** The job's one item: the sitemap document. */
  private readonly item: DocumentItem;

  constructor(private readonly deps: VideoSitemapDeps) {
    this.item = new DocumentItem(deps.ledger, { itemId: VIDEO_SITEMAP_ITEM, assetName: VIDEO_SITEMAP_FILE, assetType: FILE_TYPE });
  }

  async generate(job: JobIdentity, options: CreateVideoSitemapJob, signal?: AbortSignal): Promise<FileResult> {
    const recorded = await this.item.recorded(job);
    if (recorded) return recorded;
    const company = await this.deps.companies.findByHandle(job.companyHandle);
    if (!company) return this.fail(job, 'the company no longer exists');
    const rootId = company.root_path.replace(/\/$/, '');
    const url = this.sitemapUrl(rootId);
    // A retried attempt of this run writes the same key again; another run never touches it.
    const key = publishedKey(job.companyHandle, VIDEO_SITEMAP_ITEM, `${job.jobHandle}/${job.jobName}/${VIDEO_SITEMAP_FILE}`);

    const hash = createHash('sha256');
    let entries = 0;
    const xml = videoSitemapXml(this.entries(job.companyHandle, rootId, options.landingPageUrl, () => (entries += 1), signal));
    const source = Readable.from(
      (async function* () {
        for await (const chunk of xml) {
          hash.update(chunk);
          yield chunk;
        }
      })(),
    );
    try {
      await this.deps.storage.putStream(key, source);
    } catch (err) {
      if (err instanceof SitemapLimitError) return this.fail(job, err.message);
      throw err;
    }
    const sha256 = hash.digest('hex');

    const previous = await this.deps.contextPublications.findDocument(job.companyHandle, VIDEO_SITEMAP_CONTEXT);
    const unchanged = previous !== undefined && previous.path !== key && previous.sha256 === sha256 && (await this.deps.storage.exists(previous.path));
    if (unchanged && !options.forceUpdate) {
      await this.deps.storage.delete(key);
      return this.item.succeeded(job, { messageKey: 'videoSitemapUnchanged', messageArgs: { count: entries, url } });
    }
    const document: ContextPublishedDocumentRow = {
      company_handle: job.companyHandle,
      context: VIDEO_SITEMAP_CONTEXT,
      sha256,
      path: key,
      entries,
      published_at: nowIso(),
      job_handle: job.jobHandle,
    };
    const result = await this.item.succeeded(job, { messageKey: 'videoSitemapWritten', messageArgs: { count: entries, url } }, (repos) =>
      repos.contextPublications.putDocument(document),
    );
    if (previous && previous.path !== key) await this.deps.storage.delete(previous.path);
    return result;
  }

  /** The job's one item failed (a limit of the protocol, or its batch gave up after its retries). */
  fail(job: JobIdentity, reason: string): Promise<FileResult> {
    return this.item.failed(job, reason);
  }

  /** `GET /is/content/<rootId>/video-sitemap.xml`: the last sitemap written for that company, 404 before the first. */
  async serve(rootId: string, ifNoneMatch: string | undefined): Promise<ContentReply> {
    const company = await this.deps.companies.findByRootPath(`${rootId}/`);
    // The file of a document replaced meanwhile is deleted after the new record commits: look the record up again once.
    for (let attempt = 0; ; attempt += 1) {
      const document = company ? await this.deps.contextPublications.findDocument(company.company_handle, VIDEO_SITEMAP_CONTEXT) : undefined;
      if (!document) return text(404, `Unable to find content '${rootId}/${VIDEO_SITEMAP_FILE}'`);
      try {
        return await this.reply(document, ifNoneMatch);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT' && attempt === 0) continue;
        throw err;
      }
    }
  }

  private async reply(document: ContextPublishedDocumentRow, ifNoneMatch: string | undefined): Promise<ContentReply> {
    // A file removed meanwhile is an ENOENT here or from openStored, before anything is answered.
    const size = await this.deps.storage.size(document.path);
    const etag = `"${document.sha256.slice(0, 32)}"`;
    const headers: Record<string, string> = {
      'Content-Type': 'application/xml; charset=utf-8',
      ETag: etag,
      'Last-Modified': new Date(document.published_at).toUTCString(),
      'Cache-Control': `public, max-age=${this.deps.sitemap.cacheMaxAgeSeconds}`,
    };
    if (ifNoneMatch && ifNoneMatch.split(',').some((t) => ['*', etag].includes(t.trim().replace(/^W\//, '')))) return { status: 304, headers, body: null };
    return { status: 200, headers: { ...headers, 'Content-Length': String(size) }, body: await openStored(this.deps.storage, document.path) };
  }

  private sitemapUrl(rootId: string): string {
    return `${this.deps.sitemap.publicUrl}/is/content/${encodeURIComponent(rootId)}/${VIDEO_SITEMAP_FILE}`;
  }

  /** The listed videos page by page; a stop or pause ends the walk (the partial file is never committed). */
  private async *entries(
    companyHandle: string,
    rootId: string,
    landingPageUrl: string | undefined,
    onEntry: () => void,
    signal: AbortSignal | undefined,
  ): AsyncGenerator<VideoSitemapEntry> {
    let after: string | null = null;
    for (;;) {
      signal?.throwIfAborted();
      const rows = await this.deps.videoSitemaps.page(companyHandle, after, PAGE);
      for (const row of rows) {
        onEntry();
        yield this.entry(rootId, row, landingPageUrl);
      }
      if (rows.length < PAGE) return;
      after = rows[rows.length - 1]!.asset_handle;
    }
  }

  private entry(rootId: string, row: SitemapVideoRow, landingPageUrl: string | undefined): VideoSitemapEntry {
    const base = `${this.deps.sitemap.publicUrl}/is`;
    const root = encodeURIComponent(rootId);
    const contentLoc = `${base}/content/${root}/${encodeURIComponent(row.name)}`;
    const seconds = durationSeconds(row.duration_ms);
    return {
      // Without a landing page the video's own URL is the only page of it this server has.
      loc: landingPageUrl ? landingPageFor(landingPageUrl, row.name) : contentLoc,
      ...(row.poster_name ? { thumbnailLoc: `${base}/image/${root}/${encodeURIComponent(row.poster_name)}` } : {}),
      title: row.name,
      description: describeVideo(row),
      contentLoc,
      ...(seconds !== undefined ? { durationSeconds: seconds } : {}),
    };
  }
}

/** Whole seconds as the video extension takes them (1 to 28,800); a clip under half a second counts as 1; unknown or longer: left out. */
export function durationSeconds(ms: number | null): number | undefined {
  if (ms === null || !(ms > 0)) return undefined;
  const seconds = Math.max(1, Math.round(ms / 1000));
  return seconds <= VIDEO_DURATION_MAX_SECONDS ? seconds : undefined;
}

/** `clip: video, 1:05, 320×240`: what is known of a video without metadata fields (name, length, frame size). */
export function describeVideo(row: Pick<SitemapVideoRow, 'name' | 'duration_ms' | 'width' | 'height'>): string {
  const facts = ['video'];
  if (row.duration_ms !== null && row.duration_ms > 0) facts.push(clock(row.duration_ms));
  if (row.width && row.height) facts.push(`${row.width}×${row.height}`);
  return `${row.name}: ${facts.join(', ')}`;
}

function clock(ms: number): string {
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

function text(status: number, body: string): ContentReply {
  return { status, headers: { 'Content-Type': TEXT, 'Cache-Control': 'no-store' }, body: `${body}\n` };
}
