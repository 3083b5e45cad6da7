import { type Kysely, type Migration, sql } from 'kysely';
import { nameKey } from '../../../domain/handles.js';
import { ANY_ASSET_TYPE, SYSTEM_METADATA_FIELDS, metadataFieldHandle } from '../../../domain/metadata.js';
import type { DatabaseKind } from '../database-kind.js';

/**
 * Metadata (docs/metadata.md): a company's metadata fields, the closed
 * dictionaries of its fixed-tag fields, and the values assets hold.
 *
 * One `asset_metadata` row per value (a tag field holding three tags has three
 * rows, `position` 0..2; any other field has one, position 0), so a condition
 * on a field reads one index range: `value_key` (the value folded the way IPS
 * compares names) for the string operators, `num_value` for Int/Float/Boolean,
 * `date_value` (ISO-8601 UTC, sorts as text) for Date. searchAssets and
 * searchAssetsByMetadata on a catalog of millions of assets filter by field
 * first, so every index leads with field_handle; getAssets reads an asset's
 * values by the primary key, which leads with asset_handle.
 */
export function metadata(kind: DatabaseKind): Migration {
  void kind;
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('metadata_fields')
        .addColumn('field_handle', 'varchar(400)', (c) => c.primaryKey())
        .addColumn('company_handle', 'varchar(64)', (c) => c.notNull().references('companies.company_handle'))
        .addColumn('asset_type', 'varchar(64)', (c) => c.notNull())
        .addColumn('name', 'varchar(256)', (c) => c.notNull())
        .addColumn('name_key', 'varchar(256)', (c) => c.notNull())
        .addColumn('field_type', 'varchar(32)', (c) => c.notNull())
        .addColumn('default_value', 'varchar(4096)')
        .addColumn('initial_tag_value', 'varchar(4096)')
        .addColumn('is_hidden', 'integer', (c) => c.notNull())
        .addColumn('is_enforced', 'integer', (c) => c.notNull())
        .addColumn('is_user_defined', 'integer', (c) => c.notNull())
        .addColumn('created', 'varchar(40)', (c) => c.notNull())
        .addColumn('last_modified', 'varchar(40)', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('metadata_fields_company_type_name')
        .unique()
        .on('metadata_fields')
        .columns(['company_handle', 'asset_type', 'name_key'])
        .execute();
      await db.schema
        .createTable('metadata_tag_values')
        .addColumn('field_handle', 'varchar(400)', (c) => c.notNull().references('metadata_fields.field_handle').onDelete('cascade'))
        .addColumn('value_key', 'varchar(4096)', (c) => c.notNull())
        .addColumn('value', 'varchar(4096)', (c) => c.notNull())
        .addPrimaryKeyConstraint('metadata_tag_values_pk', ['field_handle', 'value_key'])
        .execute();
      await db.schema
        .createTable('asset_metadata')
        .addColumn('asset_handle', 'varchar(64)', (c) => c.notNull())
        .addColumn('field_handle', 'varchar(400)', (c) => c.notNull().references('metadata_fields.field_handle').onDelete('cascade'))
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('value', 'varchar(4096)', (c) => c.notNull())
        .addColumn('value_key', 'varchar(4096)', (c) => c.notNull())
        .addColumn('num_value', 'double precision')
        .addColumn('date_value', 'varchar(40)')
        .addColumn('last_modified', 'varchar(40)', (c) => c.notNull())
        .addPrimaryKeyConstraint('asset_metadata_pk', ['asset_handle', 'field_handle', 'position'])
        .execute();
      await db.schema.createIndex('asset_metadata_field_value').on('asset_metadata').columns(['field_handle', 'value_key']).execute();
      await db.schema.createIndex('asset_metadata_field_num').on('asset_metadata').columns(['field_handle', 'num_value']).execute();
      await db.schema.createIndex('asset_metadata_field_date').on('asset_metadata').columns(['field_handle', 'date_value']).execute();
      await backfillSystemFields(db);
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('asset_metadata').execute();
      await db.schema.dropTable('metadata_tag_values').execute();
      await db.schema.dropTable('metadata_fields').execute();
    },
  };
}

/** The system fields (docs/metadata.md#system-fields) for the companies that exist already; new companies get them when created. */
async function backfillSystemFields(db: Kysely<unknown>): Promise<void> {
  const now = new Date().toISOString();
  const companies = await sql<{ company_handle: string }>`select company_handle from companies`.execute(db);
  for (const { company_handle: company } of companies.rows) {
    for (const f of SYSTEM_METADATA_FIELDS) {
      await sql`insert into metadata_fields (field_handle, company_handle, asset_type, name, name_key, field_type, default_value,
          initial_tag_value, is_hidden, is_enforced, is_user_defined, created, last_modified)
        values (${metadataFieldHandle(company, ANY_ASSET_TYPE, f.name)}, ${company}, ${ANY_ASSET_TYPE}, ${f.name}, ${nameKey(f.name)}, ${f.type},
          null, null, 0, 0, 0, ${now}, ${now})`.execute(db);
    }
  }
}
