/**
 * `node bench/lib/bare-render.mjs <out dir> <file>…`: the benches' reprocess
 * work on each file with bare sharp (one libvips thread, files one after
 * another; BARE_VIPS_THREADS changes it) and nothing around it; prints the
 * seconds taken. bench/scale runs
 * it pinned to one CPU, then as two processes pinned to one CPU each: how
 * this host scales the pixel work itself from one CPU to two.
 */
import path from 'node:path';
import sharp from 'sharp';
import { PYRAMID_JPEG_QUALITY } from '../../dist/src/adapters/media/pyramid-tiff.js';
import { HEIGHT, OUTPUT_PROFILE, WIDTH } from './service.mjs';

const [out, ...files] = process.argv.slice(2);
// One libvips thread unless BARE_VIPS_THREADS says otherwise (bench/latency also measures all of them).
sharp.concurrency(Number(process.env.BARE_VIPS_THREADS ?? 1));
sharp.cache(false);
const crop = { left: 100, right: 100, top: 80, bottom: 80 };
const started = process.hrtime.bigint();
for (const file of files) {
  await sharp(file, { failOn: 'warning' })
    .rotate()
    .extract({ left: crop.left, top: crop.top, width: WIDTH - crop.left - crop.right, height: HEIGHT - crop.top - crop.bottom })
    .withIccProfile(OUTPUT_PROFILE)
    .sharpen({ sigma: 1.0, m1: 0, m2: 1.2, x1: (3 * 100) / 255 })
    .tiff({ tile: true, tileWidth: 256, tileHeight: 256, pyramid: true, compression: 'jpeg', quality: PYRAMID_JPEG_QUALITY.srgb })
    .toFile(path.join(out, `${path.basename(file, '.jpg')}.tif`));
}
process.stdout.write(`${Number(process.hrtime.bigint() - started) / 1e9}\n`);
