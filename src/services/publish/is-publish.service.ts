import { createHash } from 'node:crypto';
import type { AssetRepository, AssetRow } from '../../adapters/repositories/asset.repository.js';
import { AssetNotLiveError } from '../../adapters/repositories/asset-not-live.error.js';
import type { ImageFormatRepository } from '../../adapters/repositories/image-format.repository.js';
import type { IsPublicationRepository, IsPublishedAssetRow } from '../../adapters/repositories/is-publication.repository.js';
import { filesForced } from '../../adapters/repositories/republish-marks.js';
import type { StorageDriver } from '../../adapters/storage/storage.driver.js';
import { nowIso } from '../../domain/handles.js';
import { type IsPublishType, type IsPublishedKind, isFullPublish, publishedKind } from '../../domain/is-publish.js';
import type { AssetRef, FileResult, JobIdentity } from '../../jobs/contracts.js';
import type { ItemLedger } from '../assets/item-ledger.js';
import { keyPart } from '../assets/storage-keys.js';
import { itemLogTypes } from '../job-items.js';
import { SETTLED_COUNTERS, assetEntry, notPublishedKey, recordPublished } from './publish-entries.js';

/** Assets per page handed to the workflow (handles and names only). */
export const IS_PUBLISH_PAGE = 200;

/** Publish candidates are walked first (`p:<after>`), then, for a full publish, the removals (`r:<after>`). */
type Cursor = { phase: 'publish' | 'remove'; after: string | null };

function readCursor(cursor: string | null): Cursor {
  if (cursor === null) return { phase: 'publish', after: null };
  const after = cursor.slice(2) || null;
  return { phase: cursor.startsWith('r:') ? 'remove' : 'publish', after };
}

/**
 * Storage keys of a published version. They are the publish's own: the asset's
 * optimised image and mask keys are immutable per version, but an upload,
 * reprocess or optimize that replaces a version deletes the old keys once the
 * new one is committed. A record pointing at them would then serve nothing
 * until the next publish, so the publish gives the served bytes a key of its
 * own (storage `copy`: a hard link on local disk, no pixels copied). The name
 * is derived from the source key, so a retried activity lands on the same key.
 */
export function publishedKey(companyHandle: string, assetHandle: string, sourceKey: string): string {
  const dot = sourceKey.lastIndexOf('.');
  const ext = dot > sourceKey.lastIndexOf('/') ? sourceKey.slice(dot).replace(/[^A-Za-z0-9.]/g, '') : '';
  return `published/${keyPart(companyHandle)}/${keyPart(assetHandle)}/${digest(sourceKey).slice(0, 24)}${ext}`;
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export interface IsPublishDeps {
  storage: StorageDriver;
  assets: AssetRepository;
  imageFormats: ImageFormatRepository;
  ledger: ItemLedger;
  isPublications: IsPublicationRepository;
}

/**
 * ImageServingPublishJob (Adobe IPS: data-types/r-image-serving-publish-job): brings the company's Image
 * Serving context in line with its assets marked for publish. Each asset is
 * one idempotent step (its job-log row, counters and published record in one
 * transaction): published (new or republished), removed (Full: no longer
 * marked, trashed or deleted) or left as it is. Nothing here copies pixels.
 */
export class IsPublishService {
  constructor(private readonly deps: IsPublishDeps) {}

  async count(companyHandle: string, publishType: IsPublishType): Promise<number> {
    if (!isFullPublish(publishType)) return this.deps.isPublications.countCandidates(companyHandle, 'changed');
    return (await this.deps.isPublications.countCandidates(companyHandle, 'all')) + (await this.deps.isPublications.countRemovals(companyHandle));
  }

  async page(companyHandle: string, publishType: IsPublishType, cursor: string | null): Promise<{ items: AssetRef[]; next: string | null }> {
    const at = readCursor(cursor);
    const full = isFullPublish(publishType);
    const rows =
      at.phase === 'publish'
        ? await this.deps.isPublications.listCandidates(companyHandle, full ? 'all' : 'changed', at.after, IS_PUBLISH_PAGE)
        : await this.deps.isPublications.listRemovals(companyHandle, at.after, IS_PUBLISH_PAGE);
    const items = rows.map((r) => ({ assetHandle: r.asset_handle, name: r.name }));
    const prefix = at.phase === 'publish' ? 'p:' : 'r:';
    if (rows.length === IS_PUBLISH_PAGE) return { items, next: `${prefix}${rows[rows.length - 1]!.asset_handle}` };
    return { items, next: at.phase === 'publish' && full ? 'r:' : null };
  }

  /** One asset: its state decides (marked and servable → publish; published but not → remove), not the list it came from. */
  async publish(job: JobIdentity, ref: AssetRef): Promise<FileResult> {
    const recorded = await this.deps.ledger.recorded(job, ref.assetHandle);
    if (recorded) return recorded;
    const asset = await this.deps.assets.findByHandle(job.companyHandle, ref.assetHandle);
    const current = await this.deps.isPublications.findByAsset(job.companyHandle, ref.assetHandle);
    const kind = asset && asset.trash_state === 'NotInTrash' && asset.ready_for_publish === 1 ? publishedKind(asset) : undefined;
    if (asset && kind) return this.put(job, asset, kind, current);
    if (current) return this.unpublish(job, ref, current);
    // Listed, then unmarked or trashed before its turn: nothing is or was served for it.
    return this.deps.ledger.record(
      job,
      assetEntry(ref, 'success', { logType: itemLogTypes(job).success, messageKey: notPublishedKey(asset), messageArgs: { path: ref.name } }, SETTLED_COUNTERS),
    );
  }

  fail(job: JobIdentity, ref: AssetRef, reason: string): Promise<FileResult> {
    return this.deps.ledger.error(job, ref, reason);
  }

  /** The company's image presets become the context's macro set (a snapshot: later preset edits wait for the next publish). */
  async publishMacros(job: JobIdentity): Promise<void> {
    const at = nowIso();
    const presets = await this.deps.imageFormats.list(job.companyHandle);
    await this.deps.ledger.record(job, {
      itemId: 'macros',
      status: 'success',
      details: [{ logType: itemLogTypes(job).success, messageKey: 'isMacrosPublished', messageArgs: { count: presets.length } }],
      counters: [],
      write: (repos) =>
        repos.isPublications.replaceMacros(
          job.companyHandle,
          presets.map((f) => ({
            company_handle: job.companyHandle,
            name_key: f.name_key,
            name: f.name,
            url_modifier: f.url_modifier,
            published_at: at,
            job_handle: job.jobHandle,
          })),
        ),
    });
  }

  private async put(job: JobIdentity, asset: AssetRow, kind: IsPublishedKind, current: IsPublishedAssetRow | undefined): Promise<FileResult> {
    const ref = { assetHandle: asset.asset_handle, name: asset.name };
    let imageKey: string | null = null;
    let maskKey: string | null = null;
    let members: string[] | null = null;
    // forceRepublishAssets with republishFiles: the published copies are made afresh, not kept.
    const rewrite = current !== undefined && filesForced(current);
    if (kind === 'set') {
      members = await this.deps.isPublications.setMemberNames(asset.company_handle, asset.asset_handle);
    } else {
      const source = kind === 'image' ? asset.optimized_key! : asset.original_key;
      imageKey = await this.link(asset, source, rewrite);
      if (!imageKey) return this.fail(job, ref, `the ${kind === 'image' ? 'optimised image' : 'profile file'} is missing from storage`);
      if (kind === 'image' && asset.mask_key) {
        maskKey = await this.link(asset, asset.mask_key, rewrite);
        if (!maskKey) return this.fail(job, ref, 'the mask is missing from storage');
      }
    }
    const at = nowIso();
    const row: IsPublishedAssetRow = {
      company_handle: asset.company_handle,
      name_key: asset.name_key,
      name: asset.name,
      asset_handle: asset.asset_handle,
      kind,
      asset_type: asset.type,
      image_key: imageKey,
      mask_key: maskKey,
      source_key: asset.optimized_key,
      source_mask_key: asset.mask_key,
      sha256: asset.sha256,
      version: asset.version,
      source_modified: asset.last_modified,
      width: asset.width,
      height: asset.height,
      members_json: members ? JSON.stringify(members) : null,
      etag: digest([asset.asset_handle, asset.version, asset.sha256, imageKey, maskKey, members?.join('\n')].join('|')).slice(0, 32),
      published_at: at,
      job_handle: job.jobHandle,
    };
    const assetType = kind === 'image' ? 'OptimizedImage' : kind === 'icc' ? 'IccProfile' : asset.type;
    let published: Awaited<ReturnType<typeof recordPublished>>;
    try {
      published = await recordPublished(
        this.deps.ledger,
        job,
        ref,
        current !== undefined,
        { logType: itemLogTypes(job).success, messageKey: current ? 'isRepublished' : 'isPublished', messageArgs: { path: asset.name }, assetType },
        async (repos) => {
          await repos.isPublications.holdPublishable(asset.asset_handle);
          await repos.isPublications.put(row);
        },
      );
    } catch (err) {
      if (!(err instanceof AssetNotLiveError)) throw err;
      // Trashed or unmarked since it was read: nothing new is served. The keys linked for it go, and the
      // item settles on the asset's state now (what was served before is withdrawn, or nothing was).
      await this.dropKeys(row, [current?.image_key ?? null, current?.mask_key ?? null]);
      return this.publish(job, ref);
    }
    const { result, wrote } = published;
    if (!wrote) return result;
    // Another publish of the company running at the same time may have dropped a key this one
    // found in place before committing: put it back while the source is still there.
    for (const [key, source] of [
      [imageKey, kind === 'image' ? asset.optimized_key : asset.original_key],
      [maskKey, asset.mask_key],
    ] as const) {
      if (key && source && !(await this.deps.storage.exists(key)) && (await this.deps.storage.exists(source))) await this.deps.storage.copy(source, key);
    }
    // The previous version's keys go only once nothing points at them any more.
    if (current) await this.dropKeys(current, [imageKey, maskKey]);
    return result;
  }

  private async unpublish(job: JobIdentity, ref: AssetRef, current: IsPublishedAssetRow): Promise<FileResult> {
    const named = { assetHandle: ref.assetHandle, name: current.name };
    const result = await this.deps.ledger.record(
      job,
      assetEntry(
        named,
        'success',
        { logType: itemLogTypes(job).success, messageKey: 'isUnpublished', messageArgs: { path: current.name } },
        SETTLED_COUNTERS,
        (repos) => repos.isPublications.remove(current.company_handle, current.asset_handle),
      ),
    );
    await this.dropKeys(current, []);
    return result;
  }

  /**
   * The published key for `source`, linked in if not there yet (or, with
   * `rewrite`, linked in again: storage copy replaces it atomically); null
   * when the source is gone (replaced meanwhile: the next publish takes the new one).
   */
  private async link(asset: AssetRow, source: string, rewrite: boolean): Promise<string | null> {
    const key = publishedKey(asset.company_handle, asset.asset_handle, source);
    if (!rewrite && (await this.deps.storage.exists(key))) return key;
    if (!(await this.deps.storage.exists(source))) return null;
    await this.deps.storage.copy(source, key);
    return key;
  }

  private async dropKeys(previous: IsPublishedAssetRow, keep: ReadonlyArray<string | null>): Promise<void> {
    for (const key of [previous.image_key, previous.mask_key]) {
      if (key && !keep.includes(key) && !(await this.deps.isPublications.references(previous.company_handle, key))) await this.deps.storage.delete(key);
    }
  }
}
