import fs from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { contextOf, list } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { countsLine, jobLogWithDetails, waitForJob } from '../job-watch.js';
import { exitFor, submit } from './submit.js';

interface ExportOptions {
  company: string;
  assets: string[];
  options?: string;
  jobName?: string;
  download: string;
}

/** The job log row that carries the archive's signed URL as its assetName (docs/jobs/export.md). */
const ZIP_ROW = 'ZipFileExportJobSuccess';

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('export assets into a ZIP (exportJob), wait for it and download the archive')
    .requiredOption('--company <handle>', 'company handle')
    .requiredOption('--assets <handles>', 'asset handles, comma-separated', list)
    .requiredOption('--download <dir>', 'folder to save the ZIP in')
    .option('--options <json>', 'other exportJob fields as a JSON object (default fmt=orig)')
    .option('--job-name <name>', 'job name (default: ips export)')
    .action(async (opts: ExportOptions, cmd: Command) => {
      const ctx = await contextOf(cmd);
      const jobHandle = await submit(ctx, 'export', opts);
      const ended = await waitForJob(ctx.client, opts.company, jobHandle, ctx.out.jobBar());
      const { details } = await jobLogWithDetails(ctx.client, opts.company, jobHandle, [ZIP_ROW]);
      const url = details.find((d) => d.assetName?.startsWith('http'))?.assetName;
      if (!url) {
        ctx.out.result({ jobHandle, jobLog: ended }, `${countsLine(ended)}\nno archive was made`);
        process.exitCode = EXIT.failed;
        return;
      }
      await fs.mkdir(opts.download, { recursive: true });
      const file = path.join(opts.download, `${(opts.jobName ?? 'ips export').replace(/[^A-Za-z0-9._-]+/g, '_')}-${Date.now()}.zip`);
      const bars = ctx.out.byteBars();
      let bar: ReturnType<typeof bars.bar> | undefined;
      try {
        await ctx.client.download(
          url,
          file,
          (size) => (bar = bars.bar(path.basename(file), size ?? 0)),
          (n) => bar?.add(n),
        );
        bar?.finish();
      } finally {
        bars.stop();
      }
      ctx.out.result({ jobHandle, jobLog: ended, file }, `${countsLine(ended)}\nsaved ${file}`);
      process.exitCode = exitFor(ended);
    });
}
