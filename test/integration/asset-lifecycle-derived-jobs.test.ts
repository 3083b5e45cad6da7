import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, companyWithUser, seedAssets, startHarness } from '../support/harness.js';
import { makeJpeg, squarePdf } from '../support/fixtures.js';
import { lifecycleJobs } from '../support/lifecycle-jobs.js';

/**
 * The trash and jobs that make derived assets (docs/assets.md#jobs-and-the-trash):
 * a rip whose document is trashed while it runs fails alone, creates no live
 * page of the trashed document, never makes it live again and leaves no file
 * that no asset owns. An upload of a trashed asset's name gets a number
 * appended, the name staying reserved for the trashed asset.
 */
describe(`asset lifecycle and jobs making derived assets (${process.env.IPS_TEST_DB})`, () => {
  let h: Harness;
  let dir: string;
  let acme: Awaited<ReturnType<typeof companyWithUser>>;
  let handles: Record<string, string>;

  const { row, directJob, reprocessOptions: options, trash, reprocessAt } = lifecycleJobs({ h: () => h, acme: () => acme });
  const livePagesOf = (source: string) =>
    h.ctx.database.db
      .selectFrom('asset_derivations')
      .innerJoin('assets', 'assets.asset_handle', 'asset_derivations.asset_handle')
      .select('assets.asset_handle')
      .where('source_handle', '=', source)
      .where('trash_state', '=', 'NotInTrash')
      .execute();
  /** Stored files written under a job (their keys carry its tag) that no asset row names. */
  const orphans = async (jobHandle: string, anyKey: string) => {
    const { createHash } = await import('node:crypto');
    const tag = createHash('sha256').update(jobHandle).digest('hex').slice(0, 16);
    const full = await h.ctx.storage.localPath(anyKey);
    const root = full.slice(0, full.length - anyKey.length);
    const files = (await fs.readdir(root, { recursive: true, withFileTypes: true }))
      .filter((e) => e.isFile())
      .map((e) => path.relative(root, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
      .filter((k) => k.includes(tag));
    const rows = await h.ctx.database.db.selectFrom('assets').select(['original_key', 'optimized_key', 'mask_key']).execute();
    const named = new Set(rows.flatMap((r) => [r.original_key, r.optimized_key, r.mask_key]));
    return files.filter((k) => !named.has(k));
  };

  beforeAll(async () => {
    h = await startHarness();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-life-derived-'));
    acme = await companyWithUser(h, 'Acme', 'IpsUser');
    const texts = ['one', 'two', 'three', 'four', 'five', 'six'];
    handles = await seedAssets(h, acme, [
      { path: await squarePdf(path.join(dir, 'pages.pdf'), texts) },
      { path: await squarePdf(path.join(dir, 'thumb.pdf'), texts.slice(0, 2)) },
    ]);
  }, 120_000);

  afterAll(async () => {
    await h?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('a rip whose PDF is trashed while it counts pages fails alone: no live page, the PDF stays in the trash, no file left behind', async () => {
    const job = directJob('rip-trashed');
    const result = await reprocessAt('counting', trash(handles.pages!), job, options({ process: 'Rasterize', resolution: 36, pdfCatalog: true }), {
      assetHandle: handles.pages!,
      name: 'pages',
    });
    expect(result).toMatchObject({ status: 'error', reason: 'the asset was moved to the trash while the job ran' });
    expect((await row(handles.pages!)).trash_state).toBe('InTrash');
    expect(await livePagesOf(handles.pages!)).toEqual([]);
    expect(await orphans(job.jobHandle, (await row(handles.pages!)).original_key)).toEqual([]);
  });

  it('a thumbnail rip whose PDF is trashed meanwhile fails alone and removes the preview it stored', async () => {
    const job = directJob('thumb-trashed');
    const before = await row(handles.thumb!);
    const result = await reprocessAt('counting', trash(handles.thumb!), job, options({ process: 'Thumbnail', resolution: 36 }), {
      assetHandle: handles.thumb!,
      name: 'thumb',
    });
    expect(result).toMatchObject({ status: 'error', reason: 'the asset was moved to the trash while the job ran' });
    const after = await row(handles.thumb!);
    expect(after).toMatchObject({ trash_state: 'InTrash', optimized_key: before.optimized_key });
    expect(await orphans(job.jobHandle, after.original_key)).toEqual([]);
  });

  it("an upload of a trashed asset's name gets a number appended; the trashed asset keeps its name", async () => {
    const jpeg = await makeJpeg(path.join(dir, 'kept.jpg'), 64, 48);
    const first = (await seedAssets(h, acme, [{ path: jpeg }])).kept!;
    await trash(first)();
    const again = await seedAssets(h, acme, [{ path: jpeg }]);
    expect(await row(again.kept_2!)).toMatchObject({ name: 'kept_2', file_name: 'kept_2.jpg', trash_state: 'NotInTrash' });
    expect(await row(first)).toMatchObject({ name: 'kept', trash_state: 'InTrash' });
    const restored = await h.api('restoreAssetsFromTrash', { companyHandle: acme.companyHandle, assetHandleArray: [first] }, acme.who);
    expect(restored.body).toMatchObject({ successCount: 1 });
  });
});
