import type { Db } from '../database/database.js';
import { AssetRepository } from './asset.repository.js';
import { ContextPublicationRepository } from './context-publication.repository.js';
import { DerivationRepository } from './derivation.repository.js';
import { IsPublicationRepository } from './is-publication.repository.js';
import { ItemMetadataRepository } from './item-metadata.repository.js';
import { ProjectRepository } from './project.repository.js';
import { SetRepository } from './set.repository.js';
import { VideoRepository } from './video.repository.js';

/**
 * The repositories a job item may write in the transaction that records its
 * result (JobLogRepository.recordItem): the catalog change and the log row
 * commit together or not at all. Services receive them bound to that
 * transaction and never build a repository themselves.
 */
export interface TransactionRepositories {
  assets: AssetRepository;
  derivations: DerivationRepository;
  videos: VideoRepository;
  sets: SetRepository;
  isPublications: IsPublicationRepository;
  contextPublications: ContextPublicationRepository;
  /** the memberships a job with projectHandleArray gives the assets an item commits */
  projects: ProjectRepository;
  /** the metadata values a job with metadataOptions gives the assets an item commits */
  metadata: ItemMetadataRepository;
}

/** What a job item writes beside its log row, inside the same transaction. */
export type UnitOfWork = (repositories: TransactionRepositories) => Promise<void>;

/** Repositories bound to one transaction (or to the database, for a caller that has none). */
export function repositoriesIn(db: Db): TransactionRepositories {
  return {
    assets: new AssetRepository(db),
    derivations: new DerivationRepository(db),
    videos: new VideoRepository(db),
    sets: new SetRepository(db),
    isPublications: new IsPublicationRepository(db),
    contextPublications: new ContextPublicationRepository(db),
    projects: new ProjectRepository(db),
    metadata: new ItemMetadataRepository(db),
  };
}
