/** Messages between the rip pool and its children (IPC, JSON serialisation). */

/** parent → child: run one Ghostscript command */
export interface JobMessage {
  type: 'job';
  id: number;
  args: string[];
}

/** child → parent */
export type ChildMessage = { type: 'ready' } | { type: 'done'; id: number; ok: true } | { type: 'done'; id: number; ok: false; message: string };

/**
 * Written by the child on both stdout and stderr after a job, before its `done`
 * message. Pipes and the IPC channel are separate streams, so `done` can overtake
 * the last diagnostics; the parent waits for this line on both pipes first.
 */
export function outputMark(id: number): string {
  return `\n\u0000rip-job-end:${id}\n`;
}

export function isJobMessage(msg: unknown): msg is JobMessage {
  return typeof msg === 'object' && msg !== null && (msg as { type?: unknown }).type === 'job' && typeof (msg as { id?: unknown }).id === 'number';
}

export function isChildMessage(msg: unknown): msg is ChildMessage {
  const type = typeof msg === 'object' && msg !== null ? (msg as { type?: unknown }).type : undefined;
  return type === 'ready' || (type === 'done' && typeof (msg as { id?: unknown }).id === 'number');
}
