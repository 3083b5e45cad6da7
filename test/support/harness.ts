import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { DefaultLogger, Runtime, type Worker } from '@temporalio/worker';
import pg from 'pg';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { JobGateway } from '../../src/adapters/temporal/job.gateway.js';
import { connectTemporal, ensureSearchAttributes, temporalClient } from '../../src/adapters/temporal/temporal-connection.js';
import { createHttpApp } from '../../src/app/http-app.js';
import { ensureAdmin } from '../../src/app/bootstrap-admin.js';
import { type AppContext, createAppContext } from '../../src/app/context.js';
import type { StorageDriver } from '../../src/adapters/storage/storage.driver.js';
import { type Logger, createLogger } from '../../src/adapters/logging/logger.js';
import { loadConfig } from '../../src/config/config.js';
import { randomId } from '../../src/domain/handles.js';
import { createWorker } from '../../src/worker/worker.js';
import { type UploadFile, uploadPost } from './fixtures.js';

export const ADMIN = { email: 'admin@test.local', password: 'Admin-Pass-1' };

export interface Harness {
  ctx: AppContext;
  client: Client;
  baseUrl: string;
  dbKind: 'sqlite' | 'postgres';
  api<T = any>(operation: string, body: unknown, who?: { email: string; password: string } | null): Promise<{ status: number; body: T }>;
  /** Drains and stops the worker (jobs keep running in Temporal, waiting for one). */
  stopWorker(): Promise<void>;
  startWorker(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A complete service for one test file on real parts: the shared Temporal dev
 * server, a fresh database (SQLite file or a new PostgreSQL database, by
 * IPS_TEST_DB), a temp storage root, a worker on its own task queue and the
 * HTTP API on a free port.
 */
let runtimeInstalled = false;

/**
 * options.logger: where the service logs (silent unless a test captures it).
 * options.storageWrapper: wraps the configured storage driver before any service sees it (a driver failing a chosen write).
 */
export async function startHarness(
  env: Record<string, string> = {},
  options: { logger?: Logger; storageWrapper?: (storage: StorageDriver) => StorageDriver } = {},
): Promise<Harness> {
  if (!runtimeInstalled) {
    // Worker state changes at INFO would drown the test output; warnings and errors still show.
    Runtime.install({ logger: new DefaultLogger('WARN') });
    runtimeInstalled = true;
  }
  const address = process.env.IPS_TEST_TEMPORAL;
  if (!address) throw new Error('IPS_TEST_TEMPORAL is not set: run the tests through vitest (test/global-setup.ts)');
  const dbKind = (process.env.IPS_TEST_DB ?? 'sqlite') as 'sqlite' | 'postgres';
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-it-'));
  const database = dbKind === 'postgres' ? await createPgDatabase() : { url: `sqlite:${path.join(dataDir, 'ips.db')}`, drop: async () => undefined };
  const taskQueue = `test-${randomId(8)}`;
  const config = loadConfig({
    ...s3StorageEnv(),
    DATA_DIR: dataDir,
    DATABASE_URL: database.url,
    TEMPORAL_ADDRESS: address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    IPS_ADMIN_EMAIL: ADMIN.email,
    IPS_ADMIN_PASSWORD: ADMIN.password,
    LOG_LEVEL: 'silent',
    // Other tests send many deliberate wrong passwords from one address; the login throttle's own tests pass small limits.
    AUTH_MAX_FAILURES: '1000000',
    ...env,
  });
  const ctx = await createAppContext(config, options.logger ?? createLogger('silent'), { storageWrapper: options.storageWrapper });
  await ensureAdmin(ctx);
  const connection = await connectTemporal(address);
  await ensureSearchAttributes(connection, config.temporal.namespace);
  const client = temporalClient(connection, config.temporal.namespace);
  const bundleFile = process.env.IPS_TEST_WORKFLOW_BUNDLE;
  const bundle = bundleFile ? { code: await fs.readFile(bundleFile, 'utf8') } : undefined;
  const startWorker = async () => {
    const created = await createWorker(ctx, { address, taskQueue, bundle: bundle as never });
    return { worker: created.worker, connection: created.connection, run: created.run() };
  };
  let current: { worker: Worker; connection: Awaited<ReturnType<typeof createWorker>>['connection']; run: Promise<void> } | undefined = await startWorker();
  const stopWorker = async () => {
    if (!current) return;
    if (current.worker.getState() === 'RUNNING') current.worker.shutdown();
    await current.run;
    await current.connection.close();
    current = undefined;
  };
  const app: NestExpressApplication = await createHttpApp(ctx, new JobGateway(client, taskQueue));
  await app.listen(0, '127.0.0.1');
  const url = await app.getUrl();
  const baseUrl = url.replace('[::1]', '127.0.0.1');

  return {
    ctx,
    client,
    baseUrl,
    dbKind,
    async api(operation, body, who = ADMIN) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (who) headers.authorization = basic(who);
      const res = await fetch(`${baseUrl}/api/${operation}`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
    async stopWorker() {
      await stopWorker();
    },
    async startWorker() {
      current ??= await startWorker();
    },
    async close() {
      await app.close();
      await stopWorker();
      await connection.close();
      await ctx.close();
      await database.drop();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * With IPS_TEST_STORAGE=s3 (the integration-s3 project) the service stores
 * every file in a fresh bucket on the SeaweedFS server scripts/test.sh starts.
 * The credentials go where the service's SDK default chain finds them (the
 * environment), never into its configuration, as in production.
 */
function s3StorageEnv(): Record<string, string> {
  if (process.env.IPS_TEST_STORAGE !== 's3') return {};
  const { TEST_S3_ENDPOINT: endpoint, TEST_S3_ACCESS_KEY_ID: keyId, TEST_S3_SECRET_ACCESS_KEY: secret } = process.env;
  if (!endpoint || !keyId || !secret) throw new Error('IPS_TEST_STORAGE=s3 needs TEST_S3_ENDPOINT and its TEST_S3_* credentials (scripts/test.sh sets them)');
  process.env.AWS_ACCESS_KEY_ID = keyId;
  process.env.AWS_SECRET_ACCESS_KEY = secret;
  return {
    STORAGE_DRIVER: 's3',
    S3_ENDPOINT: endpoint,
    S3_REGION: process.env.TEST_S3_REGION ?? 'us-east-1',
    S3_BUCKET: `ips-it-${Date.now()}-${randomId(6).toLowerCase()}`,
    S3_CREATE_BUCKET: 'true',
  };
}

export function basic(who: { email: string; password: string }): string {
  return `Basic ${Buffer.from(`${who.email}:${who.password}`).toString('base64')}`;
}

async function createPgDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error('IPS_TEST_DB=postgres needs TEST_DATABASE_URL (scripts/test.sh starts a PostgreSQL server and sets it)');
  const name = `ips_test_${randomId(10)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** Creates a company and a user with `role` in it; returns handles and credentials. */
export async function companyWithUser(h: Harness, companyName: string, role: string, email = `${randomId(6)}@${companyName.toLowerCase()}.test`) {
  const company = await h.api('addCompany', { companyName });
  if (company.status !== 200) throw new Error(`addCompany failed: ${JSON.stringify(company.body)}`);
  const companyHandle: string = company.body.companyInfo.companyHandle;
  const password = 'User-Pass-1';
  const user = await h.api('addUser', {
    firstName: 'Test',
    lastName: role,
    email,
    password,
    isValid: true,
    isIpsAdmin: false,
    membershipArray: { items: [{ companyHandle, role, isActive: true }] },
  });
  if (user.status !== 200) throw new Error(`addUser failed: ${JSON.stringify(user.body)}`);
  return { companyHandle, userHandle: user.body.userHandle as string, who: { email, password } };
}

/**
 * Uploads `files` through the UploadFile servlet as one job of `company`'s
 * user, waits until the job has ended, and returns the company's assets by
 * name (every asset it has, seeded before or now).
 */
export async function seedAssets(
  h: Harness,
  company: { companyHandle: string; who: { email: string; password: string } },
  files: UploadFile[],
): Promise<Record<string, string>> {
  const up = await uploadPost(h.baseUrl, {
    params: { companyHandle: company.companyHandle, jobName: 'seed', endJob: true },
    files,
    authorization: basic(company.who),
  });
  if (up.status !== 200) throw new Error(`seed upload refused: ${JSON.stringify(up.body)}`);
  await h.client.workflow.getHandle(up.body.jobHandle).result();
  const rows = await h.ctx.database.db.selectFrom('assets').select(['name', 'asset_handle']).where('company_handle', '=', company.companyHandle).execute();
  return Object.fromEntries(rows.map((r) => [r.name, r.asset_handle]));
}
