import path from 'node:path';
import { RipError } from '../../adapters/ghostscript/rip-pool.js';
import type { Scratch } from '../../adapters/storage/scratch.js';
import type { ItemProgress } from '../item-progress.js';
import { pageProgress } from './page-progress.js';
import { writePage } from './page-writer.js';
import { type DocumentRun, RIP_ENGINE, type RipTools, type RippedPage } from './rip-types.js';

/**
 * Rips the pages not yet done by this job, as many at a time as the pool has
 * children, committing each page as soon as it is built. Between pages the
 * abort signal (stop, pause) is honoured; the page at hand is killed with its
 * Ghostscript child.
 */
export async function ripPages(tools: RipTools, run: DocumentRun, count: number, progress: ItemProgress): Promise<RippedPage[]> {
  const { job, doc, input, options: o, work, signal } = run;
  const existing = new Map((await tools.derivations.bySource(doc.asset_handle, RIP_ENGINE)).map((d) => [d.position, d]));
  const done: RippedPage[] = [];
  const todo: number[] = [];
  // Pages this job already committed (a resumed or retried activity), looked up in one query.
  const mine = [...existing.values()].filter((d) => d.job_handle === job.jobHandle).map((d) => d.asset_handle);
  const rows = new Map((mine.length ? await tools.assets.findByHandles(doc.company_handle, mine) : []).map((r) => [r.asset_handle, r]));
  for (let page = 1; page <= count; page++) {
    const d = existing.get(page);
    const row = d && d.job_handle === job.jobHandle ? rows.get(d.asset_handle) : undefined;
    if (row && row.trash_state === 'NotInTrash') done.push({ page, handle: row.asset_handle, path: `${row.folder}${row.name}`, masked: row.mask_key !== null });
    else todo.push(page);
  }
  // PostScript cannot jump to a page: one Ghostscript run renders the whole document.
  if (!(await isPdf(tools.scratch, input))) {
    if (todo.length > 0) {
      const counter = pageProgress(count, 0, progress);
      const onPages = (begun: number) => counter.begun(begun);
      const { pages } = await tools.rip.rip({ input, outputDir: work, resolution: o.resolution, colorspace: o.colorspace, alpha: o.alpha, onPages }, signal);
      counter.ripped(count);
      for (const p of pages) {
        done.push(await writePage(tools, run, { page: p.page, file: p.file, existingHandle: existing.get(p.page)?.asset_handle }));
        counter.stored();
      }
    }
  } else {
    const counter = pageProgress(count, done.length, progress);
    let next = 0;
    let failed = false;
    const lane = async () => {
      for (;;) {
        if (signal?.aborted) throw new RipError('stopped', 'aborted');
        if (failed) return;
        const page = todo[next++];
        if (page === undefined) return;
        const dir = path.join(work, `p${page}`);
        const { pages } = await tools.rip.rip(
          { input, outputDir: dir, firstPage: page, lastPage: page, resolution: o.resolution, colorspace: o.colorspace, alpha: o.alpha },
          signal,
        );
        counter.ripped(1);
        done.push(await writePage(tools, run, { page, file: pages[0]!.file, existingHandle: existing.get(page)?.asset_handle, textSource: input }));
        counter.stored();
        await tools.scratch.remove(dir);
      }
    };
    // A failed page stops the other lanes taking more; the rip settles only when none is still writing a page.
    const lanes = await Promise.allSettled(
      Array.from({ length: Math.min(tools.rip.size, Math.max(1, todo.length)) }, () =>
        lane().catch((err: unknown) => {
          failed = true;
          throw err;
        }),
      ),
    );
    const rejected = lanes.find((l): l is PromiseRejectedResult => l.status === 'rejected');
    if (rejected) throw rejected.reason;
  }
  return done.sort((a, b) => a.page - b.page);
}

async function isPdf(scratch: Scratch, file: string): Promise<boolean> {
  return (await scratch.head(file, 5)).toString('latin1') === '%PDF-';
}
