import { z } from 'zod';
import { itemsArray } from './common.schema.js';
import { metadataUpdate } from './metadata.schema.js';

/** Updates per job: as many as one setAssetMetadata call takes. */
export const MAX_JOB_METADATA_UPDATES = 1000;

/**
 * metadataOptions of UploadUrlsJob, UploadDirectoryJob, UploadPostJob and
 * ReprocessAssetsJob (later IPS namespaces): the MetadataUpdates every asset
 * the job creates or reprocesses gets (docs/metadata.md#metadata-set-by-jobs).
 */
export const metadataOptions = z.strictObject({ updateArray: itemsArray(metadataUpdate, MAX_JOB_METADATA_UPDATES) });
export type MetadataOptions = z.output<typeof metadataOptions>;
