import type { Command } from 'commander';
import type { JobLog } from '../../domain/schemas/job.schema.js';
import { type Context, contextOf, list } from '../context.js';
import { EXIT, type ExitCode, UsageError } from '../exit-codes.js';
import { countsLine, jobFailed, waitForJob } from '../job-watch.js';

/** The job kinds `ips submit` knows: their submitJob element and the defaults the options are merged over. */
const KINDS = {
  reprocess: { element: 'reprocessAssetsJob', assets: true, defaults: { createMask: false, emailSetting: 'None' } },
  export: { element: 'exportJob', assets: true, defaults: { fmt: 'orig', emailSetting: 'None' } },
  optimize: { element: 'optimizeImagesJob', assets: false, defaults: { emailSetting: 'None' } },
} as const;
export type JobKind = keyof typeof KINDS;

export interface SubmitOptions {
  company: string;
  assets?: string[];
  options?: string;
  jobName?: string;
  watch?: boolean;
}

export function registerSubmit(program: Command): void {
  program
    .command('submit')
    .description('submit a reprocess, export or optimize job (submitJob)')
    .argument('<kind>', Object.keys(KINDS).join(' | '))
    .requiredOption('--company <handle>', 'company handle')
    .option('--assets <handles>', 'asset handles, comma-separated (reprocess, export)', list)
    .option('--options <json>', "the job element's other fields as a JSON object, over the defaults")
    .option('--job-name <name>', 'job name (default: ips <kind>)')
    .option('--watch', 'follow the job until it ends, then read its log')
    .action(async (kind: string, opts: SubmitOptions, cmd: Command) => {
      if (!(kind in KINDS)) throw new UsageError(`unknown job kind ${kind}: one of ${Object.keys(KINDS).join(', ')}`);
      const ctx = await contextOf(cmd);
      const jobHandle = await submit(ctx, kind as JobKind, opts);
      if (!opts.watch) {
        ctx.out.result({ jobHandle }, jobHandle);
        return;
      }
      const log = await waitForJob(ctx.client, opts.company, jobHandle, ctx.out.jobBar());
      ctx.out.result({ jobHandle, jobLog: log }, countsLine(log));
      process.exitCode = exitFor(log);
    });
}

export function exitFor(log: JobLog): ExitCode {
  return jobFailed(log) ? EXIT.failed : EXIT.done;
}

/** submitJob with the kind's element built from the defaults, --assets and --options; returns the job handle. */
export async function submit(ctx: Context, kind: JobKind, opts: SubmitOptions): Promise<string> {
  const spec = KINDS[kind];
  if (spec.assets && !opts.assets?.length) throw new UsageError(`submit ${kind} needs --assets <handle,…>`);
  if (!spec.assets && opts.assets) throw new UsageError(`submit ${kind} takes no --assets (it works on the company's images)`);
  const element = { ...spec.defaults, ...(opts.assets ? { assetHandleArray: opts.assets } : {}), ...parseOptions(opts.options) };
  const r = await ctx.client.call<{ jobHandle: string }>('submitJob', {
    companyHandle: opts.company,
    jobName: opts.jobName ?? `ips ${kind}`,
    [spec.element]: element,
  });
  return r.jobHandle;
}

function parseOptions(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--options is not JSON: ${(e as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UsageError('--options must be a JSON object');
  return parsed as Record<string, unknown>;
}
