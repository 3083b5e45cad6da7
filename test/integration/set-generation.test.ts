import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, basic, companyWithUser, seedAssets, startHarness } from '../support/harness.js';
import { makeJpeg, uploadPost } from '../support/fixtures.js';

describe(`AutomatedSetGenerationJob and set-generation scripts (${process.env.IPS_TEST_DB})`, () => {
  let h: Harness;
  let dir: string;
  let acme: Awaited<ReturnType<typeof companyWithUser>>;
  let other: Awaited<ReturnType<typeof companyWithUser>>;
  const handles: Record<string, string> = {};
  let script = '';

  const upload = async (names: string[]) => {
    const files = [];
    for (const n of names) files.push({ path: await makeJpeg(path.join(dir, `${n}.jpg`), 48, 32) });
    Object.assign(handles, await seedAssets(h, acme, files));
  };
  const generate = async (names: string[], scripts = [script], extra: Record<string, unknown> = {}) => {
    const r = await h.api(
      'submitJob',
      {
        companyHandle: acme.companyHandle,
        jobName: 'sets',
        automatedSetGenerationJob: {
          assetHandleArray: names.map((n) => handles[n] ?? n),
          readyForPublish: true,
          autoSetCreationOptions: { autoSetsArray: scripts },
          emailSetting: 'None',
          ...extra,
        },
      },
      acme.who,
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const outcome = await h.client.workflow.getHandle(r.body.jobHandle).result();
    const log = (await h.api('getJobLogDetails', { companyHandle: acme.companyHandle, jobHandle: r.body.jobHandle, recordsPerPage: 100 }, acme.who)).body
      .jobLogArray.items[0];
    return { outcome, log, rows: log.detailArray.items as Array<{ logType: string; logMessage: string; assetName?: string }> };
  };
  const setNamed = async (name: string) => {
    const found = await h.api(
      'searchAssets',
      {
        companyHandle: acme.companyHandle,
        includeSubfolders: true,
        assetTypeArray: ['AssetSet'],
        systemFieldConditionArray: [{ field: 'Name', op: 'Equals', value: name }],
      },
      acme.who,
    );
    expect(found.status, JSON.stringify(found.body)).toBe(200);
    return found.body.assetArray.items[0];
  };
  const membersOf = async (setHandle: string) =>
    (
      await h.ctx.database.db
        .selectFrom('asset_set_members')
        .innerJoin('assets', 'assets.asset_handle', 'asset_set_members.member_handle')
        .select('assets.name')
        .where('set_handle', '=', setHandle)
        .orderBy('position')
        .execute()
    ).map((r) => r.name);

  beforeAll(async () => {
    h = await startHarness();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-sets-'));
    acme = await companyWithUser(h, 'Acme', 'IpsUser');
    other = await companyWithUser(h, 'Other', 'IpsUser');
    await upload(['shoe_2', 'shoe_1', 'shoe_swatch', 'boot_1', 'readme']);
    const saved = await h.api(
      'saveSetGenerationScript',
      { companyHandle: acme.companyHandle, name: 'Products', setType: 'ImageSet', memberPattern: '{base}_{n}', swatchPattern: '{base}_swatch' },
      acme.who,
    );
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    script = saved.body.scriptHandle;
  });
  afterAll(async () => {
    await h?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('manages scripts per company: list, duplicate names refused, foreign companies kept out', async () => {
    const list = await h.api('getSetGenerationScripts', { companyHandle: acme.companyHandle }, acme.who);
    expect(list.body.scriptArray.items).toEqual([
      { scriptHandle: script, name: 'Products', setType: 'ImageSet', memberPattern: '{base}_{n}', swatchPattern: '{base}_swatch', setNameTemplate: '{base}' },
    ]);
    const dup = await h.api(
      'saveSetGenerationScript',
      { companyHandle: acme.companyHandle, name: 'PRODUCTS', setType: 'SpinSet', memberPattern: '{base}-{n}' },
      acme.who,
    );
    expect(dup.status).toBe(409);
    expect((await h.api('getSetGenerationScripts', { companyHandle: acme.companyHandle }, other.who)).status).toBe(403);
    expect((await h.api('deleteSetGenerationScript', { companyHandle: other.companyHandle, scriptHandle: script }, other.who)).status).toBe(404);
  });

  it('turns shoe_1, shoe_2 and shoe_swatch into an image set with the right members, searchable as an asset', async () => {
    const r = await generate(['shoe_2', 'shoe_swatch', 'shoe_1', 'boot_1', 'readme']);
    // sets shoe and boot, plus readme that matches no script
    expect(r.outcome).toMatchObject({ outcome: 'done', total: 3, processed: 3, errors: 0 });
    expect(r.log).toMatchObject({ logType: 'BeginSetGeneration', fileSuccessCount: 2, fileWarningCount: 1 });
    expect(r.rows.find((d) => d.logType === 'SetGenerationWarning')?.logMessage).toContain('matches no set-generation script');

    const shoe = await setNamed('shoe');
    expect(shoe).toMatchObject({
      type: 'AssetSet',
      subType: 'ImageSet',
      folder: 'Acme/',
      readyForPublish: true,
      assetSetInfo: { setDefinition: 'Acme/shoe_1;Acme/shoe_swatch,Acme/shoe_2;Acme/shoe_swatch' },
    });
    expect(await membersOf(shoe.assetHandle)).toEqual(['shoe_1', 'shoe_2']);
    const boot = await setNamed('boot');
    expect(await membersOf(boot.assetHandle)).toEqual(['boot_1']);
    const got = await h.api('getAssets', { companyHandle: acme.companyHandle, assetHandleArray: [shoe.assetHandle] }, acme.who);
    expect(got.body.assetArray.items[0].assetSetInfo.setDefinition).toBe(shoe.assetSetInfo.setDefinition);
  });

  it('extends an existing set with a later member, in {n} order, and refuses a name taken by another asset', async () => {
    await upload(['shoe_10', 'shoe_3', 'readme_1']);
    const r = await generate(['shoe_10', 'shoe_3', 'readme_1']);
    expect(r.outcome).toMatchObject({ outcome: 'done', errors: 1 });
    expect(r.log).toMatchObject({ fileUpdateCount: 1, fileErrorCount: 1 });
    const shoe = await setNamed('shoe');
    expect(await membersOf(shoe.assetHandle)).toEqual(['shoe_1', 'shoe_2', 'shoe_3', 'shoe_10']);
    // set "readme" would take the name of the image readme
    expect(r.rows.find((d) => d.logType === 'SetGenerationError')?.logMessage).toContain('the name is taken by an Image asset');
  });

  it('applies scripts after a reprocess job with autoSetCreationOptions, logging only the sets', async () => {
    await upload(['hat_1', 'hat_2', 'scarf']);
    const spin = await h.api(
      'saveSetGenerationScript',
      { companyHandle: acme.companyHandle, name: 'Spins', setType: 'SpinSet', memberPattern: '{base}_{n}', setNameTemplate: '{base}_spin' },
      acme.who,
    );
    const r = await h.api(
      'submitJob',
      {
        companyHandle: acme.companyHandle,
        jobName: 'reprocess-sets',
        reprocessAssetsJob: {
          assetHandleArray: [handles.hat_2, handles.hat_1, handles.scarf],
          createMask: false,
          emailSetting: 'None',
          autoSetCreationOptions: { autoSetsArray: [spin.body.scriptHandle] },
        },
      },
      acme.who,
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(await h.client.workflow.getHandle(r.body.jobHandle).result()).toMatchObject({ outcome: 'done', errors: 0 });
    const set = await setNamed('hat_spin');
    expect(set).toMatchObject({ type: 'AssetSet', subType: 'SpinSet', assetSetInfo: { setDefinition: 'Acme/hat_1,Acme/hat_2' } });
    const rows = (await h.api('getJobLogDetails', { companyHandle: acme.companyHandle, jobHandle: r.body.jobHandle, recordsPerPage: 100 }, acme.who)).body
      .jobLogArray.items[0].detailArray.items;
    expect(rows.filter((d: { logMessage: string }) => d.logMessage.includes('hat_spin'))).toHaveLength(1);
    expect(rows.some((d: { logType: string }) => d.logType === 'SetGenerationWarning')).toBe(false);
  });

  it('applies autoSetCreationOptions of an UploadFile post to the files it uploaded', async () => {
    const files = [];
    for (const n of ['sock_2', 'sock_1']) files.push({ path: await makeJpeg(path.join(dir, `${n}.jpg`), 40, 30) });
    const uploadParams = {
      overwrite: true,
      readyForPublish: false,
      createMask: false,
      emailSetting: 'None',
      autoSetCreationOptions: { autoSetsArray: [script] },
    };
    const up = await uploadPost(h.baseUrl, {
      params: { companyHandle: acme.companyHandle, jobName: 'socks', endJob: true, uploadParams },
      files,
      authorization: basic(acme.who),
    });
    expect(up.status, JSON.stringify(up.body)).toBe(200);
    await h.client.workflow.getHandle(up.body.jobHandle).result();
    const sock = await setNamed('sock');
    expect(sock).toMatchObject({ type: 'AssetSet', subType: 'ImageSet' });
    expect(await membersOf(sock.assetHandle)).toEqual(['sock_1', 'sock_2']);

    const refused = await uploadPost(h.baseUrl, {
      params: {
        companyHandle: acme.companyHandle,
        jobName: 'socks',
        endJob: true,
        uploadParams: { ...uploadParams, autoSetCreationOptions: { autoSetsArray: ['ps|nope'] } },
      },
      files,
      authorization: basic(acme.who),
    });
    expect(refused.status).toBe(404);
    expect(refused.body).toMatchObject({ field: 'uploadParams.uploadParams.autoSetCreationOptions.autoSetsArray[0]' });
  });

  it('writes new sets into destFolder', async () => {
    await upload(['glove_1', 'glove_2']);
    const r = await generate(['glove_1', 'glove_2'], [script], { destFolder: 'Sets/winter' });
    expect(r.outcome).toMatchObject({ outcome: 'done', errors: 0 });
    expect(await setNamed('glove')).toMatchObject({ type: 'AssetSet', folder: 'Acme/Sets/winter/' });
  });

  it('logs unknown handles as errors and refuses jobs without scripts at submit', async () => {
    const r = await generate(['shoe_1', 'a|nope']);
    expect(r.outcome).toMatchObject({ errors: 1 });
    const bad = await h.api(
      'submitJob',
      {
        companyHandle: acme.companyHandle,
        jobName: 'x',
        automatedSetGenerationJob: {
          assetHandleArray: [handles.shoe_1],
          readyForPublish: false,
          autoSetCreationOptions: { autoSetsArray: [] },
          emailSetting: 'None',
        },
      },
      acme.who,
    );
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 30002, field: 'automatedSetGenerationJob.autoSetCreationOptions.autoSetsArray' });
  });
});
