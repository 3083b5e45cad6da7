import { keyPart } from '../assets/storage-keys.js';

/** One file an export puts in its ZIP: where it is stored and the name it should have there. */
export interface StagedEntry {
  key: string;
  /** wanted name in the archive; clashes are resolved when the archive is written */
  name: string;
  size: number;
  compress: boolean;
}

/** What the per-asset step staged for one asset: recorded with its result (the item's payload), read back by the archive. */
export interface ExportManifest {
  /** folder + name: how error messages name the asset */
  path: string;
  /** the asset's name: JobLogDetail.assetName of its rows (docs/job-log-types.md#exportjob-export) */
  name: string;
  /** the asset's file name, as its rows say: `<fileName> is exported to <entry>` */
  fileName: string;
  /** the asset's type, when a conversion was asked for and the asset went in as its original */
  asOriginal?: string;
  entries: StagedEntry[];
}

/**
 * Storage layout of an export: what the per-asset step staged (converted
 * files; before migration 0028 also a manifest file per asset, which the
 * archive still reads for results recorded without one) and the finished
 * archive with its sidecar. Keys depend only on company, job and asset, so a
 * retried activity rewrites the same files.
 */
export function exportKeys(companyHandle: string, jobHandle: string) {
  const base = `exports/${keyPart(companyHandle)}/${keyPart(jobHandle)}`;
  return {
    staged: `${base}/staged`,
    manifest: (assetHandle: string) => `${base}/staged/${keyPart(assetHandle)}.json`,
    // One folder for every asset's files (`@` never occurs in a keyPart): no folder to make per asset, and fewer to
    // remove after the archive.
    converted: (assetHandle: string, n: number, ext: string) => `${base}/staged/${keyPart(assetHandle)}@${n}.${ext}`,
    archive: `${base}/archive.zip`,
    sidecar: `${base}/archive.json`,
    base,
  };
}

export type ExportKeys = ReturnType<typeof exportKeys>;
