import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type RunningDevServer, freePort, startDevServer } from '../../src/adapters/temporal/dev-server.js';

/**
 * The service as separate real processes (Temporal dev server, `api`,
 * `worker` from dist/) and a throw-away PostgreSQL cluster, for tests that
 * kill and restart them. Every process started here is ended by its own pid.
 */

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const entry = path.join(root, 'dist/src/main.js');

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it returns something other than undefined/false (a throw counts as "not yet"). */
export async function waitUntil<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs: number, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
    await sleep(intervalMs);
  }
}

/** One `node dist/src/main.js <role>` process; its recent output is kept for failure messages. */
export class ServiceProcess {
  private readonly lines: string[] = [];
  private expectedExit = false;
  /** Set when the process ended without being asked to: a crash the test must report. */
  unexpectedExit: string | undefined;
  readonly exited: Promise<void>;

  constructor(
    readonly role: 'api' | 'worker',
    readonly child: ChildProcess,
  ) {
    const keep = (d: Buffer) => {
      this.lines.push(...d.toString().split('\n').filter(Boolean));
      this.lines.splice(0, Math.max(0, this.lines.length - 200));
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    // A test runner that dies without its afterAll must not leave the service running.
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        process.removeListener('exit', killOnExit);
        if (!this.expectedExit) this.unexpectedExit = `${role} exited on its own (${code ?? signal}):\n${this.output()}`;
        resolve();
      }),
    );
  }

  output(): string {
    return this.lines.join('\n');
  }

  /** Sends `signal` (SIGKILL: a crash, SIGTERM: an orderly stop) and waits until the process is gone. */
  async kill(signal: NodeJS.Signals): Promise<void> {
    this.expectedExit = true;
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    await this.exited;
  }
}

export function spawnService(role: 'api' | 'worker', env: Record<string, string>): ServiceProcess {
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` before this test (it runs the built service)`);
  const child = spawn(process.execPath, [entry, role], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return new ServiceProcess(role, child);
}

export interface StackOptions {
  /** scratch directory: Temporal's SQLite file and DATA_DIR go there */
  work: string;
  /** default: SQLite under DATA_DIR */
  databaseUrl?: string;
  env?: Record<string, string>;
}

/**
 * Temporal dev server (persisted in a SQLite file, so a restart keeps every
 * workflow), API and worker as three processes sharing DATA_DIR and the database.
 */
export class ServiceStack {
  temporal!: RunningDevServer;
  api!: ServiceProcess;
  worker!: ServiceProcess;
  readonly env: Record<string, string>;
  readonly base: string;
  readonly dataDir: string;
  private readonly temporalDb: string;
  private readonly temporalPort: number;

  private constructor(opts: StackOptions, apiPort: number, temporalPort: number) {
    this.dataDir = path.join(opts.work, 'data');
    this.temporalDb = path.join(opts.work, 'temporal.db');
    this.temporalPort = temporalPort;
    this.base = `http://127.0.0.1:${apiPort}`;
    this.env = {
      DATA_DIR: this.dataDir,
      TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
      PORT: String(apiPort),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      // Tests run several workers on one host: fixed metrics ports would clash (metrics are tested in observability.test.ts).
      WORKER_METRICS_PORT: '0',
      TEMPORAL_METRICS_PORT: '0',
      // The test runner keeps both cores busy with other test files: pixel threads in SCHED_IDLE would wait
      // for all of them. The policy is a production priority, tested in worker-thread-priority-other.test.ts.
      IMAGE_THREAD_POLICY: 'normal',
      ...(opts.databaseUrl ? { DATABASE_URL: opts.databaseUrl } : {}),
      ...opts.env,
    };
    // The test runner's own settings must not leak into the service under test.
    if (!opts.databaseUrl) this.env.DATABASE_URL = '';
  }

  static async start(opts: StackOptions): Promise<ServiceStack> {
    const stack = new ServiceStack(opts, await freePort(), await freePort());
    try {
      await stack.startTemporal();
      await stack.startApi();
      stack.startWorker();
      return stack;
    } catch (err) {
      await stack.stop();
      throw err;
    }
  }

  async startTemporal(): Promise<void> {
    this.temporal = await startDevServer({ port: this.temporalPort, uiPort: 0, headless: true, dbFile: this.temporalDb, cli: process.env.TEMPORAL_CLI });
  }

  async startApi(): Promise<void> {
    this.api = spawnService('api', this.env);
    await waitUntil('the API to answer /health', async () => (await fetch(`${this.base}/health`)).ok, 90_000, 200);
  }

  startWorker(): void {
    this.worker = spawnService('worker', this.env);
  }

  /** Crashes reported by any service process (a process that ended without being asked to). */
  crashes(): string[] {
    return [this.api, this.worker].flatMap((p) => (p?.unexpectedExit ? [p.unexpectedExit] : []));
  }

  async call<T = any>(operation: string, body: unknown, who: { email: string; password: string }): Promise<T> {
    const res = await fetch(`${this.base}/api/${operation}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${who.email}:${who.password}`).toString('base64')}` },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${operation}: HTTP ${res.status} ${text}`);
    return JSON.parse(text) as T;
  }

  async stop(): Promise<void> {
    await this.worker?.kill('SIGKILL');
    await this.api?.kill('SIGKILL');
    await this.temporal?.stop();
  }
}

/**
 * A PostgreSQL cluster the test owns (initdb in a temp dir, a free port), so it
 * can be stopped and started without touching anyone else's database. As root
 * the binaries run as `postgres`, which must own the directory.
 */
export class PostgresCluster {
  private constructor(
    private readonly bin: string,
    private readonly dir: string,
    readonly port: number,
  ) {}

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  static async create(): Promise<PostgresCluster> {
    const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort((a, b) => Number(a) - Number(b)) : [];
    if (!versions.length) throw new Error('PostgreSQL binaries not found under /usr/lib/postgresql (scripts/setup.sh --test installs them)');
    const cluster = new PostgresCluster(
      `/usr/lib/postgresql/${versions.at(-1)}/bin`,
      await fs.mkdtemp(path.join(os.tmpdir(), 'ips-faults-pg-')),
      await freePort(),
    );
    if (process.getuid?.() === 0) {
      const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
      await fs.chown(cluster.dir, Number(uid.stdout), Number(gid.stdout));
    }
    try {
      await cluster.pg('initdb', ['-D', cluster.data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
      await cluster.start();
    } catch (err) {
      await cluster.destroy();
      throw err;
    }
    return cluster;
  }

  private get data(): string {
    return path.join(this.dir, 'data');
  }

  private async pg(cmd: string, args: string[]): Promise<void> {
    const argv = [path.join(this.bin, cmd), ...args];
    if (process.getuid?.() === 0) {
      const quoted = argv.map((a) => `'${a.replaceAll("'", `'\\''`)}'`).join(' ');
      await run('su', ['postgres', '-s', '/bin/sh', '-c', quoted]);
    } else {
      await run(argv[0]!, argv.slice(1));
    }
  }

  async start(): Promise<void> {
    const settings = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
    await this.pg('pg_ctl', ['-D', this.data, '-w', '-l', path.join(this.dir, 'server.log'), '-o', settings, 'start']);
  }

  /** Fast shutdown: open sessions are terminated, as in a database restart or failover. */
  async stop(): Promise<void> {
    await this.pg('pg_ctl', ['-D', this.data, '-w', '-m', 'fast', 'stop']);
  }

  async destroy(): Promise<void> {
    await this.pg('pg_ctl', ['-D', this.data, '-m', 'immediate', 'stop']).catch(() => undefined);
    await fs.rm(this.dir, { recursive: true, force: true });
  }
}
