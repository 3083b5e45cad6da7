import fs from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { contextOf } from '../context.js';
import { EXIT, type ExitCode, UsageError } from '../exit-codes.js';
import { countsLine, jobFailed, waitForJob } from '../job-watch.js';

interface UploadOptions {
  company: string;
  folder?: string;
  jobName?: string;
}

export function registerUpload(program: Command): void {
  program
    .command('upload')
    .description('upload files (folders: every file in them, recursively) as one upload job and wait for it to end')
    .argument('<paths...>', 'files or folders')
    .requiredOption('--company <handle>', 'company handle')
    .option('--folder <path>', 'destination folder (destFolder)')
    .option('--job-name <name>', 'job name (default: ips upload and the time)')
    .action(async (paths: string[], opts: UploadOptions, cmd: Command) => {
      process.exitCode = await upload(cmd, paths, opts);
    });
}

async function upload(cmd: Command, paths: string[], opts: UploadOptions): Promise<ExitCode> {
  const files = (await Promise.all(paths.map(filesUnder))).flat();
  if (files.length === 0) throw new UsageError(`no files in ${paths.join(', ')}`);
  const { client, out } = await contextOf(cmd);
  const sizes = await Promise.all(files.map(async (f) => (await fs.stat(f)).size));
  const bars = out.byteBars();
  const total = bars.bar(
    'total',
    sizes.reduce((a, b) => a + b, 0),
  );
  let jobHandle: string | undefined;
  try {
    // One post per file: the first names the job, the others add to it by handle, the last ends it.
    for (const [i, file] of files.entries()) {
      const bar = bars.bar(path.basename(file), sizes[i]!);
      const params = {
        companyHandle: opts.company,
        ...(jobHandle ? { jobHandle } : { jobName: opts.jobName ?? `ips upload ${new Date().toISOString()}` }),
        ...(opts.folder !== undefined ? { destFolder: opts.folder } : {}),
        endJob: i === files.length - 1,
      };
      let sent = 0;
      const reply = await client.uploadPost(params, file, (n) => {
        bar.add(n);
        // The total counts file bytes only, like the per-file bars.
        const step = Math.min(n, sizes[i]! - sent);
        sent += n;
        if (step > 0) total.add(step);
      });
      bar.finish();
      jobHandle = reply.jobHandle;
    }
    total.finish();
  } finally {
    bars.stop();
  }
  const log = await waitForJob(client, opts.company, jobHandle!, out.jobBar());
  out.result({ jobHandle, files: files.length, jobLog: log }, countsLine(log));
  return jobFailed(log) ? EXIT.failed : EXIT.done;
}

/** A file, or every file under a folder (sorted, dot files left out). */
async function filesUnder(p: string): Promise<string[]> {
  let stat;
  try {
    stat = await fs.stat(p);
  } catch {
    throw new UsageError(`${p}: no such file or folder`);
  }
  if (stat.isFile()) return [p];
  if (!stat.isDirectory()) throw new UsageError(`${p}: neither a file nor a folder`);
  const entries = (await fs.readdir(p, { withFileTypes: true })).filter((e) => !e.name.startsWith('.')).sort((a, b) => a.name.localeCompare(b.name));
  return (await Promise.all(entries.map((e) => filesUnder(path.join(p, e.name))))).flat();
}
