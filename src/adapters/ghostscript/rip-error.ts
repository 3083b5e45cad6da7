/** Why a rip, page count or text extraction failed, and whether it is worth a retry. */
export type RipErrorKind = 'unreadable' | 'timeout' | 'aborted' | 'failed';

/**
 * unreadable: the input is missing, not PDF/PostScript, or Ghostscript rejected it (bad input, never worth a retry);
 * timeout: a page took longer than the page time limit; aborted: the caller's signal or close();
 * failed: the child process or the file system failed (worth a retry).
 * `pid` names the child that was killed or died, so callers and tests can check it is gone.
 */
export class RipError extends Error {
  constructor(
    message: string,
    readonly kind: RipErrorKind,
    readonly pid?: number,
  ) {
    super(message);
    this.name = 'RipError';
  }
}

/** A file-system step of the pool; its failure is the host's, not the input's, so worth a retry. */
export async function fsStep<T>(what: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (err) {
    throw new RipError(`could not ${what}: ${err instanceof Error ? err.message : String(err)}`, 'failed');
  }
}
