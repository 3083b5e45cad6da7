import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * scripts/scale-demo.sh as the suite's multi-machine test: one API and two
 * workers with separate DATA_DIRs on S3 (a SeaweedFS server of the demo's own,
 * which it stops for 5 s mid-job) and PostgreSQL, a 200-image reprocess, one
 * worker SIGKILLed mid-job. The same script a user runs, on the suite's
 * PostgreSQL server and Temporal dev server; it needs PostgreSQL, so it runs
 * in the integration-postgres project only.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const onPostgres = process.env.IPS_TEST_DB === 'postgres' && process.env.IPS_TEST_STORAGE !== 's3';

function runDemo(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', [path.join(root, 'scripts/scale-demo.sh')], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    process.once('exit', () => child.kill('SIGKILL'));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

describe.runIf(onPostgres)('the scale demo: two workers without a shared disk, one SIGKILLed, S3 stopped for 5 s', () => {
  it('completes the 200-asset reprocess with every asset done once, spread over both workers', { timeout: 900_000 }, async () => {
    const { code, output } = await runDemo({
      SCALE_DEMO_SKIP_SETUP: '1',
      DATABASE_URL: process.env.TEST_DATABASE_URL!,
      TEMPORAL_ADDRESS: process.env.IPS_TEST_TEMPORAL!,
    });
    const lines = output.split('\n').filter((l) => !/NodeVersionSupportWarning|node >=22|AWS services|a\.co\/|trace-warnings|^\s*$/.test(l));
    const tail = lines.slice(-15).join('\n');
    expect(code, tail).toBe(0);
    expect(output).toMatch(/assets expected 200 \/ done 200 \/ lost 0 \/ duplicated 0/);
    const perWorker =
      /per worker \(job log serverName\): worker-1 (\d+), worker-2 (\d+)|per worker \(job log serverName\): worker-2 (\d+), worker-1 (\d+)/.exec(output);
    expect(perWorker, tail).not.toBeNull();
    const counts = perWorker!.slice(1).filter(Boolean).map(Number);
    expect(counts.every((n) => n > 0)).toBe(true);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(200);
    expect(output).toMatch(/worker-2 SIGKILLed at \d+\/200 items/);
    expect(output).toMatch(/S3 server stopped at \d+\/200 items for 5 s/);
    const retried = /retried item activities: (\d+)/.exec(output);
    expect(Number(retried?.[1])).toBeGreaterThan(0);
  });
});
