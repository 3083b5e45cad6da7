/**
 * Rip pool vs the gs command line: every page of a real PDF at 150 dpi (png16m),
 * split into one contiguous page range per CPU, run with that many pool children
 * and that many `gs` processes with the same arguments. Prints pages/s for both
 * and their ratio (target: pool ≥ 0.9 × CLI).
 *
 *   npm run build && node bench/rip.mjs [absolute/path/to/file.pdf]
 *
 * Plain JavaScript over the compiled dist/ because Node 20 cannot run TypeScript
 * and no TypeScript runner is installed.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { rasterArgs } from '../dist/src/adapters/ghostscript/gs-args.js';
import { RipPool } from '../dist/src/adapters/ghostscript/rip-pool.js';

const input = process.argv[2] ?? '/usr/share/doc/shared-mime-info/shared-mime-info-spec.pdf';
const resolution = 150;
const parallel = os.availableParallelism();
const rounds = 3;

const pool = new RipPool({ size: parallel });
const work = await fs.mkdtemp(path.join(os.tmpdir(), 'rip-bench-'));

try {
  const pageCount = await pool.pageCount(input);
  const per = Math.ceil(pageCount / parallel);
  const ranges = [];
  for (let first = 1; first <= pageCount; first += per) ranges.push({ first, last: Math.min(pageCount, first + per - 1) });

  const viaPool = async (dir) => {
    const results = await Promise.all(
      ranges.map((r, i) =>
        pool.rip({ input, outputDir: path.join(dir, String(i)), firstPage: r.first, lastPage: r.last, resolution, colorspace: 'Rgb', alpha: false }),
      ),
    );
    return results.reduce((n, r) => n + r.pages.length, 0);
  };

  const viaCli = async (dir) => {
    await Promise.all(
      ranges.map(async (r, i) => {
        const outputDir = path.join(dir, String(i));
        await fs.mkdir(outputDir, { recursive: true });
        // Same argument list the pool's children get; argv[0] ('gs') is the program.
        const args = rasterArgs({ input, inputKind: 'pdf', device: 'png16m', outputDir, resolution, firstPage: r.first, lastPage: r.last }).slice(1);
        await new Promise((resolve, reject) => {
          const gs = spawn('gs', args, { stdio: ['ignore', 'ignore', 'inherit'] });
          gs.on('error', reject);
          gs.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`gs exited with ${code}`))));
        });
      }),
    );
    const counts = await Promise.all(ranges.map(async (_, i) => (await fs.readdir(path.join(dir, String(i)))).length));
    return counts.reduce((a, b) => a + b, 0);
  };

  /** Median pages/s over `rounds` timed runs, after one untimed warm-up (the pool's children start there). */
  const measure = async (name, run) => {
    const rates = [];
    for (let round = 0; round <= rounds; round++) {
      const dir = path.join(work, `${name}-${round}`);
      const start = process.hrtime.bigint();
      const pages = await run(dir);
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      if (pages !== pageCount) throw new Error(`${name}: ${pages} pages rendered, expected ${pageCount}`);
      if (round > 0) rates.push(pages / seconds);
      await fs.rm(dir, { recursive: true, force: true });
    }
    return rates.sort((a, b) => a - b)[Math.floor(rates.length / 2)];
  };

  console.log(`${path.basename(input)}: ${pageCount} pages at ${resolution} dpi, ${ranges.length} ranges, ${parallel} processes, median of ${rounds}`);
  const cli = await measure('cli', viaCli);
  const ripped = await measure('pool', viaPool);
  console.log(`gs CLI   ${cli.toFixed(1)} pages/s`);
  console.log(`RipPool  ${ripped.toFixed(1)} pages/s`);
  console.log(`ratio    ${(ripped / cli).toFixed(2)} (target ≥ 0.90)`);
} finally {
  await pool.close();
  await fs.rm(work, { recursive: true, force: true });
}
