import { PassThrough, type Readable } from 'node:stream';
import { ZipFile } from 'yazl';

export interface ZipEntry {
  /** path inside the archive (`/`-separated, relative) */
  name: string;
  /** opened shortly before the entry's turn (at most READ_AHEAD entries early), so a 500-entry archive holds a handful of files open */
  open: () => Readable;
  /** false for formats that are compressed already (JPEG, PNG, WebP…): deflating them costs CPU and saves nothing */
  compress: boolean;
  mtime: Date;
}

/**
 * How many entries after the one being written are opened and start reading
 * (each buffers up to its stream's highWaterMark, 64 KiB for a file): an
 * export's entries are mostly small files, and opened one at a time each
 * waited for its own open and first read, one after another (bench/export:
 * 120 ms of a 200-entry archive's 150, with the rest of the machine idle).
 */
export const READ_AHEAD = 4;

/**
 * A ZIP as a stream, written entry by entry (yazl): memory stays flat however
 * large the archive, and ZIP64 is used automatically past 4 GB. An entry whose
 * source fails ends the stream with that error, so no truncated archive is
 * ever taken for a whole one.
 */
export function zipStream(entries: readonly ZipEntry[], readAhead = READ_AHEAD): Readable {
  const zip = new ZipFile();
  const out = new PassThrough();
  /** sources opened ahead of their turn, by entry index */
  const early = new Map<number, Readable>();
  let next = 0;
  const open = (i: number): Readable => {
    const source = entries[i]!.open();
    // yazl pipes the source without listening for its errors: without this a failed read would hang the archive.
    source.once('error', (err: Error) => out.destroy(err));
    return source;
  };
  // An archive that fails or is abandoned closes the files it opened early.
  out.once('close', () => {
    for (const source of early.values()) source.destroy();
    early.clear();
  });
  zip.on('error', (err: Error) => out.destroy(err));
  zip.outputStream.on('error', (err: Error) => out.destroy(err));
  zip.outputStream.pipe(out);
  entries.forEach((entry, i) => {
    zip.addReadStreamLazy(entry.name, { compress: entry.compress, mtime: entry.mtime }, (cb) => {
      // Failed or abandoned: yazl would go on asking for entries, and nothing would close them.
      if (out.destroyed) {
        cb(new Error('the archive stream was closed'), undefined as never);
        return;
      }
      let source: Readable;
      try {
        source = early.get(i) ?? open(i);
        early.delete(i);
      } catch (err) {
        cb(err, undefined as never);
        return;
      }
      try {
        for (next = Math.max(next, i + 1); next < Math.min(entries.length, i + 1 + readAhead); next++) {
          const ahead = open(next);
          ahead.read(0); // starts the open and the first read now, not when yazl gets to it
          early.set(next, ahead);
        }
      } catch (err) {
        // An entry that cannot even be opened fails the archive, as it would in its turn.
        source.destroy();
        out.destroy(err as Error);
        return;
      }
      cb(null, source);
    });
  });
  zip.end();
  return out;
}
