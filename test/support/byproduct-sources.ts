import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { type Layer, writePsdBuffer } from 'ag-psd';
import { expect } from 'vitest';
import type { Harness, companyWithUser } from './harness.js';

const run = promisify(execFile);

/** An 8x6 layer of one colour at (left, top). */
export const solidLayer = (name: string, left: number, top: number, rgba: [number, number, number, number]): Layer => {
  const data = new Uint8ClampedArray(8 * 6 * 4);
  for (let i = 0; i < 8 * 6; i++) data.set(rgba, i * 4);
  return { name, left, top, imageData: { width: 8, height: 6, data } };
};

/**
 * Writes `dir`/brochure.pdf (PostScript through Ghostscript) and returns its path.
 * Two pages, so a rip also makes an eCatalog (a one-page PDF gets none).
 */
export async function writeBrochurePdf(dir: string): Promise<string> {
  const ps = path.join(dir, 'brochure.ps');
  await fs.writeFile(ps, '%!PS\n/Helvetica findfont 24 scalefont setfont\n72 700 moveto (page one) show showpage\n72 700 moveto (page two) show showpage\n');
  const pdf = path.join(dir, 'brochure.pdf');
  await run('gs', ['-dSAFER', '-dBATCH', '-dNOPAUSE', '-q', '-sDEVICE=pdfwrite', `-sOutputFile=${pdf}`, ps]);
  return pdf;
}

/**
 * Writes `dir`/poster.psd and returns its path: a white 32x24 canvas with two
 * layers, Red and Blue, so MaintainLayers makes two layer images (and a template).
 */
export async function writePosterPsd(dir: string): Promise<string> {
  const psd = path.join(dir, 'poster.psd');
  const white = new Uint8ClampedArray(32 * 24 * 4).fill(255);
  await fs.writeFile(
    psd,
    writePsdBuffer({
      width: 32,
      height: 24,
      imageData: { width: 32, height: 24, data: white },
      children: [solidLayer('Red', 2, 2, [255, 0, 0, 255]), solidLayer('Blue', 20, 14, [0, 0, 255, 255])],
    }),
  );
  return psd;
}

/**
 * Runs a real reprocess job over the brochure and the poster and waits until it
 * is done without errors: the rip makes the pages and the eCatalog, the PSD its
 * layer images and template.
 */
export async function makeByproducts(h: Harness, company: Awaited<ReturnType<typeof companyWithUser>>, assetHandles: string[]): Promise<void> {
  const job = await h.api(
    'submitJob',
    {
      companyHandle: company.companyHandle,
      jobName: 'byproducts',
      reprocessAssetsJob: {
        assetHandleArray: assetHandles,
        createMask: false,
        emailSetting: 'None',
        pdfOptions: { resolution: 36, pdfCatalog: true },
        photoshopOptions: { process: 'MaintainLayers', layerOptions: { layerNaming: 'LayerName', createTemplate: true } },
      },
    },
    company.who,
  );
  expect(job.status, JSON.stringify(job.body)).toBe(200);
  expect(await h.client.workflow.getHandle(job.body.jobHandle).result()).toMatchObject({ outcome: 'done', errors: 0 });
}
