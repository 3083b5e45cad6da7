import { PassThrough, type Readable } from 'node:stream';
import { ZipFile } from 'yazl';

export interface ZipEntry {
  /** path inside the archive (`/`-separated, relative) */
  name: string;
  /** opened only when the entry's turn comes, so a 500-entry archive holds one file open at a time */
  open: () => Readable;
  /** false for formats that are compressed already (JPEG, PNG, WebP…): deflating them costs CPU and saves nothing */
  compress: boolean;
  mtime: Date;
}

/**
 * A ZIP as a stream, written entry by entry (yazl): memory stays flat however
 * large the archive, and ZIP64 is used automatically past 4 GB. An entry whose
 * source fails ends the stream with that error, so no truncated archive is
 * ever taken for a whole one.
 */
export function zipStream(entries: readonly ZipEntry[]): Readable {
  const zip = new ZipFile();
  const out = new PassThrough();
  zip.on('error', (err: Error) => out.destroy(err));
  zip.outputStream.on('error', (err: Error) => out.destroy(err));
  zip.outputStream.pipe(out);
  for (const entry of entries) {
    zip.addReadStreamLazy(entry.name, { compress: entry.compress, mtime: entry.mtime }, (cb) => {
      try {
        const source = entry.open();
        // yazl pipes the source without listening for its errors: without this a failed read would hang the archive.
        source.once('error', (err: Error) => out.destroy(err));
        cb(null, source);
      } catch (err) {
        cb(err, undefined as never);
      }
    });
  }
  zip.end();
  return out;
}
