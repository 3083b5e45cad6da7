import { parseArgs } from 'node:util';
import { createLogger } from '../adapters/logging/logger.js';
import { ConfigError, loadConfig } from '../config/config.js';
import { DEFAULT_GRACE_MS, type SweepReport } from '../services/storage/orphan-sweep.service.js';
import { createAppContext } from './context.js';

const USAGE = 'usage: main.js sweep-orphans [--dry-run] [--grace-hours N]';

/**
 * `node dist/src/main.js sweep-orphans [--dry-run] [--grace-hours N]`: one
 * orphan-object sweep with the service's configuration (the same DATABASE_URL
 * and storage settings as the API and workers), then exit. Prints one line per
 * orphan and a summary; exit code 0 when it ran, 2 for bad arguments.
 */
export async function runSweepOrphans(argv: string[], out: NodeJS.WritableStream): Promise<number> {
  let dryRun: boolean;
  let graceMs: number;
  try {
    const { values } = parseArgs({ args: argv, options: { 'dry-run': { type: 'boolean' }, 'grace-hours': { type: 'string' } }, strict: true });
    dryRun = values['dry-run'] ?? false;
    const hours = values['grace-hours'] === undefined ? DEFAULT_GRACE_MS / 3_600_000 : Number(values['grace-hours']);
    if (!Number.isFinite(hours) || hours < 0) throw new ConfigError(`--grace-hours: expected a number of hours >= 0, received '${values['grace-hours']}'`);
    graceMs = hours * 3_600_000;
  } catch (err) {
    out.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const config = loadConfig();
  const ctx = await createAppContext(config, createLogger(config.logLevel, 'ips-sweep-orphans'));
  try {
    const report = await ctx.services.orphanSweep.sweep({ dryRun, graceMs });
    out.write(describe(report, graceMs));
    return 0;
  } finally {
    await ctx.close();
  }
}

function describe(report: SweepReport, graceMs: number): string {
  const verb = report.dryRun ? 'would remove' : 'removed';
  const lines = report.orphans.map((o) => `${verb} ${o.key} (${o.size} bytes)`);
  lines.push(
    `orphan sweep${report.dryRun ? ' (dry run, nothing removed)' : ''}: ${report.scanned} objects scanned, ` +
      `${report.orphans.length} orphans of ${report.orphanBytes} bytes ${report.dryRun ? 'found' : 'removed'} ` +
      `(grace ${graceMs / 3_600_000} h)`,
  );
  return `${lines.join('\n')}\n`;
}
