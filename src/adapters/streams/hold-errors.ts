import type { Readable } from 'node:stream';

/**
 * Keeps the first error `source` emits until its consumer listens. A stream
 * handed to a consumer that first awaits its own set-up (a folder, a temp
 * file) can fail meanwhile (a stored file gone fails its read at once; a ZIP
 * entry's inflater checks the entry's size as soon as it is opened), and an
 * 'error' with no listener is thrown by Node as an uncaught exception: in a
 * worker, every item in flight would go with it. `release()` stops holding
 * and gives the held error, if any, for the caller to throw once it has freed
 * what it set up.
 */
export function holdErrors(source: Readable): { release(): Error | undefined } {
  let held: Error | undefined;
  const hold = (err: Error) => {
    held ??= err;
  };
  source.on('error', hold);
  return {
    release() {
      source.off('error', hold);
      return held;
    },
  };
}
