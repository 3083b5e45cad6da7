import type { Kysely, Migration } from 'kysely';
import type { DatabaseKind } from '../database-kind.js';

/**
 * Projects (docs/projects.md): named groups of a company's assets. An asset
 * may sit in any number of projects; `project_assets` is read both ways
 * (a project's assets by the primary key, an asset's projects for
 * Asset.projects by asset_handle). Names are unique per company, compared
 * the way IPS compares names (name_key).
 */
export function projects(kind: DatabaseKind): Migration {
  void kind;
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('projects')
        .addColumn('project_handle', 'varchar(400)', (c) => c.primaryKey())
        .addColumn('company_handle', 'varchar(64)', (c) => c.notNull().references('companies.company_handle'))
        .addColumn('name', 'varchar(256)', (c) => c.notNull())
        .addColumn('name_key', 'varchar(256)', (c) => c.notNull())
        .addColumn('created', 'varchar(40)', (c) => c.notNull())
        .addColumn('last_modified', 'varchar(40)', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('projects_company_name').unique().on('projects').columns(['company_handle', 'name_key']).execute();
      await db.schema
        .createTable('project_assets')
        .addColumn('project_handle', 'varchar(400)', (c) => c.notNull().references('projects.project_handle').onDelete('cascade'))
        .addColumn('asset_handle', 'varchar(64)', (c) => c.notNull())
        .addColumn('added', 'varchar(40)', (c) => c.notNull())
        .addPrimaryKeyConstraint('project_assets_pk', ['project_handle', 'asset_handle'])
        .execute();
      await db.schema.createIndex('project_assets_asset').on('project_assets').columns(['asset_handle']).execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('project_assets').execute();
      await db.schema.dropTable('projects').execute();
    },
  };
}
