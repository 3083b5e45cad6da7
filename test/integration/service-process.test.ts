import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/adapters/temporal/dev-server.js';
import { randomId } from '../../src/domain/handles.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const entry = path.join(root, 'dist/src/main.js');

async function waitFor(url: string, timeoutMs: number): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fetch(url);
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 300));
    }
  }
}

/**
 * The quick-start process as a user runs it (`node dist/src/main.js`, built by
 * scripts/setup.sh): it starts its own Temporal dev server with the Web UI,
 * the worker and the API, and Ctrl-C (SIGINT) stops all of it.
 */
describe(`the whole service in one process (${process.env.IPS_TEST_DB})`, () => {
  let child: ChildProcess;
  let dataDir: string;
  let output = '';
  const ports = { api: 0, temporal: 0, ui: 0 };
  let dropDb = async () => undefined as void;

  beforeAll(async () => {
    if (!existsSync(entry)) throw new Error(`${entry} is missing: run scripts/setup.sh (it builds) before the tests`);
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-proc-'));
    ports.api = await freePort();
    ports.temporal = await freePort();
    ports.ui = await freePort();
    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      DATA_DIR: dataDir,
      PORT: String(ports.api),
      TEMPORAL_PORT: String(ports.temporal),
      TEMPORAL_UI_PORT: String(ports.ui),
      IPS_ADMIN_EMAIL: 'boss@proc.test',
      IPS_ADMIN_PASSWORD: '',
      LOG_LEVEL: 'info',
    };
    delete env.TEMPORAL_ADDRESS;
    delete env.DATABASE_URL;
    if (process.env.IPS_TEST_DB === 'postgres') {
      const name = `ips_proc_${randomId(8)}`;
      const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      const url = new URL(process.env.TEST_DATABASE_URL!);
      url.pathname = `/${name}`;
      env.DATABASE_URL = url.toString();
      dropDb = async () => {
        const c = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      };
    }
    child = spawn(process.execPath, [entry], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d) => (output += d.toString()));
    child.stderr!.on('data', (d) => (output += d.toString()));
    await waitFor(`http://127.0.0.1:${ports.api}/health`, 90_000);
  });

  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await dropDb();
    if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('starts the API, the Temporal Web UI and prints a generated admin password once', async () => {
    expect((await fetch(`http://127.0.0.1:${ports.api}/health`)).status).toBe(200);
    expect((await waitFor(`http://127.0.0.1:${ports.ui}/`, 30_000)).status).toBe(200);
    const match = /IpsAdmin created: boss@proc\.test \/ (\S+)/.exec(output);
    expect(match).not.toBeNull();
    const res = await fetch(`http://127.0.0.1:${ports.api}/api/getAllCompanies`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`boss@proc.test:${match![1]}`).toString('base64')}` },
      body: JSON.stringify({ includeExpired: true }),
    });
    expect(await res.json()).toEqual({ companyArray: { items: [] } });
    expect(existsSync(path.join(dataDir, 'temporal.db'))).toBe(true);
    expect(existsSync(path.join(dataDir, 'storage'))).toBe(true);
  });

  it('shuts everything down on Ctrl-C (SIGINT) and leaves no process behind', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    const leftovers = execFileSync('ps', ['-eo', 'pid,args'])
      .toString()
      .split('\n')
      .filter((l) => l.includes(dataDir));
    expect(leftovers).toEqual([]);
    expect(output).toContain('"part":"temporal dev server","msg":"stopped"');
  });
});
