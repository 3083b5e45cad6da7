import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { UnreadableImageError } from '../../adapters/media/media-errors.js';
import { IsLimitError } from '../../adapters/media/image-serving/is-renderer.js';
import type { CompanyRepository } from '../../adapters/repositories/company.repository.js';
import type { IsPublicationRepository, IsPublishedAssetRow } from '../../adapters/repositories/is-publication.repository.js';
import type { Scratch } from '../../adapters/storage/scratch.js';
import type { StorageDriver } from '../../adapters/storage/storage.driver.js';
import { nameKey } from '../../domain/handles.js';
import { parseIsQuery } from '../../domain/image-serving/is-parser.js';
import { IsCommandError, type IsRequest } from '../../domain/image-serving/is-request.js';
import type { IsRender } from '../export/export.service.js';

/** An Image Serving reply: a text body (messages, req=props / req=exists) or a rendered image streamed from a temp file. */
export interface IsReply {
  status: number;
  headers: Record<string, string>;
  body: string | Readable;
}

export interface IsDeliveryOptions {
  /** attribute::MaxPix: reply pixel limit */
  maxPixels: number;
  /** Cache-Control max-age of image replies */
  cacheMaxAgeSeconds: number;
}

export interface IsDeliveryDeps {
  storage: StorageDriver;
  scratch: Scratch;
  companies: CompanyRepository;
  isPublications: IsPublicationRepository;
  renderIsImage: IsRender;
  delivery: IsDeliveryOptions;
}

const TEXT = 'text/plain; charset=utf-8';

/**
 * `GET /is/image/<rootId>/<name>?<modifiers>`: public Image Serving from what
 * the company last published (docs/jobs/image-serving-publish.md#delivery-isimage), never from the live catalog.
 * The company is found by its root id (its root path without the slash), the
 * image by name among its published records, both case-sensitively as IS
 * compares rootId/objId; the modifiers expand the company's published macro
 * set. Errors are IS-style text, not IPS faults: clients are browsers and CDNs.
 */
export class IsDeliveryService {
  constructor(private readonly deps: IsDeliveryDeps) {}

  async serve(rootId: string, name: string, query: string, ifNoneMatch: string | undefined): Promise<IsReply> {
    const object = `${rootId}/${name}`;
    const company = await this.deps.companies.findByRootPath(`${rootId}/`);
    if (!company) return notFound(object);
    const macros = new Map((await this.deps.isPublications.macros(company.company_handle)).map((m) => [m.name_key, m.url_modifier]));
    let req: IsRequest;
    try {
      req = parseIsQuery(query, { macro: (n) => macros.get(nameKey(n)), variables: { object } });
    } catch (err) {
      if (err instanceof IsCommandError) return text(400, err.message);
      throw err;
    }

    // A second look when the record changed under the request (a publish replaced the version and removed its file).
    for (let attempt = 0; ; attempt += 1) {
      const record = await this.published(company.company_handle, name);
      if (req.req === 'exists') return text(200, `catalogRecord.exists=${record ? 1 : 0}\n`, revalidate());
      if (!record) return notFound(object);
      if (req.req === 'props') return text(200, props(record), revalidate());
      if (record.kind !== 'image' || !record.image_key)
        return text(400, `'${object}' is not an image (${record.asset_type}): this server replies with images only`);

      let profile: IsPublishedAssetRow | undefined;
      if (req.icc) {
        profile = await this.deps.isPublications.findByName(company.company_handle, nameKey(req.icc.profile));
        if (profile?.kind !== 'icc' || !profile.image_key) return text(400, `icc: no published ICC profile named '${req.icc.profile}'`);
      }
      // The parsed request has the macros expanded, so a republished preset or profile changes the tag too.
      const etag = `"${createHash('sha256')
        .update(`${record.etag}\n${profile?.etag ?? ''}\n${JSON.stringify(req)}`)
        .digest('hex')
        .slice(0, 40)}"`;
      const cache = { ETag: etag, 'Cache-Control': `public, max-age=${this.deps.delivery.cacheMaxAgeSeconds}` };
      if (ifNoneMatch && matches(ifNoneMatch, etag)) return { status: 304, headers: cache, body: '' };
      const iccProfilePath = profile?.image_key ? await this.deps.storage.localPath(profile.image_key) : undefined;
      if (!(await this.deps.storage.exists(record.image_key))) {
        if (attempt === 0) continue;
        return notFound(object);
      }
      const tmp = await this.deps.scratch.file('.is');
      try {
        const result = await this.deps.renderIsImage(await this.deps.storage.localPath(record.image_key), req, tmp, {
          maxPixels: this.deps.delivery.maxPixels,
          ...(iccProfilePath ? { iccProfilePath } : {}),
        });
        // The scratch file goes once the reply is sent (or the client went away).
        const stream = this.deps.scratch.stream(tmp, { removeWhenClosed: true });
        return { status: 200, headers: { 'Content-Type': result.mime, 'Content-Length': String(result.bytes), ...cache }, body: stream };
      } catch (err) {
        await this.deps.scratch.remove(tmp);
        if (err instanceof IsLimitError) return text(403, err.message);
        if (err instanceof IsCommandError) return text(400, err.message);
        if (err instanceof UnreadableImageError) return text(500, `'${object}' could not be read: ${err.message}`);
        if ((err as NodeJS.ErrnoException).code === 'ENOENT' && attempt === 0) continue;
        throw err;
      }
    }
  }

  /** The published record with exactly this name (names are unique per company case-insensitively, but IS's objId is case-sensitive). */
  private async published(companyHandle: string, name: string): Promise<IsPublishedAssetRow | undefined> {
    const record = await this.deps.isPublications.findByName(companyHandle, nameKey(name));
    return record && record.name === name ? record : undefined;
  }
}

function text(status: number, body: string, headers: Record<string, string> = { 'Cache-Control': 'no-store' }): IsReply {
  return { status, headers: { 'Content-Type': TEXT, ...headers }, body: body.endsWith('\n') ? body : `${body}\n` };
}

/** Nothing unpublished is ever reachable, and an unknown company answers exactly like an unknown image. */
function notFound(object: string): IsReply {
  return text(404, `Unable to find image '${object}'`);
}

/** Text answers are small and change with every publish: cacheable, but checked each time. */
function revalidate(): Record<string, string> {
  return { 'Cache-Control': 'no-cache' };
}

/** req=props in IS's `name=value` lines (catalog properties of the published version). */
function props(r: IsPublishedAssetRow): string {
  const lines = [`image.name=${r.name}`, `image.type=${r.asset_type}`, `image.version=${r.etag}`, `image.timeStamp=${r.published_at}`];
  if (r.kind === 'image') lines.push(`image.width=${r.width ?? 0}`, `image.height=${r.height ?? 0}`, `image.mask=${r.mask_key ? 1 : 0}`);
  if (r.members_json) lines.push(`set.members=${(JSON.parse(r.members_json) as string[]).join(',')}`);
  return `${lines.join('\n')}\n`;
}

/** If-None-Match: a list of entity tags (weak ones compare by their opaque part) or `*`. */
function matches(header: string, etag: string): boolean {
  return header.split(',').some((t) => {
    const tag = t.trim().replace(/^W\//, '');
    return tag === '*' || tag === etag;
  });
}
