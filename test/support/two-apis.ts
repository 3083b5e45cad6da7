import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { JobGateway } from '../../src/adapters/temporal/job.gateway.js';
import { type AppContext, createAppContext } from '../../src/app/context.js';
import { createHttpApp } from '../../src/app/http-app.js';
import { createLogger } from '../../src/adapters/logging/logger.js';
import type { AppConfig } from '../../src/config/config.js';
import { ADMIN, type Harness, basic } from './harness.js';

export interface SecondApi {
  ctx: AppContext;
  baseUrl: string;
  api<T = any>(operation: string, body: unknown, who?: { email: string; password: string } | null): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

/**
 * A second API replica beside a harness's, as on another machine: its own
 * process state (application context, caches, throttle) and its own data
 * directory, sharing with the first only what replicas share in production:
 * the catalog database, the stored files (the same local root or S3 bucket),
 * Temporal (the same task queue, so the harness's worker runs its jobs) and
 * SECRETS_KEY (set here to the key the first made, as a deployment configures
 * one for all its processes).
 */
export async function startSecondApi(h: Harness): Promise<SecondApi> {
  const first = h.ctx.config;
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-it-api2-'));
  const secretsKey = first.secretsKey ?? (await fs.readFile(path.join(first.dataDir, 'secrets.key'), 'utf8')).trim();
  const config: AppConfig = {
    ...first,
    dataDir,
    secretsKey,
    // On S3 the root is this machine's local cache of objects; on local disk it stands in for the shared store.
    storage: first.storage.driver === 's3' ? { ...first.storage, root: path.join(dataDir, 's3-cache') } : first.storage,
    mail: { ...first.mail, outboxDir: path.join(dataDir, 'outbox') },
  };
  const ctx = await createAppContext(config, createLogger('silent'));
  const app: NestExpressApplication = await createHttpApp(ctx, new JobGateway(h.client, first.temporal.taskQueue));
  await app.listen(0, '127.0.0.1');
  const baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return {
    ctx,
    baseUrl,
    async api(operation, body, who = ADMIN) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (who) headers.authorization = basic(who);
      const res = await fetch(`${baseUrl}/api/${operation}`, { method: 'POST', headers, body: JSON.stringify(body) });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
    async close() {
      await app.close();
      await ctx.close();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}
