import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, companyWithUser, seedAssets, startHarness } from '../support/harness.js';
import { makeJpeg } from '../support/fixtures.js';

interface Detail {
  logType: string;
  logMessage: string;
  assetName?: string;
  assetHandle?: string;
}

/**
 * forceRepublishAssets and getAssetPublishHistory
 * (docs/assets.md#forcing-a-republish, docs/assets.md#publish-history):
 * a forced asset is republished by the next publish even though nothing
 * changed, the others are not; the history lists what each publish context
 * holds for an asset now.
 */
describe(`forceRepublishAssets and getAssetPublishHistory (${process.env.IPS_TEST_DB})`, () => {
  let h: Harness;
  let dir: string;
  let acme: Awaited<ReturnType<typeof companyWithUser>>;
  let other: Awaited<ReturnType<typeof companyWithUser>>;
  let handles: Record<string, string>;
  let foreign: string;

  const is = (object: string, query = '') => fetch(`${h.baseUrl}/is/image/${object}${query ? `?${query}` : ''}`);
  const servedWidth = async (name: string) => (await sharp(Buffer.from(await (await is(`Acme/${name}`)).arrayBuffer())).metadata()).width;
  const record = async (name: string) => h.ctx.repositories.isPublications.findByAsset(acme.companyHandle, handles[name]!);
  const force = (body: Record<string, unknown>) => h.api('forceRepublishAssets', { companyHandle: acme.companyHandle, ...body }, acme.who);
  const history = (assetHandle: string) => h.api('getAssetPublishHistory', { companyHandle: acme.companyHandle, assetHandle }, acme.who);
  const contextsOf = async (name: string) =>
    ((await history(handles[name]!)).body.pubHistoryArray.items as Array<{ contextName: string }>).map((e) => e.contextName);

  /** Runs a publish job to the end: its handle, outcome and the detail rows naming an asset. */
  async function publish(element: string, options: Record<string, unknown> = {}) {
    const r = await h.api('submitJob', { companyHandle: acme.companyHandle, jobName: element, [element]: { emailSetting: 'None', ...options } }, acme.who);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const outcome = await h.client.workflow.getHandle(r.body.jobHandle).result();
    const log = (await h.api('getJobLogDetails', { companyHandle: acme.companyHandle, jobHandle: r.body.jobHandle, recordsPerPage: 1000 }, acme.who)).body
      .jobLogArray.items[0];
    const assetRows = (log.detailArray.items as Detail[]).filter((d) => d.assetName && d.logType.endsWith('Success'));
    return { jobHandle: r.body.jobHandle as string, outcome, assetRows };
  }
  const isPublish = (publishType: 'Full' | 'Incremental') => publish('imageServingPublishJob', { publishType });

  beforeAll(async () => {
    h = await startHarness();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-pubops-'));
    acme = await companyWithUser(h, 'Acme', 'IpsUser');
    other = await companyWithUser(h, 'Other', 'IpsUser');
    handles = await seedAssets(h, acme, [
      { path: await makeJpeg(path.join(dir, 'alpha.jpg'), 400, 300) },
      { path: await makeJpeg(path.join(dir, 'beta.jpg'), 300, 300) },
      { path: await makeJpeg(path.join(dir, 'plain.jpg'), 200, 200) },
      { path: await makeJpeg(path.join(dir, 'old.jpg'), 100, 100) },
    ]);
    foreign = (await seedAssets(h, other, [{ path: await makeJpeg(path.join(dir, 'theirs.jpg'), 64, 64) }])).theirs!;
    const unmark = await h.api(
      'setAssetPublishState',
      { companyHandle: acme.companyHandle, assetHandle: handles.plain, publishState: 'NotMarkedForPublish' },
      acme.who,
    );
    expect(unmark.status, JSON.stringify(unmark.body)).toBe(200);
  }, 120_000);

  afterAll(async () => {
    await h?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('getAssetPublishHistory: an asset never published has an empty history; an unknown or foreign asset is a 404 naming assetHandle', async () => {
    const never = await history(handles.alpha!);
    expect([never.status, never.body]).toEqual([200, { pubHistoryArray: { items: [] } }]);
    for (const assetHandle of ['a|nope', foreign]) {
      const r = await history(assetHandle);
      expect(r.status).toBe(404);
      expect(r.body).toMatchObject({ code: 30001, field: 'assetHandle' });
    }
  });

  it('lists one entry per publish context holding the asset, with its last publish there and the worker that ran it', async () => {
    const served = await isPublish('Full');
    expect(served.outcome).toMatchObject({ outcome: 'done', errors: 0 });
    const rendered = await publish('imageRenderingPublishJob');
    const directory = await publish('serverDirectoryPublishJob');
    expect([rendered.outcome, directory.outcome]).toMatchObject([{ errors: 0 }, { errors: 0 }]);

    const r = await history(handles.alpha!);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const rendering = await h.ctx.repositories.contextPublications.find(acme.companyHandle, 'ImageRendering', handles.alpha!);
    const files = await h.ctx.repositories.contextPublications.find(acme.companyHandle, 'ServerDirectory', handles.alpha!);
    // IPS's order of the publish contexts; the worker is the one each job's log names (JobClient).
    expect(r.body.pubHistoryArray.items).toEqual([
      { serverName: h.ctx.serverName, contextName: 'ImageServing', lastPublished: (await record('alpha'))!.published_at },
      { serverName: h.ctx.serverName, contextName: 'ImageRendering', lastPublished: rendering!.published_at },
      { serverName: h.ctx.serverName, contextName: 'ServerDirectory', lastPublished: files!.published_at },
    ]);
    expect((await record('alpha'))!.job_handle).toBe(served.jobHandle);

    // The name comes from the publishing job's log, not from whoever answers.
    await h.ctx.database.db
      .updateTable('job_log_details')
      .set({ message_args: JSON.stringify({ value: 'worker-7' }) })
      .where('job_handle', '=', rendered.jobHandle)
      .where('log_type', '=', 'JobClient')
      .execute();
    const named = (await history(handles.alpha!)).body.pubHistoryArray.items as Array<{ serverName: string; contextName: string }>;
    expect(named.map((e) => [e.contextName, e.serverName])).toEqual([
      ['ImageServing', h.ctx.serverName],
      ['ImageRendering', 'worker-7'],
      ['ServerDirectory', h.ctx.serverName],
    ]);
    // Not marked: no context holds it.
    expect(await contextsOf('plain')).toEqual([]);
  });

  it('forceRepublishAssets: the next Incremental publish republishes the forced asset, and only it', async () => {
    expect((await isPublish('Incremental')).outcome).toMatchObject({ outcome: 'done', total: 0 });
    const alphaBefore = (await record('alpha'))!;
    const betaBefore = (await record('beta'))!;

    const r = await force({ assetHandleArray: [handles.alpha] });
    expect([r.status, r.body]).toEqual([200, { successCount: 1, warningCount: 0, errorCount: 0 }]);
    // Nothing is withdrawn meanwhile: the asset is served as published until the publish.
    expect((await is('Acme/alpha')).status).toBe(200);

    const p = await isPublish('Incremental');
    expect(p.outcome).toMatchObject({ outcome: 'done', total: 1, processed: 1, errors: 0 });
    expect(p.assetRows.map((d) => [d.assetName, d.logType])).toEqual([['alpha', 'ImageServingPublishSuccess']]);
    const alphaAfter = (await record('alpha'))!;
    expect(alphaAfter.job_handle).toBe(p.jobHandle);
    expect(alphaAfter.published_at > alphaBefore.published_at).toBe(true);
    expect(alphaAfter.version).toBe(alphaBefore.version);
    expect(await record('beta')).toEqual(betaBefore);
    const served = (await history(handles.alpha!)).body.pubHistoryArray.items[0];
    expect(served).toMatchObject({ contextName: 'ImageServing', lastPublished: alphaAfter.published_at });

    // The publish cleared the reset: the next one has nothing to do again.
    expect((await isPublish('Incremental')).outcome).toMatchObject({ total: 0 });
  });

  it('republishFiles copies the served files afresh; republishFiles false with resyncCatalog rewrites the record and keeps the published copy', async () => {
    // A published copy damaged on the delivery side (here: another picture under its key).
    const key = (await record('alpha'))!.image_key!;
    await h.ctx.storage.putFile(key, await makeJpeg(path.join(dir, 'damage.jpg'), 50, 40));
    expect(await servedWidth('alpha')).toBe(50);

    const catalogOnly = await force({ republishFiles: false, resyncCatalog: true, assetHandleArray: [handles.alpha] });
    expect(catalogOnly.body).toEqual({ successCount: 1, warningCount: 0, errorCount: 0 });
    const resynced = await isPublish('Incremental');
    expect(resynced.outcome).toMatchObject({ total: 1, errors: 0 });
    expect((await record('alpha'))!.job_handle).toBe(resynced.jobHandle);
    expect(await servedWidth('alpha')).toBe(50);

    const withFiles = await force({ assetHandleArray: [handles.alpha] });
    expect(withFiles.body).toEqual({ successCount: 1, warningCount: 0, errorCount: 0 });
    expect((await isPublish('Incremental')).outcome).toMatchObject({ total: 1, errors: 0 });
    expect(await servedWidth('alpha')).toBe(400);
    expect((await record('alpha'))!.image_key).toBe(key);
  });

  it("the next MetadataPublishJob rewrites the company's metadata document after a reset, unchanged as it is", async () => {
    const metadata = async () => (await publish('metadataPublishJob')).assetRows.map((d) => d.logMessage);
    await metadata();
    expect(await metadata()).toEqual([expect.stringContaining('is unchanged since the last publish')]);
    expect((await force({ assetHandleArray: [handles.beta] })).body).toMatchObject({ successCount: 1 });
    expect(await metadata()).toEqual([expect.stringContaining('was published to Acme/metadata.json')]);
  });

  it('refuses per asset: unknown, foreign and trashed assets are errors, an unmarked one a warning; both flags false fault the call', async () => {
    const trashed = await h.api('deleteAssets', { companyHandle: acme.companyHandle, assetHandleArray: [handles.old] }, acme.who);
    expect(trashed.body).toMatchObject({ successCount: 1 });
    const r = await force({ assetHandleArray: [handles.beta, 'a|nope', foreign, handles.old, handles.plain] });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ successCount: 1, warningCount: 1, errorCount: 3 });
    expect(r.body.errorDetailArray.items).toEqual([
      { assetHandle: 'a|nope', code: 30001, reason: "assetHandle: no asset with handle 'a|nope'" },
      { assetHandle: foreign, code: 30001, reason: `assetHandle: no asset with handle '${foreign}'` },
      { assetHandle: handles.old, code: 30001, reason: `assetHandle: expected an asset that is not in the trash, received '${handles.old}'` },
    ]);
    expect(r.body.warningDetailArray.items).toEqual([
      { assetHandle: handles.plain, code: 30001, reason: expect.stringContaining('an asset marked for publish') },
    ]);
    // The warning changed nothing: the unmarked asset stays unpublished.
    expect((await isPublish('Incremental')).assetRows.map((d) => d.assetName)).toEqual(['beta']);
    expect(await contextsOf('plain')).toEqual([]);

    const nothing = await force({ republishFiles: false, resyncCatalog: false, assetHandleArray: [handles.alpha] });
    expect(nothing.status).toBe(400);
    expect(nothing.body).toMatchObject({ code: 30001, field: 'republishFiles' });
    const unknownField = await force({ assetHandleArray: [handles.alpha], contextHandle: 'x' });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body).toMatchObject({ code: 30001, field: 'contextHandle' });
    const missing = await h.api('forceRepublishAssets', { companyHandle: acme.companyHandle }, acme.who);
    expect(missing.body).toMatchObject({ field: 'assetHandleArray' });
  });

  it('a trashed asset answers what is still published for it, and an empty history once the publishes have withdrawn it', async () => {
    await h.api('deleteAssets', { companyHandle: acme.companyHandle, assetHandleArray: [handles.beta] }, acme.who);
    expect(await contextsOf('beta')).toEqual(['ImageServing', 'ImageRendering', 'ServerDirectory']);
    await isPublish('Full');
    expect(await contextsOf('beta')).toEqual(['ImageRendering', 'ServerDirectory']);
    await publish('imageRenderingPublishJob');
    await publish('serverDirectoryPublishJob');
    expect(await contextsOf('beta')).toEqual([]);
  });
});
