import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { AssetExtrasRepository, AssetValueRow } from '../../adapters/repositories/asset-extras.repository.js';
import type { CompanyRepository } from '../../adapters/repositories/company.repository.js';
import type { ContextPublicationRepository } from '../../adapters/repositories/context-publication.repository.js';
import { type PublishDirectory, PublishPathError, safeSegment } from '../../adapters/publish/publish-directory.js';
import { nowIso } from '../../domain/handles.js';
import { type MetadataFieldType, TAG_TYPES } from '../../domain/metadata.js';
import { METADATA_DOCUMENT_NAME, METADATA_DOCUMENT_OWNER } from '../../domain/publish-contexts.js';
import type { FileResult, JobIdentity } from '../../jobs/contracts.js';
import type { ItemLedger } from '../assets/item-ledger.js';
import { DocumentItem } from './document-item.js';

/** The publish context name of the metadata document (context_published_documents, publish_directory_files). */
export const METADATA_CONTEXT = 'Metadata';
/** The job's one item (job_items.item_id). */
export const METADATA_ITEM = 'metadata';
/** Assets read per query while the document is streamed. */
const PAGE = 1000;

export interface MetadataPublishDeps {
  companies: CompanyRepository;
  ledger: ItemLedger;
  contextPublications: ContextPublicationRepository;
  publishDirectory: PublishDirectory;
  assetExtras: AssetExtrasRepository;
}

/**
 * MetadataPublishJob (Adobe IPS: data-types/r-metadata-publish-job-type): one JSON document per
 * company, `<company root>/metadata.json` under SERVER_PUBLISH_ROOT, listing
 * every live asset marked for publish (handle, name, type, folder, file,
 * size, dimensions, dates, version, and its metadata values by field name:
 * a tag field's as a list; hidden fields are left out, being internal) in
 * handle order (docs/jobs/metadata-publish.md). The document is streamed page by page (memory stays flat
 * whatever the catalog size) and written atomically. Without forcePublish
 * it is written only when its content hash differs from the last publish's
 * (or the file is gone); an unchanged document is logged and left alone.
 */
export class MetadataPublishService {
  /** The job's one item: the document, typed NoType in the log (it is no asset). */
  private readonly item: DocumentItem;

  constructor(private readonly deps: MetadataPublishDeps) {
    this.item = new DocumentItem(deps.ledger, { itemId: METADATA_ITEM, assetName: METADATA_DOCUMENT_NAME, assetType: 'NoType' });
  }

  async publish(job: JobIdentity, forcePublish: boolean): Promise<FileResult> {
    const recorded = await this.item.recorded(job);
    if (recorded) return recorded;
    const company = await this.deps.companies.findByHandle(job.companyHandle);
    if (!company) return this.fail(job, 'the company no longer exists');
    let segments: string[];
    try {
      segments = [safeSegment(company.root_path.replace(/\/$/, '')), METADATA_DOCUMENT_NAME];
    } catch (err) {
      if (err instanceof PublishPathError) return this.fail(job, err.message);
      throw err;
    }
    const file = segments.join('/');
    const owner = (await this.deps.contextPublications.fileOwners([file])).get(file);
    if (owner && owner.owner !== METADATA_DOCUMENT_OWNER) return this.fail(job, `${file} in the server directory is already published for an asset`);

    const measured = await this.measure(company.company_handle, company.name, company.root_path);
    const previous = await this.deps.contextPublications.findDocument(job.companyHandle, METADATA_CONTEXT);
    const onDisk = await this.deps.publishDirectory.fileSize(segments);
    const unchanged = previous?.sha256 === measured.sha256 && previous.path === file && onDisk === measured.bytes;
    if (unchanged && !forcePublish) {
      return this.item.succeeded(job, { messageKey: 'metadataUnchanged', messageArgs: { count: measured.entries, file } });
    }
    // The document is streamed again for writing, hashed on the way, so the record states exactly what was written.
    const hash = createHash('sha256');
    let entries = 0;
    const source = Readable.from(
      (async function* (self: MetadataPublishService) {
        for await (const chunk of self.chunks(company.company_handle, company.name, company.root_path, () => entries++)) {
          hash.update(chunk);
          yield chunk;
        }
      })(this),
    );
    try {
      await this.deps.publishDirectory.write(segments, source);
    } catch (err) {
      if (err instanceof PublishPathError) return this.fail(job, err.message);
      throw err;
    }
    const at = nowIso();
    return this.item.succeeded(job, { messageKey: 'metadataPublished', messageArgs: { count: entries, file } }, async (repos) => {
      const repo = repos.contextPublications;
      await repo.putDocument({
        company_handle: job.companyHandle,
        context: METADATA_CONTEXT,
        sha256: hash.digest('hex'),
        path: file,
        entries,
        published_at: at,
        job_handle: job.jobHandle,
      });
      await repo.replaceFiles(job.companyHandle, METADATA_CONTEXT, METADATA_DOCUMENT_OWNER, [file]);
    });
  }

  /** The job's one item failed (its batch gave up after its retries, or a path problem). */
  fail(job: JobIdentity, reason: string): Promise<FileResult> {
    return this.item.failed(job, reason);
  }

  /** Hash, size and entry count of the document as it would be written now. */
  private async measure(companyHandle: string, companyName: string, rootPath: string): Promise<{ sha256: string; bytes: number; entries: number }> {
    const hash = createHash('sha256');
    let bytes = 0;
    let entries = 0;
    for await (const chunk of this.chunks(companyHandle, companyName, rootPath, () => entries++)) {
      hash.update(chunk);
      bytes += chunk.length;
    }
    return { sha256: hash.digest('hex'), bytes, entries };
  }

  /** The document, one asset per line; nothing in it depends on when it is made, so an unchanged catalog gives the same bytes. */
  private async *chunks(companyHandle: string, companyName: string, rootPath: string, onEntry: () => void): AsyncGenerator<Buffer> {
    yield Buffer.from(`{"company":${JSON.stringify(companyName)},"rootPath":${JSON.stringify(rootPath)},"assets":[`);
    let after: string | null = null;
    let first = true;
    for (;;) {
      const rows = await this.deps.contextPublications.markedAssetsPage(companyHandle, after, PAGE);
      if (rows.length === 0) break;
      const values = await this.deps.assetExtras.values(
        rows.map((r) => r.asset_handle),
        { withHidden: false },
      );
      const lines = rows.map((r) => {
        onEntry();
        const entry = {
          assetHandle: r.asset_handle,
          name: r.name,
          type: r.type,
          subType: r.sub_type,
          folder: r.folder,
          fileName: r.file_name,
          format: r.format,
          fileSize: Number(r.file_size),
          width: r.width,
          height: r.height,
          resolution: r.resolution,
          created: r.created,
          lastModified: r.last_modified,
          version: r.version,
          metadata: documentValues(values.get(r.asset_handle)),
        };
        const line = `${first ? '' : ','}\n${JSON.stringify(entry)}`;
        first = false;
        return line;
      });
      yield Buffer.from(lines.join(''));
      if (rows.length < PAGE) break;
      after = rows[rows.length - 1]!.asset_handle;
    }
    yield Buffer.from('\n]}\n');
  }
}

/** An asset's values for the document: field name → the value as set, or a tag field's values as a list (rows come grouped by field). */
function documentValues(rows: readonly AssetValueRow[] | undefined): Record<string, string | string[]> {
  // No prototype: a field may be named like an Object property (__proto__, constructor).
  const out: Record<string, string | string[]> = Object.create(null);
  for (const r of rows ?? []) {
    if (!TAG_TYPES.has(r.field_type as MetadataFieldType)) out[r.field_name] = r.value;
    else {
      const tags = out[r.field_name];
      if (Array.isArray(tags)) tags.push(r.value);
      else out[r.field_name] = [r.value];
    }
  }
  return out;
}
