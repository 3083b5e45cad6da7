import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RipPool } from '../../src/adapters/ghostscript/rip-pool.js';

// A real 17-page PDF nobody here wrote (Debian's shared-mime-info package).
const PDF = '/usr/share/doc/shared-mime-info/shared-mime-info-spec.pdf';

let dir: string;
let pool: RipPool;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-rip-progress-'));
  pool = new RipPool({ size: 1 });
});

afterAll(async () => {
  await pool?.close();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('RipPool onPages', () => {
  it('reports the pages a whole-document rip has begun, rising, never past the page count', async () => {
    const seen: number[] = [];
    // 17 pages at 300 dpi: seconds of Ghostscript work, many times the 200 ms the pool checks at.
    const { pages } = await pool.rip({
      input: PDF,
      outputDir: path.join(dir, 'all'),
      resolution: 300,
      colorspace: 'Gray',
      alpha: false,
      onPages: (n) => seen.push(n),
    });
    expect(pages).toHaveLength(17);
    expect(seen.length).toBeGreaterThan(1);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThan(seen[i - 1]!);
    expect(seen[0]).toBeGreaterThanOrEqual(1);
    expect(seen.at(-1)).toBeLessThanOrEqual(17);
  });

  it('refuses an onPages that is not a function, naming it', async () => {
    await expect(
      pool.rip({ input: PDF, outputDir: path.join(dir, 'bad'), resolution: 72, colorspace: 'Gray', alpha: false, onPages: 3 as never }),
    ).rejects.toThrow('Expected function for onPages but received 3');
  });
});
