/**
 * The two image errors that are the asset's fault, not the machine's: a
 * service records them as the asset's failure instead of retrying. Their own
 * module because every image adapter (repository, ICC reader, PSD layers,
 * image serving) throws them.
 */

/** An option that cannot apply to this image (e.g. a crop larger than it): the asset's error, not a retry. */
export class RenderOptionError extends Error {}

/** A file the decoder refused: bad input, never worth a retry. */
export class UnreadableImageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnreadableImageError';
  }
}

/** Decoder failures become UnreadableImageError; anything else (I/O) stays retryable. */
export async function wrapDecoder<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (/ENOSPC|EIO|EMFILE|ENFILE|EACCES/.test(message)) throw err;
    throw new UnreadableImageError(message.split('\n')[0]!.slice(0, 300));
  }
}
