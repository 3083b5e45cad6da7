import type { Db } from '../database/database.js';

/** Publish state per publish context (ImageServing, ImageRendering, Video). */
export class PublicationRepository {
  constructor(private readonly db: Db) {}

  async markPublished(companyHandle: string, context: string, jobHandle: string, assetHandles: readonly string[], at: string): Promise<void> {
    if (assetHandles.length === 0) return;
    await this.db
      .insertInto('asset_publications')
      .values(assetHandles.map((a) => ({ asset_handle: a, context, company_handle: companyHandle, job_handle: jobHandle, published_at: at })))
      .onConflict((oc) => oc.columns(['asset_handle', 'context']).doUpdateSet((eb) => ({ job_handle: eb.ref('excluded.job_handle'), published_at: eb.ref('excluded.published_at') })))
      .execute();
  }

  list(companyHandle: string, context: string) {
    return this.db.selectFrom('asset_publications').selectAll().where('company_handle', '=', companyHandle).where('context', '=', context).orderBy('asset_handle').execute();
  }
}
