/**
 * One rip-pool child process. ghostscript4js serialises every call behind one
 * process-wide mutex and a running call cannot be interrupted, so each child runs
 * one Ghostscript job at a time and the pool kills the whole process to cancel.
 *
 * Ghostscript prints its diagnostics to this process's stdout/stderr (pipes the
 * parent reads), not into the thrown error; after each job the child writes an
 * end marker on both pipes so the parent knows it has all of that job's output.
 */
import { createRequire } from 'node:module';
import { refusal } from './gs-args.js';
import { type ChildMessage, type JobMessage, isJobMessage, outputMark } from './rip-protocol.js';

interface Ghostscript4js {
  execute(args: string[]): Promise<void>;
}

// ghostscript4js is CommonJS without type declarations.
const gs = createRequire(import.meta.url)('ghostscript4js') as Ghostscript4js;

if (!process.send) {
  process.stderr.write('rip-child must be started by the rip pool (child_process.fork)\n');
  process.exit(2);
}

function send(msg: ChildMessage): void {
  process.send?.(msg);
}

let busy = false;

function finish(id: number, failure: string | undefined): void {
  // Writes to pipes are synchronous on Linux, so both markers are out before `done`.
  process.stdout.write(outputMark(id));
  process.stderr.write(outputMark(id));
  send(failure === undefined ? { type: 'done', id, ok: true } : { type: 'done', id, ok: false, message: failure });
}

async function run(job: JobMessage): Promise<void> {
  const refused = busy ? 'a job is already running' : refusal(job.args);
  if (refused !== undefined) {
    finish(job.id, `job refused: ${refused}`);
    return;
  }
  busy = true;
  let failure: string | undefined;
  try {
    // The async form runs gs on a libuv thread, so this process still notices a
    // closed IPC channel (parent gone) while a long rip is running.
    await gs.execute(job.args);
  } catch (err) {
    failure = err instanceof Error ? err.message : String(err);
  }
  busy = false;
  finish(job.id, failure);
}

process.on('message', (msg: unknown) => {
  if (isJobMessage(msg)) void run(msg);
});

// The parent is gone (or closed the channel): leave rather than linger as an orphan.
process.on('disconnect', () => process.exit(0));

send({ type: 'ready' });
