import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rasterArgs, refusal, SAFETY_FLAGS } from '../../src/adapters/ghostscript/gs-args.js';
import { RipError, type RipRequest, RipPool } from '../../src/adapters/ghostscript/rip-pool.js';

// A real multi-page PDF nobody here wrote (Debian's shared-mime-info package).
const PDF = '/usr/share/doc/shared-mime-info/shared-mime-info-spec.pdf';

let dir: string;
let pool: RipPool;
const file = (name: string) => path.join(dir, name);
const out = (name: string) => path.join(dir, 'out', name);

/** The rip's rejection, asserted to be a RipError. */
async function ripError(promise: Promise<unknown>): Promise<RipError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RipError);
  return err as RipError;
}

function gone(pid: number | undefined): boolean {
  expect(pid).toBeTypeOf('number');
  try {
    process.kill(pid as number, 0);
    return false;
  } catch {
    return true;
  }
}

const rgb = (input: string, outputDir: string, extra: Partial<RipRequest> = {}): RipRequest => ({
  input,
  outputDir,
  resolution: 72,
  colorspace: 'Rgb',
  alpha: false,
  ...extra,
});

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-rip-unit-'));
  await fs.writeFile(
    file('box.eps'),
    [
      '%!PS-Adobe-3.0 EPSF-3.0',
      '%%BoundingBox: 0 0 100 50',
      '%%EndComments',
      // a pure blue box from (10,10) to (50,30) points
      '0 0 1 setrgbcolor 10 10 40 20 rectfill',
      'showpage',
      '%%EOF',
      '',
    ].join('\n'),
  );
  await fs.writeFile(
    file('peek.ps'),
    '%!PS\n(/etc/passwd) (r) file 100 string readstring pop pop\n/Helvetica findfont 12 scalefont setfont 10 10 moveto (read it) show showpage\n',
  );
  await fs.writeFile(file('loop.ps'), '%!PS\n{} loop\n');
  await fs.writeFile(file('notes.pdf'), 'just some text\n');
  pool = new RipPool({ size: 2 });
});

afterAll(async () => {
  await pool?.close();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('Ghostscript arguments', () => {
  it('always carry the safety flags, and the child refuses arguments without them', () => {
    const args = rasterArgs({ input: '/in/a.pdf', inputKind: 'pdf', device: 'png16m', outputDir: '/out/50%', resolution: 72 });
    expect(args[0]).toBe('gs');
    expect(args).toEqual(expect.arrayContaining([...SAFETY_FLAGS]));
    expect(args).toContain('-sOutputFile=/out/50%%/page-%04d.png');
    expect(refusal(args)).toBeUndefined();
    expect(refusal(['gs', '-dBATCH', '-sDEVICE=png16m', '/in/a.pdf'])).toBe('missing mandatory -dSAFER -dNOPAUSE -dQUIET');
    expect(refusal([...args.slice(0, -1), '-dNOSAFER', '/in/a.pdf'])).toBe('unsafe option -dNOSAFER');
    expect(refusal(['-dSAFER', '-dBATCH', '-dNOPAUSE', '-dQUIET'])).toBe("the first argument must be the program name 'gs'");
  });

  it('refuses relative paths, which could be read as options', async () => {
    await expect(pool.rip(rgb('-dNOSAFER', out('x')))).rejects.toThrow('Expected absolute path for input but received "-dNOSAFER"');
    await expect(pool.rip(rgb(PDF, out('x'), { resolution: 0 }))).rejects.toThrow('Expected number between 1 and 2400 for resolution but received 0');
  });
});

describe('RipPool with a real PDF', () => {
  it('counts its pages', async () => {
    expect(await pool.pageCount(PDF)).toBeGreaterThan(1);
  });

  it('rips pages 1–3 into PNGs sized by the resolution', async () => {
    const { pages } = await pool.rip(rgb(PDF, out('rgb72'), { firstPage: 1, lastPage: 3 }));
    expect(pages.map((p) => p.page)).toEqual([1, 2, 3]);
    expect(pages.map((p) => path.basename(p.file))).toEqual(['page-0001.png', 'page-0002.png', 'page-0003.png']);
    expect((await fs.readdir(out('rgb72'))).sort()).toEqual(['page-0001.png', 'page-0002.png', 'page-0003.png']);
    const small = await Promise.all(pages.map((p) => sharp(p.file).metadata()));
    for (const meta of small) {
      expect(meta.format).toBe('png');
      expect(meta.channels).toBe(3);
      // A4 or US letter at 72 dpi: about 595–612 × 792–842 pixels
      expect(meta.width).toBeGreaterThan(550);
      expect(meta.width).toBeLessThan(650);
      expect(meta.height).toBeGreaterThan(750);
      expect(meta.height).toBeLessThan(900);
    }
    const [large] = (await pool.rip(rgb(PDF, out('rgb144'), { firstPage: 1, lastPage: 1, resolution: 144 }))).pages;
    const big = await sharp(large.file).metadata();
    expect(Math.abs(big.width - 2 * small[0].width)).toBeLessThanOrEqual(1);
    expect(Math.abs(big.height - 2 * small[0].height)).toBeLessThanOrEqual(1);
  });

  it('names the files after the source pages', async () => {
    const { pages } = await pool.rip(rgb(PDF, out('from2'), { firstPage: 2, lastPage: 3 }));
    expect(pages.map((p) => [p.page, path.basename(p.file)])).toEqual([
      [2, 'page-0002.png'],
      [3, 'page-0003.png'],
    ]);
  });

  it('gives 1-channel PNGs for Gray and CMYK TIFFs for Cmyk', async () => {
    const [gray] = (await pool.rip(rgb(PDF, out('gray'), { lastPage: 1, colorspace: 'Gray' }))).pages;
    const grayMeta = await sharp(gray.file).metadata();
    expect(grayMeta.format).toBe('png');
    expect(grayMeta.channels).toBe(1);

    const [cmyk] = (await pool.rip(rgb(PDF, out('cmyk'), { lastPage: 1, colorspace: 'Cmyk' }))).pages;
    expect(path.basename(cmyk.file)).toBe('page-0001.tif');
    const cmykMeta = await sharp(cmyk.file).metadata();
    expect(cmykMeta.format).toBe('tiff');
    expect(cmykMeta.space).toBe('cmyk');
  });

  it('extracts the text of page 1', async () => {
    // The title page reads "Shared MIME-info Database".
    expect(await pool.extractText(PDF, 1)).toContain('MIME');
  });

  it('runs two rips in parallel on two children', async () => {
    const [a, b] = await Promise.all([
      pool.rip(rgb(PDF, out('par-a'), { firstPage: 1, lastPage: 4 })),
      pool.rip(rgb(PDF, out('par-b'), { firstPage: 5, lastPage: 8 })),
    ]);
    expect(a.pages.map((p) => p.page)).toEqual([1, 2, 3, 4]);
    expect(b.pages.map((p) => p.page)).toEqual([5, 6, 7, 8]);
    expect(pool.childPids().length).toBeLessThanOrEqual(2);
  });
});

describe('RipPool with PostScript', () => {
  it('crops an EPS to its bounding box and draws where the program says', async () => {
    const { pages } = await pool.rip(rgb(file('box.eps'), out('eps'), { resolution: 144 }));
    expect(pages).toHaveLength(1);
    const { data, info } = await sharp(pages[0].file).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([200, 100]);
    const pixel = (x: number, y: number) => [...data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3)];
    // the box spans x 20–100, y 40–80 (from the top) at 2 pixels per point
    expect(pixel(60, 60)).toEqual([0, 0, 255]);
    expect(pixel(150, 20)).toEqual([255, 255, 255]);
    expect(await pool.pageCount(file('box.eps'))).toBe(1);
  });

  it('keeps -dSAFER: a program reading /etc/passwd fails and writes nothing', async () => {
    const err = await ripError(pool.rip(rgb(file('peek.ps'), out('peek'))));
    expect(err.kind).toBe('unreadable');
    expect(err.message).toContain('invalidfileaccess');
    expect(await fs.readdir(out('peek'))).toEqual([]);
  });

  it('refuses a file that is neither PDF nor PostScript', async () => {
    const err = await ripError(pool.rip(rgb(file('notes.pdf'), out('notes'))));
    expect(err.kind).toBe('unreadable');
  });

  it('kills a runaway program after the page time limit', async () => {
    const err = await ripError(pool.rip(rgb(file('loop.ps'), out('loop'), { pageTimeoutMs: 2000 })));
    expect(err.kind).toBe('timeout');
    expect(gone(err.pid)).toBe(true);
    expect(await fs.readdir(out('loop'))).toEqual([]);
  });

  it('kills the child on abort and replaces it for the next rip', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 500);
    const err = await ripError(pool.rip(rgb(file('loop.ps'), out('abort'), { pageTimeoutMs: 60_000 }), controller.signal));
    expect(err.kind).toBe('aborted');
    expect(gone(err.pid)).toBe(true);
    expect(pool.childPids()).not.toContain(err.pid);

    const { pages } = await pool.rip(rgb(PDF, out('after-abort'), { lastPage: 1 }));
    expect(pages).toHaveLength(1);
  });
});
