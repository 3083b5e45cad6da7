import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import type { DatabaseKind } from './database-kind.js';
import { laterMigrations } from './migrations/index.js';

/**
 * Schema migrations, in code so they ship with the build. One schema for both
 * engines; the only dialect difference is the auto-increment key type.
 */
function migrations(kind: DatabaseKind): Record<string, Migration> {
  const serial = kind === 'postgres' ? 'serial' : 'integer';
  return {
    '0001_catalog': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('companies')
          .addColumn('company_handle', 'varchar(64)', (c) => c.primaryKey())
          .addColumn('name', 'varchar(256)', (c) => c.notNull())
          .addColumn('name_key', 'varchar(256)', (c) => c.notNull().unique())
          .addColumn('root_path', 'varchar(300)', (c) => c.notNull())
          .addColumn('expires', 'varchar(40)')
          .addColumn('ims_org_id', 'varchar(256)')
          .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('users')
          .addColumn('user_handle', 'varchar(400)', (c) => c.primaryKey())
          .addColumn('email', 'varchar(320)', (c) => c.notNull().unique())
          .addColumn('first_name', 'varchar(128)', (c) => c.notNull())
          .addColumn('last_name', 'varchar(128)', (c) => c.notNull())
          .addColumn('password_hash', 'varchar(512)', (c) => c.notNull())
          .addColumn('password_expires', 'varchar(40)')
          .addColumn('is_valid', 'integer', (c) => c.notNull())
          .addColumn('is_ips_admin', 'integer', (c) => c.notNull())
          .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('memberships')
          .addColumn('user_handle', 'varchar(400)', (c) => c.notNull().references('users.user_handle'))
          .addColumn('company_handle', 'varchar(64)', (c) => c.notNull().references('companies.company_handle'))
          .addColumn('role', 'varchar(40)', (c) => c.notNull())
          .addColumn('is_active', 'integer', (c) => c.notNull())
          .addPrimaryKeyConstraint('memberships_pk', ['user_handle', 'company_handle'])
          .execute();
        await db.schema
          .createTable('assets')
          .addColumn('asset_handle', 'varchar(64)', (c) => c.primaryKey())
          .addColumn('company_handle', 'varchar(64)', (c) => c.notNull().references('companies.company_handle'))
          .addColumn('type', 'varchar(40)', (c) => c.notNull())
          .addColumn('sub_type', 'varchar(40)')
          .addColumn('name', 'varchar(512)', (c) => c.notNull())
          .addColumn('name_key', 'varchar(512)', (c) => c.notNull())
          .addColumn('file_name', 'varchar(512)', (c) => c.notNull())
          .addColumn('folder', 'varchar(1024)', (c) => c.notNull())
          .addColumn('ready_for_publish', 'integer', (c) => c.notNull())
          .addColumn('trash_state', 'varchar(20)', (c) => c.notNull())
          .addColumn('created', 'varchar(40)', (c) => c.notNull())
          .addColumn('create_user', 'varchar(320)')
          .addColumn('last_modified', 'varchar(40)', (c) => c.notNull())
          .addColumn('last_modify_user', 'varchar(320)')
          .addColumn('format', 'varchar(20)', (c) => c.notNull())
          .addColumn('original_key', 'varchar(2048)', (c) => c.notNull())
          .addColumn('file_size', 'bigint', (c) => c.notNull())
          .addColumn('sha256', 'varchar(64)', (c) => c.notNull())
          .addColumn('optimized_key', 'varchar(2048)')
          .addColumn('mask_key', 'varchar(2048)')
          .addColumn('width', 'integer')
          .addColumn('height', 'integer')
          .addColumn('resolution', 'double precision')
          .addColumn('version', 'integer', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('assets_company_name').on('assets').columns(['company_handle', 'name_key']).execute();
        await db.schema.createIndex('assets_company_folder').on('assets').columns(['company_handle', 'folder']).execute();
        await db.schema
          .createTable('image_formats')
          .addColumn('image_format_handle', 'varchar(64)', (c) => c.primaryKey())
          .addColumn('company_handle', 'varchar(64)', (c) => c.notNull().references('companies.company_handle'))
          .addColumn('name', 'varchar(128)', (c) => c.notNull())
          .addColumn('name_key', 'varchar(128)', (c) => c.notNull())
          .addColumn('url_modifier', 'varchar(600)', (c) => c.notNull())
          .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
          .addColumn('updated_at', 'varchar(40)', (c) => c.notNull())
          .addUniqueConstraint('image_formats_company_name', ['company_handle', 'name_key'])
          .execute();
        await db.schema
          .createTable('job_logs')
          .addColumn('job_handle', 'varchar(400)', (c) => c.primaryKey())
          .addColumn('company_handle', 'varchar(64)', (c) => c.notNull())
          .addColumn('job_type', 'varchar(64)', (c) => c.notNull())
          .addColumn('job_name', 'varchar(400)', (c) => c.notNull())
          .addColumn('original_job_name', 'varchar(300)', (c) => c.notNull())
          .addColumn('submit_user_email', 'varchar(320)', (c) => c.notNull())
          .addColumn('submit_user_handle', 'varchar(400)', (c) => c.notNull())
          .addColumn('locale', 'varchar(10)')
          .addColumn('description', 'text')
          .addColumn('log_type', 'varchar(64)', (c) => c.notNull())
          .addColumn('job_sub_type', 'varchar(32)', (c) => c.notNull())
          .addColumn('start_date', 'varchar(40)', (c) => c.notNull())
          .addColumn('end_date', 'varchar(40)')
          .addColumn('file_success_count', 'integer', (c) => c.notNull())
          .addColumn('file_error_count', 'integer', (c) => c.notNull())
          .addColumn('file_warning_count', 'integer', (c) => c.notNull())
          .addColumn('file_duplicate_count', 'integer', (c) => c.notNull())
          .addColumn('file_update_count', 'integer', (c) => c.notNull())
          .addColumn('total_file_count', 'integer', (c) => c.notNull())
          .addColumn('transfer_success_count', 'integer', (c) => c.notNull())
          .addColumn('transfer_error_count', 'integer', (c) => c.notNull())
          .addColumn('transfer_warning_count', 'integer', (c) => c.notNull())
          .addColumn('fatal_error', 'integer', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('job_logs_company_start').on('job_logs').columns(['company_handle', 'start_date']).execute();
        await db.schema
          .createTable('job_log_details')
          .addColumn('id', serial, (c) => c.primaryKey().$call((b) => (kind === 'sqlite' ? b.autoIncrement() : b)))
          .addColumn('job_handle', 'varchar(400)', (c) => c.notNull())
          .addColumn('company_handle', 'varchar(64)', (c) => c.notNull())
          .addColumn('log_type', 'varchar(64)', (c) => c.notNull())
          .addColumn('message_key', 'varchar(64)', (c) => c.notNull())
          .addColumn('message_args', 'text', (c) => c.notNull())
          .addColumn('asset_name', 'varchar(2048)')
          .addColumn('asset_type', 'varchar(40)')
          .addColumn('asset_handle', 'varchar(64)')
          .addColumn('date_created', 'varchar(40)', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('job_log_details_job').on('job_log_details').columns(['job_handle', 'id']).execute();
        await db.schema.createIndex('job_log_details_asset').on('job_log_details').columns(['asset_handle']).execute();
        await db.schema
          .createTable('job_items')
          .addColumn('job_handle', 'varchar(400)', (c) => c.notNull())
          .addColumn('item_id', 'varchar(128)', (c) => c.notNull())
          .addColumn('status', 'varchar(20)', (c) => c.notNull())
          .addColumn('asset_handle', 'varchar(64)')
          .addColumn('reason', 'text')
          .addColumn('updated_at', 'varchar(40)', (c) => c.notNull())
          .addPrimaryKeyConstraint('job_items_pk', ['job_handle', 'item_id'])
          .execute();
      },
    },
    '0002_optimizer_version': {
      // Which optimiser built an asset's pyramid TIFF; OptimizeImagesJob redoes older ones.
      async up(db: Kysely<unknown>) {
        await db.schema
          .alterTable('assets')
          .addColumn('optimizer_version', 'integer', (c) => c.notNull().defaultTo(0))
          .execute();
        await db.schema.createIndex('job_log_details_company_asset').on('job_log_details').columns(['company_handle', 'asset_handle']).execute();
      },
    },
    '0003_crop': {
      // The crop applied to an asset (JSON box), kept so a later reprocess can preserve it.
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable('assets').addColumn('crop_json', 'text').execute();
      },
    },
    '0004_publications': {
      // Which assets are published to which publish context, and by which job.
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('asset_publications')
          .addColumn('asset_handle', 'varchar(64)', (c) => c.notNull())
          .addColumn('context', 'varchar(40)', (c) => c.notNull())
          .addColumn('company_handle', 'varchar(64)', (c) => c.notNull())
          .addColumn('job_handle', 'varchar(400)', (c) => c.notNull())
          .addColumn('published_at', 'varchar(40)', (c) => c.notNull())
          .addPrimaryKeyConstraint('asset_publications_pk', ['asset_handle', 'context'])
          .execute();
      },
    },
    '0005_callback_secret': {
      // Per-company HMAC key for signed postHttpUrl callbacks (created on first use).
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable('companies').addColumn('callback_secret', 'varchar(128)').execute();
      },
    },
    '0006_derivations': {
      // Assets made from another asset (ripped pages of a PDF, layers of a PSD): IPS "byproducts".
      // Sets (an eCatalog of page images) list their members in order.
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('asset_derivations')
          .addColumn('asset_handle', 'varchar(64)', (c) => c.primaryKey())
          .addColumn('company_handle', 'varchar(64)', (c) => c.notNull())
          .addColumn('source_handle', 'varchar(64)', (c) => c.notNull())
          .addColumn('engine', 'varchar(40)', (c) => c.notNull())
          .addColumn('position', 'integer', (c) => c.notNull())
          .addColumn('job_handle', 'varchar(400)', (c) => c.notNull())
          .addColumn('data_json', 'text')
          .execute();
        await db.schema.createIndex('asset_derivations_source').on('asset_derivations').columns(['source_handle', 'engine', 'position']).execute();
        await db.schema
          .createTable('asset_set_members')
          .addColumn('set_handle', 'varchar(64)', (c) => c.notNull())
          .addColumn('position', 'integer', (c) => c.notNull())
          .addColumn('member_handle', 'varchar(64)', (c) => c.notNull())
          .addPrimaryKeyConstraint('asset_set_members_pk', ['set_handle', 'position'])
          .execute();
      },
    },
    '0008_is_publish': {
      // What the company's Image Serving context serves (one context per company): a record per published
      // name, pointing at storage keys of its own (published/…), and the image presets as of the last publish.
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('is_published_assets')
          .addColumn('company_handle', 'varchar(64)', (c) => c.notNull())
          .addColumn('name_key', 'varchar(512)', (c) => c.notNull())
          .addColumn('name', 'varchar(512)', (c) => c.notNull())
          .addColumn('asset_handle', 'varchar(64)', (c) => c.notNull())
          .addColumn('kind', 'varchar(20)', (c) => c.notNull())
          .addColumn('asset_type', 'varchar(40)', (c) => c.notNull())
          .addColumn('image_key', 'varchar(2048)')
          .addColumn('mask_key', 'varchar(2048)')
          .addColumn('source_key', 'varchar(2048)')
          .addColumn('source_mask_key', 'varchar(2048)')
          .addColumn('sha256', 'varchar(64)', (c) => c.notNull())
          .addColumn('version', 'integer', (c) => c.notNull())
          .addColumn('source_modified', 'varchar(40)', (c) => c.notNull())
          .addColumn('width', 'integer')
          .addColumn('height', 'integer')
          .addColumn('members_json', 'text')
          .addColumn('etag', 'varchar(64)', (c) => c.notNull())
          .addColumn('published_at', 'varchar(40)', (c) => c.notNull())
          .addColumn('job_handle', 'varchar(400)', (c) => c.notNull())
          .addPrimaryKeyConstraint('is_published_assets_pk', ['company_handle', 'name_key'])
          .execute();
        await db.schema.createIndex('is_published_assets_asset').on('is_published_assets').columns(['company_handle', 'asset_handle']).execute();
        await db.schema
          .createTable('is_published_macros')
          .addColumn('company_handle', 'varchar(64)', (c) => c.notNull())
          .addColumn('name_key', 'varchar(128)', (c) => c.notNull())
          .addColumn('name', 'varchar(128)', (c) => c.notNull())
          .addColumn('url_modifier', 'varchar(600)', (c) => c.notNull())
          .addColumn('published_at', 'varchar(40)', (c) => c.notNull())
          .addColumn('job_handle', 'varchar(400)', (c) => c.notNull())
          .addPrimaryKeyConstraint('is_published_macros_pk', ['company_handle', 'name_key'])
          .execute();
      },
    },
    '0010_set_scripts': {
      // Automated set-generation scripts (IPS autoSetsArray "PropertySets", DMC batch set presets) and the sets they make.
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('set_scripts')
          .addColumn('script_handle', 'varchar(64)', (c) => c.primaryKey())
          .addColumn('company_handle', 'varchar(64)', (c) => c.notNull())
          .addColumn('name', 'varchar(128)', (c) => c.notNull())
          .addColumn('name_key', 'varchar(128)', (c) => c.notNull())
          .addColumn('set_type', 'varchar(40)', (c) => c.notNull())
          .addColumn('member_pattern', 'varchar(200)', (c) => c.notNull())
          .addColumn('swatch_pattern', 'varchar(200)')
          .addColumn('set_name_template', 'varchar(200)', (c) => c.notNull())
          .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
          .addColumn('updated_at', 'varchar(40)', (c) => c.notNull())
          .addUniqueConstraint('set_scripts_company_name', ['company_handle', 'name_key'])
          .execute();
        await db.schema
          .createTable('asset_sets')
          .addColumn('set_handle', 'varchar(64)', (c) => c.primaryKey())
          .addColumn('company_handle', 'varchar(64)', (c) => c.notNull())
          .addColumn('set_type', 'varchar(40)', (c) => c.notNull())
          .addColumn('definition', 'text', (c) => c.notNull())
          .addColumn('swatch_handle', 'varchar(64)')
          .addColumn('script_handle', 'varchar(64)')
          .execute();
      },
    },
    '0011_video': {
      // Facts about video assets (masters and their encodings) that the assets table has no columns for;
      // the thumbnail is the asset's optimized_key, an encoding's MP4 its original_key.
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('video_info')
          .addColumn('asset_handle', 'varchar(64)', (c) => c.primaryKey())
          .addColumn('company_handle', 'varchar(64)', (c) => c.notNull())
          .addColumn('duration_ms', 'integer', (c) => c.notNull())
          .addColumn('width', 'integer', (c) => c.notNull())
          .addColumn('height', 'integer', (c) => c.notNull())
          .addColumn('video_codec', 'varchar(40)', (c) => c.notNull())
          .addColumn('audio_codec', 'varchar(40)')
          .addColumn('frame_rate', 'double precision', (c) => c.notNull())
          .addColumn('bitrate', 'integer', (c) => c.notNull())
          .addColumn('thumbnail_time_ms', 'integer')
          .addColumn('encoded_key', 'varchar(2048)')
          .execute();
      },
    },
    '0012_publish_contexts': {
      // The Image Rendering, Server Directory (and Video) publish contexts: what each one holds per asset,
      // the files publish jobs wrote under SERVER_PUBLISH_ROOT (who owns each path), and published documents (metadata).
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('context_published_assets')
          .addColumn('company_handle', 'varchar(64)', (c) => c.notNull())
          .addColumn('context', 'varchar(40)', (c) => c.notNull())
          .addColumn('asset_handle', 'varchar(64)', (c) => c.notNull())
          .addColumn('name', 'varchar(512)', (c) => c.notNull())
          .addColumn('name_key', 'varchar(512)', (c) => c.notNull())
          .addColumn('asset_type', 'varchar(40)', (c) => c.notNull())
          .addColumn('version', 'integer', (c) => c.notNull())
          .addColumn('sha256', 'varchar(64)', (c) => c.notNull())
          .addColumn('source_key', 'varchar(2048)')
          .addColumn('source_modified', 'varchar(40)', (c) => c.notNull())
          .addColumn('files_json', 'text')
          .addColumn('media_key', 'varchar(2048)')
          .addColumn('thumbnail_key', 'varchar(2048)')
          .addColumn('published_at', 'varchar(40)', (c) => c.notNull())
          .addColumn('job_handle', 'varchar(400)', (c) => c.notNull())
          .addPrimaryKeyConstraint('context_published_assets_pk', ['company_handle', 'context', 'asset_handle'])
          .execute();
        await db.schema
          .createIndex('context_published_assets_name')
          .on('context_published_assets')
          .columns(['company_handle', 'context', 'name_key'])
          .execute();
        await db.schema
          .createTable('publish_directory_files')
          .addColumn('path', 'varchar(4096)', (c) => c.primaryKey())
          .addColumn('company_handle', 'varchar(64)', (c) => c.notNull())
          .addColumn('context', 'varchar(40)', (c) => c.notNull())
          .addColumn('owner', 'varchar(64)', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('publish_directory_files_owner').on('publish_directory_files').columns(['company_handle', 'owner']).execute();
        await db.schema
          .createTable('context_published_documents')
          .addColumn('company_handle', 'varchar(64)', (c) => c.notNull())
          .addColumn('context', 'varchar(40)', (c) => c.notNull())
          .addColumn('sha256', 'varchar(64)', (c) => c.notNull())
          .addColumn('path', 'varchar(4096)', (c) => c.notNull())
          .addColumn('entries', 'integer', (c) => c.notNull())
          .addColumn('published_at', 'varchar(40)', (c) => c.notNull())
          .addColumn('job_handle', 'varchar(400)', (c) => c.notNull())
          .addPrimaryKeyConstraint('context_published_documents_pk', ['company_handle', 'context'])
          .execute();
      },
    },
    '0013_sealed_values': {
      async up(db: Kysely<unknown>) {
        // URL secrets (callback and download URLs' query strings) sealed with a key kept outside the database.
        await db.schema
          .createTable('sealed_values')
          .addColumn('seal_id', 'varchar(64)', (c) => c.primaryKey())
          .addColumn('company_handle', 'varchar(64)', (c) => c.notNull())
          .addColumn('sealed', 'text', (c) => c.notNull())
          .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
          .execute();
      },
    },
    '0014_company_settings': {
      // CompanySettings.retainPublishState (getCompanySettings / setCompanySettings): what a job's absent
      // preservePublishState means. Off unless an admin sets it (no IPS source gives another default).
      async up(db: Kysely<unknown>) {
        await db.schema
          .alterTable('companies')
          .addColumn('retain_publish_state', 'integer', (c) => c.notNull().defaultTo(0))
          .execute();
      },
    },
    '0016_item_progress': {
      // Where each asset in flight is (step, fraction): upserted by the worker, read by getActiveJobs in the API,
      // the two processes' only common ground. Rows live only while their item runs (removed when it ends and with the job).
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('job_item_progress')
          .addColumn('job_handle', 'varchar(400)', (c) => c.notNull())
          .addColumn('item_id', 'varchar(400)', (c) => c.notNull())
          .addColumn('item_name', 'text', (c) => c.notNull())
          .addColumn('step', 'varchar(40)', (c) => c.notNull())
          .addColumn('message', 'text', (c) => c.notNull())
          .addColumn('fraction', 'double precision', (c) => c.notNull())
          .addColumn('updated_at', 'varchar(40)', (c) => c.notNull())
          .addPrimaryKeyConstraint('job_item_progress_pk', ['job_handle', 'item_id'])
          .execute();
      },
    },
    ...laterMigrations(kind),
  };
}

export async function migrateToLatest(db: Kysely<unknown>, kind: DatabaseKind): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => migrations(kind) };
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`Database migration ${failed?.migrationName ?? ''} failed: ${String(error)}`);
  }
}
