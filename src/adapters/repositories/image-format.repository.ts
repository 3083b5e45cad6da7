import type { Db } from '../database/database.js';
import type { ImageFormatTable } from '../database/tables.js';

export type ImageFormatRow = ImageFormatTable;

export class ImageFormatRepository {
  constructor(private readonly db: Db) {}

  list(companyHandle: string): Promise<ImageFormatRow[]> {
    return this.db.selectFrom('image_formats').selectAll().where('company_handle', '=', companyHandle).orderBy('name_key').execute();
  }

  findByHandle(companyHandle: string, handle: string): Promise<ImageFormatRow | undefined> {
    return this.db
      .selectFrom('image_formats')
      .selectAll()
      .where('company_handle', '=', companyHandle)
      .where('image_format_handle', '=', handle)
      .executeTakeFirst();
  }

  findByNameKey(companyHandle: string, nameKey: string): Promise<ImageFormatRow | undefined> {
    return this.db.selectFrom('image_formats').selectAll().where('company_handle', '=', companyHandle).where('name_key', '=', nameKey).executeTakeFirst();
  }

  async insert(row: ImageFormatRow): Promise<void> {
    await this.db.insertInto('image_formats').values(row).execute();
  }

  async update(handle: string, changes: Pick<ImageFormatRow, 'name' | 'name_key' | 'url_modifier' | 'updated_at'>): Promise<void> {
    await this.db.updateTable('image_formats').set(changes).where('image_format_handle', '=', handle).execute();
  }

  async delete(companyHandle: string, handle: string): Promise<number> {
    const r = await this.db
      .deleteFrom('image_formats')
      .where('company_handle', '=', companyHandle)
      .where('image_format_handle', '=', handle)
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
