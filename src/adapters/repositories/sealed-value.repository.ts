import type { Db } from '../database/database.js';

/** Sealed secrets by id, scoped to their company. */
export class SealedValueRepository {
  constructor(private readonly db: Db) {}

  async insert(row: { seal_id: string; company_handle: string; sealed: string; created_at: string }): Promise<void> {
    await this.db.insertInto('sealed_values').values(row).execute();
  }

  async find(companyHandle: string, sealId: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('sealed_values')
      .select('sealed')
      .where('seal_id', '=', sealId)
      .where('company_handle', '=', companyHandle)
      .executeTakeFirst();
    return row?.sealed;
  }
}
