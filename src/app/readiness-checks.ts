import { Readable } from 'node:stream';
import { pingDatabase } from '../adapters/database/database-ping.js';
import type { JobGateway } from '../adapters/temporal/job.gateway.js';
import { randomId } from '../domain/handles.js';
import type { ReadinessChecks } from '../services/observability/readiness.service.js';
import type { AppContext } from './context.js';

/** Folder of the probe files /ready writes and removes again; no asset key starts with a dot. */
const PROBE_PREFIX = '.ready-probe';

/** What /ready checks in this process: the catalog, a write to the storage root, the Temporal namespace. */
export function readinessChecks(ctx: AppContext, jobs: JobGateway): ReadinessChecks {
  return {
    database: () => pingDatabase(ctx.database.db),
    // Through the driver's own write path (temp file, fsync, rename), the way uploads are written.
    storage: async () => {
      const key = `${PROBE_PREFIX}/${ctx.serverName}-${randomId(8)}`;
      try {
        await ctx.storage.putStream(key, Readable.from([Buffer.from('ready')]));
      } finally {
        await ctx.storage.delete(key).catch(() => undefined);
      }
    },
    temporal: () => jobs.ping(),
  };
}
