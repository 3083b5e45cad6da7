import type { Db } from '../database/database.js';

/** One publish context an asset is published to: when, and by which job. */
export interface PublicationEntry {
  /** ImageServing | ImageRendering | ServerDirectory | Video */
  context: string;
  publishedAt: string;
  jobHandle: string;
  /** the worker that ran the job (its log's JobClient row); null when the job left none */
  serverName: string | null;
}

/** The job-log row naming the worker a job ran on (JobBookkeeping.begin). */
const JOB_CLIENT = 'JobClient';

/**
 * getAssetPublishHistory's reads: what each publish context currently holds
 * for an asset (Image Serving's record and the file contexts' records) and
 * the worker each publishing job ran on. A few rows per asset, by primary
 * key or indexed columns.
 */
export class PublishHistoryRepository {
  constructor(private readonly db: Db) {}

  async entries(companyHandle: string, assetHandle: string): Promise<PublicationEntry[]> {
    const served = await this.db
      .selectFrom('is_published_assets')
      .select(['published_at', 'job_handle'])
      .where('company_handle', '=', companyHandle)
      .where('asset_handle', '=', assetHandle)
      .execute();
    const files = await this.db
      .selectFrom('context_published_assets')
      .select(['context', 'published_at', 'job_handle'])
      .where('company_handle', '=', companyHandle)
      .where('asset_handle', '=', assetHandle)
      .execute();
    const rows = [...served.map((r) => ({ ...r, context: 'ImageServing' })), ...files];
    const servers = await this.serverNames(rows.map((r) => r.job_handle));
    return rows.map((r) => ({ context: r.context, publishedAt: r.published_at, jobHandle: r.job_handle, serverName: servers.get(r.job_handle) ?? null }));
  }

  private async serverNames(jobHandles: readonly string[]): Promise<Map<string, string>> {
    const unique = [...new Set(jobHandles)];
    if (unique.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('job_log_details')
      .select(['job_handle', 'message_args'])
      .where('job_handle', 'in', unique)
      .where('log_type', '=', JOB_CLIENT)
      .execute();
    const names = new Map<string, string>();
    for (const row of rows) {
      const value = (JSON.parse(row.message_args) as { value?: unknown }).value;
      if (typeof value === 'string' && value) names.set(row.job_handle, value);
    }
    return names;
  }
}
