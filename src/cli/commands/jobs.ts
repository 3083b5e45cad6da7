import { clearScreenDown, moveCursor } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import type { ActiveJob } from '../../domain/schemas/job.schema.js';
import { contextOf } from '../context.js';
import { UsageError } from '../exit-codes.js';
import { POLL_MS } from '../job-watch.js';
import { table, textBar } from '../output.js';

interface JobsOptions {
  company: string;
  watch?: boolean;
}

export function registerJobs(program: Command): void {
  program
    .command('jobs')
    .description("list the company's active jobs (getActiveJobs)")
    .requiredOption('--company <handle>', 'company handle')
    .option('--watch', 'a live table, refreshed until interrupted (Ctrl-C)')
    .action(async (opts: JobsOptions, cmd: Command) => {
      const { client, out } = await contextOf(cmd);
      if (opts.watch && out.json) throw new UsageError('--watch makes a live table; --json gives one document: use one of them');
      const list = async () =>
        (await client.call<{ jobArray: { items: ActiveJob[] } }>('getActiveJobs', { companyHandle: opts.company, includeWaitingJobs: true })).jobArray.items;
      if (!opts.watch) {
        const jobs = await list();
        out.result({ jobs }, render(jobs));
        return;
      }
      let shown = 0;
      for (;;) {
        const text = `${render(await list())}\n`;
        // On a terminal the table is redrawn in place; elsewhere each refresh is printed after the last.
        if (process.stdout.isTTY && shown > 0) {
          moveCursor(process.stdout, 0, -shown);
          clearScreenDown(process.stdout);
        }
        out.result(undefined, text);
        shown = text.split('\n').length - 1;
        await sleep(POLL_MS);
      }
    });
}

function render(jobs: ActiveJob[]): string {
  if (jobs.length === 0) return 'no active jobs';
  return table(
    ['NAME', 'TYPE', 'STATE', 'PROGRESS', 'MESSAGE', 'HANDLE'],
    jobs.map((j) => [j.name, j.type, j.state, `${textBar(j.progress)} ${Math.round(j.progress)}%`, j.progressMessage, j.jobHandle]),
  );
}
