import type { Command } from 'commander';
import { contextOf } from '../context.js';

const CONTROLS = {
  stop: { operation: 'stopJob', description: 'stop a job at its next safe point (stopJob)', done: 'stopping' },
  pause: { operation: 'pauseJob', description: 'pause a running or scheduled job (pauseJob)', done: 'paused' },
  resume: { operation: 'resumeJob', description: 'resume a paused job (resumeJob)', done: 'resumed' },
} as const;

export function registerControls(program: Command): void {
  for (const [name, c] of Object.entries(CONTROLS)) {
    program
      .command(name)
      .description(c.description)
      .argument('<jobHandle>', 'the job handle')
      .requiredOption('--company <handle>', 'company handle')
      .action(async (jobHandle: string, opts: { company: string }, cmd: Command) => {
        const { client, out } = await contextOf(cmd);
        await client.call(c.operation, { companyHandle: opts.company, jobHandle });
        out.result({ jobHandle, operation: c.operation }, `${jobHandle}: ${c.done}`);
      });
  }
}
