import type { Db } from '../database/database.js';
import { nameKey } from '../../domain/handles.js';
import type { CompanyTable, FolderTable } from '../database/tables.js';
import { systemMetadataFieldRows } from './metadata.repository.js';

export type CompanyRow = CompanyTable;

export class CompanyRepository {
  constructor(private readonly db: Db) {}

  /**
   * A new company comes with its root folder (docs/folders.md) and the system
   * metadata fields every company has (docs/metadata.md#system-fields).
   */
  async insert(row: CompanyRow): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx.insertInto('companies').values(row).execute();
      await tx.insertInto('folders').values(companyRootFolder(row)).execute();
      await tx.insertInto('metadata_fields').values(systemMetadataFieldRows(row.company_handle, row.created_at)).execute();
    });
  }

  findByHandle(handle: string): Promise<CompanyRow | undefined> {
    return this.db.selectFrom('companies').selectAll().where('company_handle', '=', handle).executeTakeFirst();
  }

  /** The company's callback signing secret, created once (first writer wins under concurrency). */
  async callbackSecret(handle: string, fresh: () => string): Promise<string> {
    await this.db
      .updateTable('companies')
      .set({ callback_secret: fresh() })
      .where('company_handle', '=', handle)
      .where('callback_secret', 'is', null)
      .execute();
    const row = await this.db.selectFrom('companies').select('callback_secret').where('company_handle', '=', handle).executeTakeFirst();
    if (!row?.callback_secret) throw new Error(`no company ${handle}`);
    return row.callback_secret;
  }

  /** The CompanySettings this server keeps (setCompanySettings). */
  async updateSettings(handle: string, settings: Partial<Pick<CompanyRow, 'retain_publish_state'>>): Promise<void> {
    if (Object.keys(settings).length === 0) return;
    await this.db.updateTable('companies').set(settings).where('company_handle', '=', handle).execute();
  }

  findByNameKey(nameKey: string): Promise<CompanyRow | undefined> {
    return this.db.selectFrom('companies').selectAll().where('name_key', '=', nameKey).executeTakeFirst();
  }

  /** By root path (`<rootId>/`), compared exactly: Image Serving's rootId is case-sensitive (docs/jobs/image-serving-publish.md#delivery-isimage). */
  findByRootPath(rootPath: string): Promise<CompanyRow | undefined> {
    return this.db.selectFrom('companies').selectAll().where('root_path', '=', rootPath).executeTakeFirst();
  }

  findByImsOrgId(imsOrgId: string): Promise<CompanyRow | undefined> {
    return this.db.selectFrom('companies').selectAll().where('ims_org_id', '=', imsOrgId).executeTakeFirst();
  }

  list(opts: { includeExpiredBefore?: string; handles?: readonly string[] }): Promise<CompanyRow[]> {
    let q = this.db.selectFrom('companies').selectAll().orderBy('name_key');
    if (opts.handles) {
      if (opts.handles.length === 0) return Promise.resolve([]);
      q = q.where('company_handle', 'in', opts.handles);
    }
    if (opts.includeExpiredBefore) {
      const now = opts.includeExpiredBefore;
      q = q.where((eb) => eb.or([eb('expires', 'is', null), eb('expires', '>', now)]));
    }
    return q.execute();
  }
}

/** The folder row of a company's root (`MyCompany/`), made with the company. */
export function companyRootFolder(company: Pick<CompanyRow, 'company_handle' | 'root_path' | 'created_at'>): FolderTable {
  return {
    company_handle: company.company_handle,
    path_key: nameKey(company.root_path),
    path: company.root_path,
    parent_key: null,
    created: company.created_at,
    last_modified: company.created_at,
  };
}
