import fs from 'node:fs/promises';
import type { InputKind } from './gs-args.js';
import { RipError } from './rip-error.js';

/**
 * What Ghostscript should treat the file as, from its first bytes (never its name).
 * Illustrator files are PDF (modern) or PostScript/EPS (legacy) and land in those kinds.
 */
export async function sniff(input: string): Promise<InputKind> {
  let head: Buffer;
  try {
    const handle = await fs.open(input, 'r');
    try {
      const buf = Buffer.alloc(1024);
      const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
      head = buf.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (err) {
    throw new RipError(`cannot read ${input}: ${err instanceof Error ? err.message : String(err)}`, 'unreadable');
  }
  // DOS EPS binary header (C5 D0 D3 C6): PostScript plus a preview image.
  if (head.subarray(0, 4).equals(Buffer.from([0xc5, 0xd0, 0xd3, 0xc6]))) return 'eps';
  const text = head.toString('latin1');
  if (text.startsWith('%!')) return /^%!PS-Adobe-\d\.\d\s+EPSF-/.test(text) ? 'eps' : 'ps';
  // PDF readers accept the header anywhere in the first 1024 bytes.
  if (text.includes('%PDF-')) return 'pdf';
  throw new RipError(`${input} is neither PDF nor PostScript/EPS`, 'unreadable');
}

export async function dscPageCount(input: string): Promise<number> {
  const handle = await fs.open(input, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    const match = /^%%Pages:\s*(\d+)/m.exec(buf.subarray(0, bytesRead).toString('latin1'));
    const pages = match ? Number(match[1]) : 0;
    return pages > 0 ? pages : 1;
  } finally {
    await handle.close();
  }
}
