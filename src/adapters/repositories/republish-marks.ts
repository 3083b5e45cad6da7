/**
 * How forceRepublishAssets (docs/assets.md#forcing-a-republish) marks an
 * asset's publication records, in the fingerprint columns a record keeps of
 * the asset as it was published, so no schema change was needed and a
 * publish that rewrites the record clears the marks by itself:
 *
 * - `version` 0 on an Image Serving record: no asset version is 0, so the
 *   record no longer matches any version and an Incremental publish takes
 *   the asset as changed. (Full publishes, and the other contexts' runs,
 *   republish every marked asset anyway.)
 * - `source_modified` '' on any record: the files the asset is served from
 *   are copied afresh from its current files by the next publish, instead of
 *   the published copies being kept (republishFiles).
 */
export const FORCED_VERSION = 0;
export const FILES_FORCED = '';

/** Whether the next publish rewrites this record's published files (republishFiles). */
export function filesForced(record: { source_modified: string }): boolean {
  return record.source_modified === FILES_FORCED;
}
