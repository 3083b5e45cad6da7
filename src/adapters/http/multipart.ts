import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import busboy from 'busboy';

export interface MultipartLimits {
  fileBytes: number;
  files: number;
  fieldBytes: number;
}

export interface MultipartHandlers {
  field(name: string, value: string): Promise<void> | void;
  /** Must consume `stream`; `truncated()` tells afterwards whether the size limit cut it. */
  file(name: string, fileName: string, stream: Readable, truncated: () => boolean): Promise<void>;
}

export class MultipartError extends Error {
  constructor(
    message: string,
    readonly kind: 'malformed' | 'tooManyFiles' | 'fieldTooLarge',
  ) {
    super(message);
  }
}

/**
 * Streams a multipart/form-data request part by part, in order (so an `auth`
 * part is seen before any file is stored). Files over `fileBytes` are cut at
 * the limit and reported as truncated rather than failing the whole post.
 */
export function parseMultipart(req: IncomingMessage, limits: MultipartLimits, handlers: MultipartHandlers): Promise<void> {
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({
        headers: req.headers,
        limits: { fileSize: limits.fileBytes, files: limits.files, fieldSize: limits.fieldBytes, fields: 20, parts: limits.files + 20 },
        defParamCharset: 'utf8',
      });
    } catch (err) {
      reject(new MultipartError(`expected a multipart/form-data body: ${(err as Error).message}`, 'malformed'));
      return;
    }
    // Parts are handled one after another so their order is kept.
    let chain: Promise<void> = Promise.resolve();
    let failed = false;
    const fail = (err: unknown) => {
      if (failed) return;
      failed = true;
      req.unpipe(bb);
      req.resume(); // drain the rest so the socket can answer
      reject(err);
    };
    bb.on('field', (name, value, info) => {
      if (info.valueTruncated) return fail(new MultipartError(`part '${name}' is larger than ${limits.fieldBytes} bytes`, 'fieldTooLarge'));
      chain = chain.then(() => (failed ? undefined : handlers.field(name, value))).catch(fail);
    });
    bb.on('file', (name, stream, info) => {
      let cut = false;
      stream.on('limit', () => {
        cut = true;
      });
      const fileName = info.filename ?? name;
      chain = chain
        .then(async () => {
          if (failed) {
            stream.resume();
            return;
          }
          await handlers.file(name, fileName, stream, () => cut);
        })
        .catch((err) => {
          stream.resume();
          fail(err);
        });
    });
    bb.on('filesLimit', () => fail(new MultipartError(`more than ${limits.files} files in one post`, 'tooManyFiles')));
    bb.on('error', (err) => fail(new MultipartError(`malformed multipart body: ${(err as Error).message}`, 'malformed')));
    bb.on('close', () => {
      chain.then(() => (failed ? undefined : resolve())).catch(fail);
    });
    req.pipe(bb);
  });
}
