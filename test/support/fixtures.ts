import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';

const run = promisify(execFile);

/** A photo-like JPEG: a gradient with noise, encoded by libjpeg through sharp. */
export async function makeJpeg(file: string, width = 1600, height = 1200): Promise<string> {
  const noise = await sharp({ create: { width, height, channels: 3, background: { r: 0, g: 0, b: 0 }, noise: { type: 'gaussian', mean: 128, sigma: 40 } } })
    .raw()
    .toBuffer();
  const gradient = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      gradient[i] = Math.round((x / width) * 255);
      gradient[i + 1] = Math.round((y / height) * 255);
      gradient[i + 2] = 128;
    }
  }
  const mixed = Buffer.alloc(gradient.length);
  for (let i = 0; i < mixed.length; i++) mixed[i] = (gradient[i]! * 3 + noise[i]!) >> 2;
  await sharp(mixed, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 85 })
    .withMetadata({ density: 300 })
    .toFile(file);
  return file;
}

/** A PNG with a real alpha channel. */
export async function makePng(file: string, width = 640, height = 480): Promise<string> {
  await sharp({ create: { width, height, channels: 4, background: { r: 20, g: 120, b: 220, alpha: 0.6 } } })
    .composite([
      { input: Buffer.from(`<svg width="${width}" height="${height}"><circle cx="${width / 2}" cy="${height / 2}" r="${height / 3}" fill="orange"/></svg>`) },
    ])
    .png()
    .toFile(file);
  return file;
}

/**
 * A real PDF: a Debian documentation PDF when the machine has it
 * (scripts/setup.sh --test installs shared-mime-info), else one written by
 * Ghostscript's pdfwrite device.
 */
export async function realPdf(dir: string): Promise<string> {
  const shipped = '/usr/share/doc/shared-mime-info/shared-mime-info-spec.pdf';
  const target = path.join(dir, 'spec.pdf');
  if (existsSync(shipped)) {
    await fs.copyFile(shipped, target);
    return target;
  }
  const ps = path.join(dir, 'page.ps');
  await fs.writeFile(ps, '%!PS\n/Helvetica findfont 24 scalefont setfont 72 700 moveto (IPS test page) show showpage\n');
  await run('gs', ['-dSAFER', '-dBATCH', '-dNOPAUSE', '-q', '-sDEVICE=pdfwrite', `-sOutputFile=${target}`, ps]);
  return target;
}

/**
 * A PDF of two-inch-square pages, one per text, written by Ghostscript's pdfwrite: at 36 ppi each page is
 * 72×72 pixels. `file` is the PDF to write; its PostScript source is written beside it.
 */
export async function squarePdf(file: string, pageTexts: readonly string[]): Promise<string> {
  const ps = file.replace(/\.pdf$/i, '') + '.ps';
  await fs.writeFile(ps, `%!PS\n/Helvetica findfont 24 scalefont setfont\n${pageTexts.map((t) => `20 60 moveto (${t}) show showpage\n`).join('')}`);
  await run('gs', [
    '-dSAFER',
    '-dBATCH',
    '-dNOPAUSE',
    '-q',
    '-sDEVICE=pdfwrite',
    '-dDEVICEWIDTHPOINTS=144',
    '-dDEVICEHEIGHTPOINTS=144',
    '-dFIXEDMEDIA',
    `-sOutputFile=${file}`,
    ps,
  ]);
  return file;
}

/** A file that claims to be a JPEG (valid header) but whose data is cut off. */
export async function makeCorruptJpeg(file: string, source: string): Promise<string> {
  const bytes = await fs.readFile(source);
  await fs.writeFile(file, bytes.subarray(0, Math.floor(bytes.length / 3)));
  return file;
}

export interface UploadFile {
  path: string;
  name?: string;
}

/** Posts to the UploadFile servlet the way an IPS client does (multipart). */
export async function uploadPost(
  baseUrl: string,
  opts: { params: Record<string, unknown>; files: UploadFile[]; authorization?: string; authPart?: { user: string; password: string } },
): Promise<{ status: number; body: any }> {
  const form = new FormData();
  if (opts.authPart) form.append('auth', JSON.stringify(opts.authPart));
  form.append('uploadParams', JSON.stringify(opts.params));
  for (const f of opts.files) {
    form.append('file', new Blob([await fs.readFile(f.path)]), f.name ?? path.basename(f.path));
  }
  const headers: Record<string, string> = {};
  if (opts.authorization) headers.authorization = opts.authorization;
  const res = await fetch(`${baseUrl}/scene7/UploadFile`, { method: 'POST', body: form, headers });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** A layered-file PSD with its flattened composite (what "Maximize Compatibility" saves). */
export async function makePsd(file: string, width = 120, height = 80): Promise<string> {
  const { writePsdBuffer } = await import('ag-psd');
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set([200, i % 256, 40, 255], i * 4);
  await fs.writeFile(
    file,
    writePsdBuffer({ width, height, imageData: { width, height, data, colorSpace: 'srgb' } as never, children: [] }, { generateThumbnail: false }),
  );
  return file;
}

/** An Encapsulated PostScript file (text, as Illustrator and others write them). */
export async function makeEps(file: string): Promise<string> {
  await fs.writeFile(file, '%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 100 100\n%%EndComments\nnewpath 10 10 moveto 90 90 lineto stroke\nshowpage\n%%EOF\n');
  return file;
}

/**
 * An Illustrator file: PDF-compatible, with Illustrator's creator mark. The mark
 * is appended after the PDF's end (readers ignore trailing bytes), so the
 * cross-reference offsets stay valid and Ghostscript reads every page; `pdf`
 * must be under the sniffer's 256 KiB look-ahead.
 */
export async function makeAi(file: string, pdf: string): Promise<string> {
  const bytes = await fs.readFile(pdf);
  await fs.writeFile(file, Buffer.concat([bytes, Buffer.from('\n% /Creator (Adobe Illustrator 27.0)\n', 'latin1')]));
  return file;
}
