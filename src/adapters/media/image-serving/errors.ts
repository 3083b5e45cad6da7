/**
 * The reply, or an image the request makes on the way, is larger than this
 * server renders: `attribute::MaxPix` for the reply (IS faults the request),
 * a working limit for intermediate images. Bad input, never worth a retry.
 */
export class IsLimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IsLimitError';
  }
}
