import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultCode } from '../../src/domain/faults.js';
import { type Harness, companyWithUser, seedAssets, startHarness } from '../support/harness.js';
import { makeJpeg, squarePdf } from '../support/fixtures.js';

/** setAssetsPublishState and getAssetCounts (docs/assets.md#publish-state-and-counts). */
describe(`publish state of many assets and asset counts (${process.env.IPS_TEST_DB})`, () => {
  let h: Harness;
  let dir: string;
  let acme: Awaited<ReturnType<typeof companyWithUser>>;
  let other: Awaited<ReturnType<typeof companyWithUser>>;
  let handles: Record<string, string>;
  let foreign: Record<string, string>;

  const call = async (operation: string, body: Record<string, unknown>) => h.api(operation, { companyHandle: acme.companyHandle, ...body }, acme.who);
  const row = async (companyHandle: string, handle: string) => (await h.ctx.repositories.assets.findByHandle(companyHandle, handle))!;
  const marked = async (handle: string) => (await row(acme.companyHandle, handle)).ready_for_publish === 1;
  const setStates = async (items: Array<{ assetHandle: string; publishState: string }>) =>
    call('setAssetsPublishState', { publishStateUpdateArray: { items } });
  /** What the catalog holds live, per type: the counts getAssetCounts must agree with. */
  const liveByType = async (companyHandle: string) => {
    const rows = await h.ctx.database.db
      .selectFrom('assets')
      .select('type')
      .where('company_handle', '=', companyHandle)
      .where('trash_state', '=', 'NotInTrash')
      .execute();
    const counts = new Map<string, number>();
    for (const r of rows) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
    return [...counts].map(([assetType, count]) => ({ assetType, count })).sort((a, b) => a.assetType.localeCompare(b.assetType));
  };

  beforeAll(async () => {
    h = await startHarness();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-state-'));
    acme = await companyWithUser(h, 'StateCo', 'IpsUser');
    other = await companyWithUser(h, 'OtherStateCo', 'IpsUser');
    handles = await seedAssets(h, acme, [
      { path: await makeJpeg(path.join(dir, 'Hat.jpg'), 120, 90) },
      { path: await makeJpeg(path.join(dir, 'Coat.jpg'), 100, 100) },
      { path: await makeJpeg(path.join(dir, 'Scarf.jpg'), 100, 100) },
      { path: await makeJpeg(path.join(dir, 'Boot.jpg'), 100, 100) },
      { path: await squarePdf(path.join(dir, 'Brochure.pdf'), ['one', 'two']) },
    ]);
    foreign = await seedAssets(h, other, [{ path: await makeJpeg(path.join(dir, 'Elsewhere.jpg'), 80, 80) }]);
  }, 120_000);

  afterAll(async () => {
    await h?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('setAssetsPublishState marks and unmarks each asset listed, as the caller', async () => {
    const r = await setStates([
      { assetHandle: handles.Hat!, publishState: 'MarkedForPublish' },
      { assetHandle: handles.Coat!, publishState: 'NotMarkedForPublish' },
    ]);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toEqual({ successCount: 2, warningCount: 0, errorCount: 0 });
    expect(await marked(handles.Hat!)).toBe(true);
    expect(await marked(handles.Coat!)).toBe(false);
    expect(await row(acme.companyHandle, handles.Hat!)).toMatchObject({ last_modify_user: acme.who.email, trash_state: 'NotInTrash' });
    const listed = await call('getAssets', { assetHandleArray: { items: [handles.Hat, handles.Coat] } });
    expect((listed.body.assetArray.items as Array<{ readyForPublish: boolean }>).map((a) => a.readyForPublish)).toEqual([true, false]);

    // The other way round; a handle listed twice ends with its last state.
    const back = await setStates([
      { assetHandle: handles.Hat!, publishState: 'NotMarkedForPublish' },
      { assetHandle: handles.Coat!, publishState: 'NotMarkedForPublish' },
      { assetHandle: handles.Coat!, publishState: 'MarkedForPublish' },
    ]);
    expect(back.body).toEqual({ successCount: 3, warningCount: 0, errorCount: 0 });
    expect(await marked(handles.Hat!)).toBe(false);
    expect(await marked(handles.Coat!)).toBe(true);
    // An empty array changes nothing and is no error.
    expect((await setStates([])).body).toEqual({ successCount: 0, warningCount: 0, errorCount: 0 });
  });

  it("setAssetsPublishState refuses, per asset, an unknown asset, another company's asset and a trashed asset", async () => {
    expect((await call('deleteAsset', { assetHandle: handles.Boot })).status).toBe(200);
    const trashedBefore = await row(acme.companyHandle, handles.Boot!);
    const foreignBefore = await row(other.companyHandle, foreign.Elsewhere!);
    const r = await setStates([
      { assetHandle: 'a|missing', publishState: 'MarkedForPublish' },
      { assetHandle: foreign.Elsewhere!, publishState: trashedBefore.ready_for_publish === 1 ? 'NotMarkedForPublish' : 'MarkedForPublish' },
      { assetHandle: handles.Boot!, publishState: trashedBefore.ready_for_publish === 1 ? 'NotMarkedForPublish' : 'MarkedForPublish' },
      { assetHandle: handles.Scarf!, publishState: 'MarkedForPublish' },
    ]);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ successCount: 1, warningCount: 0, errorCount: 3 });
    expect(r.body.warningDetailArray).toBeUndefined();
    const errors = r.body.errorDetailArray.items as Array<{ assetHandle: string; code: number; reason: string }>;
    expect(errors.map((e) => e.assetHandle)).toEqual(['a|missing', foreign.Elsewhere, handles.Boot]);
    expect(errors.every((e) => e.code === FaultCode.InvalidParameter)).toBe(true);
    expect(errors[0]!.reason).toContain('no asset');
    expect(errors[1]!.reason).toContain('no asset');
    expect(errors[2]!.reason).toContain('not in the trash');
    // Only the live asset of this company changed.
    expect(await marked(handles.Scarf!)).toBe(true);
    expect(await row(acme.companyHandle, handles.Boot!)).toEqual(trashedBefore);
    expect(await row(other.companyHandle, foreign.Elsewhere!)).toEqual(foreignBefore);
  });

  it('setAssetsPublishState refuses fields the XSD does not have and states it does not know, as a whole', async () => {
    const context = await setStates([{ assetHandle: handles.Hat!, publishState: 'MarkedForPublish', contextHandleArray: { items: ['ctx'] } } as never]);
    expect(context.status).toBe(400);
    expect(context.body).toMatchObject({ code: FaultCode.InvalidParameter });
    expect(context.body.field).toContain('contextHandleArray');
    const topLevel = await call('setAssetsPublishState', { publishStateUpdateArray: { items: [] }, contextHandleArray: { items: ['ctx'] } });
    expect(topLevel.body).toMatchObject({ code: FaultCode.InvalidParameter, field: 'contextHandleArray' });
    const state = await setStates([{ assetHandle: handles.Hat!, publishState: 'Published' }]);
    expect(state.status).toBe(400);
    expect(state.body.field).toContain('publishState');
    expect(await marked(handles.Hat!)).toBe(false);
  });

  it('setAssetsPublishState and getAssetCounts are refused for a company the caller is not a member of', async () => {
    const set = await h.api(
      'setAssetsPublishState',
      { companyHandle: other.companyHandle, publishStateUpdateArray: { items: [{ assetHandle: foreign.Elsewhere, publishState: 'MarkedForPublish' }] } },
      acme.who,
    );
    expect(set.body).toMatchObject({ code: FaultCode.IllegalCompany });
    const counts = await h.api('getAssetCounts', { companyHandle: other.companyHandle }, acme.who);
    expect(counts.body).toMatchObject({ code: FaultCode.IllegalCompany });
  });

  it('getAssetCounts counts the live assets of the company by type, the trash and other companies left out', async () => {
    const r = await call('getAssetCounts', {});
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const items = r.body.countArray.items as Array<{ assetType: string; count: number }>;
    expect(items).toEqual(await liveByType(acme.companyHandle));
    // Four images were uploaded and one of them (Boot) is in the trash; the PDF is counted as a Pdf.
    expect(items.find((c) => c.assetType === 'Image')?.count).toBeGreaterThanOrEqual(3);
    expect(items.find((c) => c.assetType === 'Pdf')?.count).toBe(1);
    const imagesBefore = items.find((c) => c.assetType === 'Image')!.count;
    expect((await call('restoreAssetsFromTrash', { assetHandleArray: { items: [handles.Boot] } })).body).toMatchObject({ successCount: 1 });
    const after = (await call('getAssetCounts', {})).body.countArray.items as Array<{ assetType: string; count: number }>;
    expect(after.find((c) => c.assetType === 'Image')?.count).toBe(imagesBefore + 1);

    const theirs = await h.api('getAssetCounts', { companyHandle: other.companyHandle }, other.who);
    expect(theirs.body.countArray.items).toEqual([{ assetType: 'Image', count: 1 }]);
  });

  it('getAssetCounts answers an empty countArray for a company without assets and refuses unknown fields', async () => {
    const empty = await companyWithUser(h, 'EmptyStateCo', 'IpsUser');
    const r = await h.api('getAssetCounts', { companyHandle: empty.companyHandle }, empty.who);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toEqual({ countArray: { items: [] } });
    const extra = await call('getAssetCounts', { assetTypeArray: { items: ['Image'] } });
    expect(extra.body).toMatchObject({ code: FaultCode.InvalidParameter, field: 'assetTypeArray' });
  });
});
