import type { Command } from 'commander';
import { contextOf } from '../context.js';
import { jobLogWithDetails } from '../job-watch.js';
import { table } from '../output.js';

interface LogsOptions {
  company: string;
  type?: string[];
}

export function registerLogs(program: Command): void {
  program
    .command('logs')
    .description("a job's log with every detail row (getJobLogDetails, all pages)")
    .argument('<jobHandle>', 'the job handle')
    .requiredOption('--company <handle>', 'company handle')
    .option('--type <logType...>', 'only rows of these log types (e.g. ReprocessError)')
    .action(async (jobHandle: string, opts: LogsOptions, cmd: Command) => {
      const { client, out } = await contextOf(cmd);
      const { log, details } = await jobLogWithDetails(client, opts.company, jobHandle, opts.type);
      const head =
        `${log.jobName} (${log.jobHandle}) ${log.logType} ${log.startDate ?? ''} → ${log.endDate ?? 'running'}\n` +
        `succeeded ${log.fileSuccessCount}, errors ${log.fileErrorCount}, warnings ${log.fileWarningCount}${log.fatalError ? ', fatal error' : ''}\n`;
      out.result(
        { jobLog: log, details },
        head +
          table(
            ['DATE', 'TYPE', 'ASSET', 'MESSAGE'],
            details.map((d) => [d.dateCreated, d.logType, d.assetName ?? '', d.logMessage]),
          ),
      );
    });
}
