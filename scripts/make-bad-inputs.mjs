#!/usr/bin/env node
/**
 * Writes the bad-input corpus into test/fixtures/bad-inputs/ (see the README
 * there for what each file is meant to trigger). The files are checked in;
 * run this only to regenerate them: `node scripts/make-bad-inputs.mjs`.
 * Output is deterministic (fixed pixels, fixed ZIP dates) except corrupt.pdf,
 * which keeps the creation date and ID Ghostscript writes into every PDF.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import yazl from 'yazl';

const OUT = fileURLToPath(new URL('../test/fixtures/bad-inputs/', import.meta.url));
const ZIP_DATE = new Date('2024-01-01T00:00:00Z');

const write = (name, bytes) => fs.writeFileSync(path.join(OUT, name), bytes);
const truncate = (bytes) => bytes.subarray(0, Math.floor(bytes.length / 2));

/** Inverts 64 bytes in the middle: the header still says what the file is, the data no longer decodes. */
function corrupt(bytes) {
  const out = Buffer.from(bytes);
  const mid = Math.floor(out.length / 2);
  for (let i = mid; i < mid + 64 && i < out.length; i++) out[i] ^= 0xff;
  return out;
}

/** A gradient with enough detail that every encoder writes real compressed data (nothing to guess from). */
async function picture(width, height) {
  const px = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      px[i] = (x * 255) / width;
      px[i + 1] = (y * 255) / height;
      px[i + 2] = (x * y) % 256;
    }
  }
  return sharp(px, { raw: { width, height, channels: 3 } });
}

function crc32(buf) {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

function pngChunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A well-formed PNG (valid CRCs) whose header declares width×height; the data is one row of zeros. */
function pngBomb(width, height) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, deflate, no filter method, no interlace
  const row = Buffer.alloc(1 + width * 3);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(row, { level: 9 })),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A real JPEG with its frame header (SOF0) rewritten to declare width×height (each ≤ 65535). */
function jpegBomb(jpeg, width, height) {
  const out = Buffer.from(jpeg);
  for (let i = 2; i < out.length - 9;) {
    if (out[i] !== 0xff) throw new Error('not a JPEG marker');
    const marker = out[i + 1];
    if (marker === 0xc0 || marker === 0xc2) {
      out.writeUInt16BE(height, i + 5);
      out.writeUInt16BE(width, i + 7);
      return out;
    }
    i += 2 + out.readUInt16BE(i + 2);
  }
  throw new Error('no SOF marker');
}

/** A PSD whose layer-info section claims `count` layers but holds none of their records. */
function psdLayerBomb(count) {
  const header = Buffer.alloc(26);
  header.write('8BPS', 0, 'latin1');
  header.writeUInt16BE(1, 4); // version
  header.writeUInt16BE(3, 12); // channels
  header.writeUInt32BE(16, 14); // height
  header.writeUInt32BE(16, 18); // width
  header.writeUInt16BE(8, 22); // depth
  header.writeUInt16BE(3, 24); // RGB
  const layerInfo = Buffer.alloc(2 + 16);
  layerInfo.writeInt16BE(count, 0);
  const layerInfoSection = Buffer.concat([u32(layerInfo.length), layerInfo]);
  const layerAndMask = Buffer.concat([u32(layerInfoSection.length + 4), layerInfoSection, u32(0)]);
  const composite = Buffer.concat([Buffer.from([0, 0]), Buffer.alloc(3 * 16 * 16, 0x80)]); // raw, mid gray
  return Buffer.concat([header, u32(0), u32(0), layerAndMask, composite]);
}

function u32(n) {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

function zip(entries) {
  return new Promise((resolve, reject) => {
    const z = new yazl.ZipFile();
    for (const [name, bytes] of entries) z.addBuffer(bytes, name, { mtime: ZIP_DATE, mode: 0o100644, compress: true });
    z.end();
    const parts = [];
    z.outputStream.on('data', (c) => parts.push(c));
    z.outputStream.on('error', reject);
    z.outputStream.on('end', () => resolve(Buffer.concat(parts)));
  });
}

/** yazl refuses unsafe names; write a safe one of the same length and swap the bytes in both headers. */
function renameEntries(bytes, from, to) {
  if (from.length !== to.length) throw new Error('names must have the same length');
  let out = bytes;
  const a = Buffer.from(from, 'latin1');
  for (let at = out.indexOf(a); at !== -1; at = out.indexOf(a, at + 1))
    out = Buffer.concat([out.subarray(0, at), Buffer.from(to, 'latin1'), out.subarray(at + a.length)]);
  return out;
}

/** Rewrites the declared uncompressed size of every entry (local header and central directory) to `size`. */
function lieAboutSize(bytes, size) {
  const out = Buffer.from(bytes);
  for (let i = 0; i < out.length - 4; i++) {
    const sig = out.readUInt32LE(i);
    if (sig === 0x04034b50) out.writeUInt32LE(size, i + 22);
    else if (sig === 0x02014b50) out.writeUInt32LE(size, i + 24);
  }
  return out;
}

async function main() {
  // Files are overwritten, not the folder cleared: its README.md is written by hand.
  fs.mkdirSync(OUT, { recursive: true });
  const img = await picture(160, 120);
  const jpeg = await img.clone().jpeg({ quality: 85 }).toBuffer();
  const png = await img.clone().png().toBuffer();
  const tiff = await img.clone().tiff({ compression: 'deflate' }).toBuffer();
  const pdf = makePdf();

  write('good.jpg', jpeg);
  write('truncated.jpg', truncate(jpeg));
  write('truncated.png', truncate(png));
  write('truncated.tif', truncate(tiff));
  // Half of a PDF would still hold its page (Ghostscript repairs a missing xref); cut inside the content stream, as an interrupted download would.
  write('truncated.pdf', pdf.subarray(0, pdf.indexOf('(Bad input corpus)')));
  write('corrupt.jpg', corrupt(jpeg));
  write('corrupt.png', corrupt(png));
  write('corrupt.tif', corrupt(tiff));
  write('corrupt.pdf', corruptPdf(pdf));

  write('bomb.png', pngBomb(100_000, 100_000));
  write('bomb.jpg', jpegBomb(jpeg, 65_000, 65_000));
  write('layers.psd', psdLayerBomb(30_000));

  write(
    'read-passwd.ps',
    [
      '%!PS',
      '% -dSAFER must refuse to open a file the command line did not name.',
      '/Courier findfont 10 scalefont setfont 36 720 moveto',
      '(/etc/passwd) (r) file 4096 string readstring pop',
      'dup print flush show showpage',
      '',
    ].join('\n'),
  );
  write(
    'write-file.ps',
    [
      '%!PS',
      '% -dSAFER must refuse to create, rename or delete files.',
      '(/tmp/ips-bad-input-written) (w) file dup (written by a hostile PostScript file) writestring closefile',
      '(/tmp/ips-bad-input-written) deletefile',
      'showpage',
      '',
    ].join('\n'),
  );
  write('endless.ps', ['%!PS', '% Never ends: only the page time limit stops it.', '{ } loop', 'showpage', ''].join('\n'));

  const zeros = Buffer.alloc(200 * 1024 * 1024);
  write('zip-bomb.zip', await zip([['zeros.tif', zeros]]));
  // The central directory says 1 KiB; the entry inflates to 200 MiB. Caught while inflating, not by the totals.
  write('zip-bomb-lying.zip', lieAboutSize(await zip([['zeros.tif', zeros]]), 1024));
  write(
    'zip-slip.zip',
    renameEntries(
      await zip([
        ['zz/zz/escaped.jpg', jpeg],
        ['inside.jpg', jpeg],
      ]),
      'zz/zz/',
      '../../',
    ),
  );

  write('png-named.jpg', png);
  write('text-named.tif', 'This is a plain text file with an image extension.\n');
  write('empty.jpg', Buffer.alloc(0));
  write('empty.pdf', Buffer.alloc(0));
  const total = fs.readdirSync(OUT).reduce((sum, n) => sum + fs.statSync(path.join(OUT, n)).size, 0);
  console.log(`wrote ${fs.readdirSync(OUT).length} files, ${total} bytes, to ${OUT}`);
}

/** A one-page PDF written by Ghostscript (uncompressed, so byte damage lands in real objects). */
function makePdf() {
  const tmp = fs.mkdtempSync(path.join(OUT, '.pdf-'));
  try {
    const ps = path.join(tmp, 'page.ps');
    const pdf = path.join(tmp, 'page.pdf');
    fs.writeFileSync(ps, '%!PS\n/Helvetica findfont 24 scalefont setfont 72 700 moveto (Bad input corpus) show 72 600 moveto 300 500 lineto stroke showpage\n');
    execFileSync('gs', ['-dSAFER', '-dBATCH', '-dNOPAUSE', '-q', '-sDEVICE=pdfwrite', '-dCompressPages=false', `-sOutputFile=${pdf}`, ps]);
    return fs.readFileSync(pdf);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Damages every object of the PDF: Ghostscript's repair pass has nothing left to rebuild a page from. */
function corruptPdf(pdf) {
  const text = pdf.toString('latin1');
  return Buffer.from(text.replace(/ obj\b/g, ' jbo').replace(/\bendobj\b/g, 'jbodne'), 'latin1');
}

await main();
