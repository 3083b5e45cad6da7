import type { z } from 'zod';
import type { AssetRepository } from '../../adapters/repositories/asset.repository.js';
import type { CompanyRepository } from '../../adapters/repositories/company.repository.js';
import type { PublishHistoryRepository } from '../../adapters/repositories/publish-history.repository.js';
import { faults } from '../../domain/faults.js';
import type * as S from '../../domain/schemas/publish-ops.schema.js';
import { companyOf } from '../company-of.js';

type In<T extends z.ZodType> = z.output<T>;

/** The IPS publish contexts (Adobe IPS: sting-constants/r-publish-context), in the order IPS lists them. */
const CONTEXT_ORDER: readonly string[] = ['ImageServing', 'ImageRendering', 'Video', 'ServerDirectory'];

export interface PublishHistoryDeps {
  assets: AssetRepository;
  companies: CompanyRepository;
  publishHistory: PublishHistoryRepository;
  /** this process's name, for a publication whose job left no JobClient row in its log */
  serverName: string;
}

/**
 * getAssetPublishHistory (docs/assets.md#publish-history): one PublishHistory
 * per publish context the asset is published to now, with the time of its
 * last publish there and the worker that ran that publish.
 */
export class PublishHistoryService {
  constructor(private readonly deps: PublishHistoryDeps) {}

  /**
   * A trashed (or emptied) asset answers too: what is still served for it
   * until a publish or emptying the trash withdraws it, then nothing. An
   * asset never published, or unpublished since, answers an empty array.
   */
  async getAssetPublishHistory(p: In<typeof S.getAssetPublishHistoryParam>): Promise<S.GetAssetPublishHistoryReturn> {
    await companyOf(this.deps.companies, p.companyHandle);
    if (!(await this.deps.assets.findByHandle(p.companyHandle, p.assetHandle))) throw faults.notFound('assetHandle', 'asset', p.assetHandle);
    const entries = await this.deps.publishHistory.entries(p.companyHandle, p.assetHandle);
    entries.sort((a, b) => CONTEXT_ORDER.indexOf(a.context) - CONTEXT_ORDER.indexOf(b.context));
    return {
      pubHistoryArray: {
        items: entries.map((e) => ({ serverName: e.serverName ?? this.deps.serverName, contextName: e.context, lastPublished: e.publishedAt })),
      },
    };
  }
}
