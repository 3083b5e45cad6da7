import fs from 'node:fs/promises';
import { fileTypeFromFile } from 'file-type';
import type { DetectedFormat } from '../../domain/asset-types.js';

const BY_EXT: Record<string, DetectedFormat> = {
  jpg: 'jpeg',
  png: 'png',
  tif: 'tiff',
  webp: 'webp',
  gif: 'gif',
  psd: 'psd',
  pdf: 'pdf',
  ps: 'postscript',
  eps: 'eps',
  // file-type recognises a profile by its signature, 'acsp' at bytes 36-39 (ICC.1 §7.2.9).
  icc: 'icc',
  // ISO base media files: file-type names them after the major brand of the `ftyp` box.
  mp4: 'mp4',
  m4v: 'mp4',
  f4v: 'mp4',
  '3gp': 'mp4',
  '3g2': 'mp4',
  mov: 'mov',
  // Matroska and WebM share EBML; the DocType element tells them apart.
  webm: 'webm',
  mkv: 'mkv',
  avi: 'avi',
};

// Illustrator saves PDF- or PostScript-compatible files; its own marks near the
// start are what tell them apart from ordinary PDFs and EPS files.
const ILLUSTRATOR_MARKS = ['%%Creator: Adobe Illustrator', 'AIPrivateData', '<xmp:CreatorTool>Adobe Illustrator', '/Creator (Adobe Illustrator'];

/** Detects the format from the bytes, never from the file name. */
export async function sniffFormat(file: string): Promise<DetectedFormat | undefined> {
  const detected = await fileTypeFromFile(file);
  const format = detected ? BY_EXT[detected.ext] : undefined;
  if (format === 'pdf' || format === 'postscript' || format === 'eps') {
    return (await hasIllustratorMark(file)) ? 'illustrator' : format;
  }
  if (format === 'icc' && !(await declaresOwnSize(file))) return undefined;
  return format;
}

/**
 * file-type goes by the 'acsp' signature alone; a real profile also starts
 * with its own size, at least a header and tag count (ICC.1 §7.2.2), and no
 * more than the file holds. Text that happens to have 'acsp' at 36 does not.
 */
async function declaresOwnSize(file: string): Promise<boolean> {
  const fh = await fs.open(file, 'r');
  try {
    const { size } = await fh.stat();
    const buf = Buffer.alloc(4);
    const { bytesRead } = await fh.read(buf, 0, 4, 0);
    const declared = bytesRead === 4 ? buf.readUInt32BE(0) : 0;
    return declared >= 132 && declared <= size;
  } finally {
    await fh.close();
  }
}

async function hasIllustratorMark(file: string): Promise<boolean> {
  const fh = await fs.open(file, 'r');
  try {
    const buf = Buffer.alloc(256 * 1024);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    const head = buf.subarray(0, bytesRead).toString('latin1');
    return ILLUSTRATOR_MARKS.some((m) => head.includes(m));
  } finally {
    await fh.close();
  }
}
