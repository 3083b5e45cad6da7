import type { z } from 'zod';
import type { AssetRepository } from '../../adapters/repositories/asset.repository.js';
import type { CompanyRepository } from '../../adapters/repositories/company.repository.js';
import type { ContextPublicationRepository } from '../../adapters/repositories/context-publication.repository.js';
import type { IsPublicationRepository } from '../../adapters/repositories/is-publication.repository.js';
import { IpsFault, faults } from '../../domain/faults.js';
import type { AssetBatchReturn, AssetOperationFault } from '../../domain/schemas/asset-lifecycle.schema.js';
import type * as S from '../../domain/schemas/publish-ops.schema.js';
import { METADATA_CONTEXT } from './metadata-publish.service.js';
import { companyOf } from '../company-of.js';

type In<T extends z.ZodType> = z.output<T>;

export interface ForceRepublishDeps {
  assets: AssetRepository;
  companies: CompanyRepository;
  isPublications: IsPublicationRepository;
  contextPublications: ContextPublicationRepository;
}

/**
 * forceRepublishAssets (docs/assets.md#forcing-a-republish): resets the
 * publish status of live assets marked for publish, so the next publish job
 * of every context republishes them even though nothing changed. Nothing is
 * published or withdrawn here: what is served stays served until that job.
 */
export class ForceRepublishService {
  constructor(private readonly deps: ForceRepublishDeps) {}

  /**
   * Each asset independently, in order: an unknown or trashed asset is an
   * error, a live asset not marked for publish a warning (no publish job
   * publishes it, so there is nothing to force), never a fault of the call.
   */
  async forceRepublishAssets(p: In<typeof S.forceRepublishAssetsParam>): Promise<AssetBatchReturn> {
    if (!p.republishFiles && !p.resyncCatalog)
      throw faults.invalid('republishFiles', 'true, or resyncCatalog true (with both false nothing is republished)', false);
    await companyOf(this.deps.companies, p.companyHandle);
    const errors: AssetOperationFault[] = [];
    const warnings: AssetOperationFault[] = [];
    for (const assetHandle of p.assetHandleArray) {
      try {
        const warning = await this.forceOne(p.companyHandle, assetHandle, p.republishFiles);
        if (warning) warnings.push({ assetHandle, code: warning.code, reason: warning.reason });
      } catch (err) {
        if (!(err instanceof IpsFault)) throw err;
        errors.push({ assetHandle, code: err.code, reason: err.reason });
      }
    }
    return {
      successCount: p.assetHandleArray.length - errors.length - warnings.length,
      warningCount: warnings.length,
      errorCount: errors.length,
      ...(warnings.length ? { warningDetailArray: { items: warnings } } : {}),
      ...(errors.length ? { errorDetailArray: { items: errors } } : {}),
    };
  }

  /**
   * Another company's asset is unknown here, like a missing one. A publish
   * takes the asset's state when it reaches it, so an asset trashed or
   * unmarked after its reset is withdrawn, not republished, by that publish.
   */
  private async forceOne(companyHandle: string, assetHandle: string, files: boolean): Promise<IpsFault | undefined> {
    const asset = await this.deps.assets.findByHandle(companyHandle, assetHandle);
    if (!asset) throw faults.notFound('assetHandle', 'asset', assetHandle);
    if (asset.trash_state !== 'NotInTrash') throw faults.invalid('assetHandle', 'an asset that is not in the trash', assetHandle);
    if (asset.ready_for_publish !== 1)
      return faults.invalid('assetHandle', 'an asset marked for publish (no publish job publishes it until setAssetPublishState marks it)', assetHandle);
    await this.deps.isPublications.forceRepublish(companyHandle, assetHandle, files);
    if (files) await this.deps.contextPublications.forceFiles(companyHandle, assetHandle);
    // The metadata document lists every marked asset: the next MetadataPublishJob rewrites it even when nothing changed.
    await this.deps.contextPublications.forceDocument(companyHandle, METADATA_CONTEXT);
    return undefined;
  }
}
