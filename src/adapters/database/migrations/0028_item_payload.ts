import type { Kysely, Migration } from 'kysely';
import type { DatabaseKind } from '../database-kind.js';

/**
 * What an item's result carries for a later step of its job, as JSON, in
 * the row that records the result: an ExportJob's per-asset staging keeps
 * its manifest (the staged files and their names in the ZIP) here, so the
 * manifest commits with the item in one transaction and the archive reads
 * every asset's in one query. Until now each manifest was a file of its own,
 * written (and fsynced) per asset and read back per asset: bench/export
 * found that bookkeeping, serial in the archive step, a measurable part of
 * the job (bench/README.md, issue 19). Rows from before stay null; the
 * archive then reads the manifest file such a row's staging wrote.
 */
export function itemPayload(kind: DatabaseKind): Migration {
  void kind;
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('job_items').addColumn('payload', 'text').execute();
    },
  };
}
