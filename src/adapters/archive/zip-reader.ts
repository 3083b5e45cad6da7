import type { Readable } from 'node:stream';
import yauzl from 'yauzl';

/** A ZIP that cannot be read, or that is too large to extract: the archive fails as a whole. */
export class ZipArchiveError extends Error {
  override name = 'ZipArchiveError';
}

export interface ZipEntryInfo {
  /** the stored name, decoded (UTF-8 flag, Info-ZIP Unicode path, else CP437), backslashes turned into `/` */
  name: string;
  /** as declared; yauzl checks it while inflating, so an archive that lies fails */
  uncompressedSize: number;
  isDirectory: boolean;
  /** a Unix symbolic link (mode bits in the external attributes) */
  isSymlink: boolean;
  open(): Promise<Readable>;
}

// Names are decoded here rather than by yauzl: yauzl refuses the whole archive
// at the first unsafe name, where one bad entry must fail alone.
const OPTIONS: yauzl.Options = { lazyEntries: true, decodeStrings: false, validateEntrySizes: true, autoClose: false };

function open(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.open(file, OPTIONS, (err, zip) => (err ? reject(new ZipArchiveError(`not a readable ZIP archive: ${err.message}`)) : resolve(zip))),
  );
}

/**
 * Reads a ZIP's central directory without extracting anything: how many
 * entries it has and what they would expand to. Checked against the limits
 * before the first byte is written, so a ZIP bomb fails cheaply.
 */
export async function zipTotals(file: string): Promise<{ entries: number; bytes: number }> {
  let bytes = 0;
  let entries = 0;
  await eachEntry(file, async (e) => {
    entries += 1;
    bytes += e.uncompressedSize;
  });
  return { entries, bytes };
}

/** The entry count from the end-of-central-directory record alone (no entry read). */
export async function zipEntryCount(file: string): Promise<number> {
  const zip = await open(file);
  try {
    return zip.entryCount;
  } finally {
    zip.close();
  }
}

/** Visits every entry in archive order, one at a time; `visit` may open (and must finish reading) the entry. */
export async function eachEntry(file: string, visit: (entry: ZipEntryInfo, index: number) => Promise<void>): Promise<void> {
  const zip = await open(file);
  try {
    await new Promise<void>((resolve, reject) => {
      let index = 0;
      zip.on('error', (err: Error) => reject(err instanceof ZipArchiveError ? err : new ZipArchiveError(`damaged ZIP archive: ${err.message}`)));
      zip.on('end', () => resolve());
      zip.on('entry', (entry: yauzl.Entry) => {
        const raw = entry.fileName as unknown as Buffer;
        const name = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, raw, entry.extraFields, false);
        const mode = (entry.externalFileAttributes >>> 16) & 0o170000;
        const info: ZipEntryInfo = {
          name,
          uncompressedSize: entry.uncompressedSize,
          isDirectory: name.endsWith('/'),
          isSymlink: mode === 0o120000,
          open: () =>
            new Promise((res, rej) =>
              zip.openReadStream(entry, (err, stream) => (err ? rej(new ZipArchiveError(`entry '${name}' cannot be read: ${err.message}`)) : res(stream))),
            ),
        };
        visit(info, index++).then(
          () => zip.readEntry(),
          (err: unknown) => reject(err),
        );
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
}

/**
 * Why an entry name is unsafe to extract, or undefined: absolute paths,
 * drive letters, `..` segments and control characters could place a file
 * outside the destination folder or make an unusable name.
 */
export function zipEntryProblem(name: string): string | undefined {
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'a name with control characters';
  if (name.startsWith('/')) return 'an absolute path';
  if (/^[A-Za-z]:/.test(name)) return 'a path with a drive letter';
  if (name.split('/').some((p) => p === '..')) return "a path climbing out with '..'";
  return undefined;
}
