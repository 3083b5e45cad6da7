import { createHash } from 'node:crypto';
import type { AssetRow } from '../../adapters/repositories/asset.repository.js';
import { keyPart } from '../assets/storage-keys.js';

/** The job type whose items get before/after pictures (JobRegistry's ipsType of reprocessAssetsJob). */
export const REPROCESS_JOB_TYPE = 'ReprocessAssets';

/**
 * Before and after of one image a reprocess job changed, as stored files.
 *
 * Before is the asset's original: reprocessing renders from the untouched
 * upload and never writes it, so it is what the job started from whatever
 * earlier jobs did. After is the pyramid the job wrote, under a key made of
 * the job handle (ReprocessService: `optimized/<company>/<asset>/rp-<digest>.ptif`),
 * so it is found without the job log keeping it. A later reprocess, optimise
 * or upload of the asset deletes that pyramid once its own commits (and an
 * upload brings a new original too): then neither picture is this job's.
 */
export type ReprocessPair =
  | { state: 'ready'; before: string; after: string }
  /** a later job or upload replaced what this job made */
  | { state: 'superseded' }
  /** the item failed, or is not an image (documents and videos reprocess into other assets) */
  | { state: 'none' };

export function reprocessPair(jobHandle: string, itemStatus: string, asset: AssetRow): ReprocessPair {
  if (itemStatus !== 'success' || asset.type !== 'Image') return { state: 'none' };
  const after = reprocessedKey(jobHandle, asset);
  if (asset.optimized_key !== after) return { state: 'superseded' };
  return { state: 'ready', before: asset.original_key, after };
}

/** The key ReprocessService stores an image's new pyramid under (the digest of the job handle keeps each job's files apart). */
function reprocessedKey(jobHandle: string, asset: Pick<AssetRow, 'company_handle' | 'asset_handle'>): string {
  const tag = createHash('sha256').update(jobHandle).digest('hex').slice(0, 16);
  return `optimized/${keyPart(asset.company_handle)}/${keyPart(asset.asset_handle)}/rp-${tag}.ptif`;
}
