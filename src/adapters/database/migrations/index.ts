import type { Migration } from 'kysely';
import type { DatabaseKind } from '../database-kind.js';
import { folders } from './0017_folders.js';
import { assetLifecycle } from './0018_asset_lifecycle.js';
import { accounts } from './0019_accounts.js';
import { assetTypes } from './0020_asset_types.js';
import { metadata } from './0021_metadata.js';
import { projects } from './0022_projects.js';
import { companyRoots } from './0023_company_roots.js';
import { loginFailures } from './0024_login_failures.js';
import { itemServerName } from './0025_item_server_name.js';
import { consoleSessions } from './0026_console_sessions.js';
import { assetFolderCover } from './0027_asset_folder_cover.js';
import { itemPayload } from './0028_item_payload.js';

/**
 * Migrations after 0016, one file per migration in this folder (named like
 * its key, e.g. 0017_folders.ts exporting `(kind) => Migration`), so the
 * catalog's history stays readable and no file grows without bound. Kysely
 * applies them in key order after those in ../migrations.ts.
 */
export function laterMigrations(kind: DatabaseKind): Record<string, Migration> {
  return {
    '0017_folders': folders(kind),
    '0018_asset_lifecycle': assetLifecycle(kind),
    '0019_accounts': accounts(kind),
    '0020_asset_types': assetTypes(kind),
    '0021_metadata': metadata(kind),
    '0022_projects': projects(kind),
    '0023_company_roots': companyRoots(kind),
    '0024_login_failures': loginFailures(kind),
    '0025_item_server_name': itemServerName(kind),
    '0026_console_sessions': consoleSessions(kind),
    '0027_asset_folder_cover': assetFolderCover(kind),
    '0028_item_payload': itemPayload(kind),
  };
}
