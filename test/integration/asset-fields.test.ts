import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, type Harness, basic, companyWithUser, startHarness } from '../support/harness.js';
import { makeJpeg, makePng, realPdf, uploadPost } from '../support/fixtures.js';

interface FoundAsset {
  assetHandle: string;
  name: string;
  type: string;
  subType?: string;
  folder: string;
  readyForPublish: boolean;
  trashState: string;
  created: string;
  lastModified: string;
}
type Who = Awaited<ReturnType<typeof companyWithUser>>;

/**
 * Every honoured field of searchAssets, getAssets, setAssetPublishState,
 * getActiveJobs and getJobLogs, each shown to change the answer. Acme holds
 * the assets; LogCo's three finished jobs are the job logs; WaitCo holds the
 * upload job left waiting for posts (its file would otherwise join Acme's
 * assets and LogCo's logs).
 */
describe(`asset and job listing fields (${process.env.IPS_TEST_DB})`, () => {
  let h: Harness;
  let dir: string;
  let acme: Who;
  let logCo: Who;
  let waitCo: Who;
  let colleague: { userHandle: string; who: { email: string; password: string } };
  const assets: Record<string, FoundAsset> = {};
  /** Bytes of each live asset's original, from the fixture files (a set has no file). */
  const size: Record<string, number> = { shoe: 0 };

  // Upload batches, each its own job, so every batch was created after the one before.
  const ROOT = ['logo', 'photo', 'spec'];
  const SHOES = ['shoe', 'shoe_1', 'shoe_2']; // shoe: the ImageSet the shoes upload's set script makes, in the root folder
  const ARCHIVE = ['boot'];
  const SALE = ['sandal'];
  const LIVE = [...ROOT, ...SHOES, ...ARCHIVE, ...SALE].sort();
  const TRASHED = 'old';
  const without = (...names: string[]) => LIVE.filter((n) => !names.includes(n));
  const bySize = (keep: (bytes: number) => boolean) => LIVE.filter((n) => keep(size[n]!)).sort();
  const createdOf = (names: string[]) => names.map((n) => assets[n]!.created).sort();
  /** The same instant written with a +02:00 offset, as a client in that zone sends it. */
  const plusTwoHours = (iso: string) => `${new Date(new Date(iso).getTime() + 2 * 3600_000).toISOString().slice(0, -1)}+02:00`;

  const search = async (extra: Record<string, unknown>) => {
    const r = await h.api('searchAssets', { companyHandle: acme.companyHandle, includeSubfolders: true, ...extra }, acme.who);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body as { totalRows: number; assetArray: { items: FoundAsset[] } };
  };
  /** Names found, sorted; totalRows must count them all (no paging here). */
  const names = async (extra: Record<string, unknown>) => {
    const r = await search(extra);
    const found = r.assetArray.items.map((a) => a.name);
    expect(r.totalRows).toBe(found.length);
    return found.sort();
  };
  const inOrder = async (extra: Record<string, unknown>) => (await search(extra)).assetArray.items.map((a) => a.name);
  const condition = (items: Record<string, unknown>[], extra: Record<string, unknown> = {}) => names({ systemFieldConditionArray: items, ...extra });

  const upload = async (who: Who, params: Record<string, unknown>, files: { path: string; name?: string }[]) => {
    const r = await uploadPost(h.baseUrl, { params: { companyHandle: who.companyHandle, endJob: true, ...params }, files, authorization: basic(who.who) });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    await h.client.workflow.getHandle(r.body.jobHandle).result();
    return r.body.jobHandle as string;
  };
  const notPublished = { overwrite: true, readyForPublish: false, createMask: false, emailSetting: 'None' };

  beforeAll(async () => {
    h = await startHarness();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-asset-fields-'));
    acme = await companyWithUser(h, 'Acme', 'IpsUser');
    logCo = await companyWithUser(h, 'LogCo', 'IpsUser');
    waitCo = await companyWithUser(h, 'WaitCo', 'IpsUser');

    const files = {
      logo: await makePng(path.join(dir, 'logo.png'), 64, 48),
      photo: await makeJpeg(path.join(dir, 'photo.jpg'), 320, 240),
      spec: await realPdf(dir),
      old: await makePng(path.join(dir, 'old.png'), 24, 18),
      shoe_1: await makeJpeg(path.join(dir, 'shoe_1.jpg'), 48, 32),
      shoe_2: await makeJpeg(path.join(dir, 'shoe_2.jpg'), 96, 64),
      boot: await makePng(path.join(dir, 'boot.png'), 40, 30),
      sandal: await makeJpeg(path.join(dir, 'sandal.jpg'), 160, 120),
    };
    for (const n of LIVE.filter((x) => x !== 'shoe')) size[n] = (await fs.stat(files[n as keyof typeof files])).size;
    // FileSize sorts and ranges below expect one order: every size differs.
    expect(new Set(Object.values(size)).size).toBe(LIVE.length);

    const script = await h.api(
      'saveSetGenerationScript',
      { companyHandle: acme.companyHandle, name: 'Shoes', setType: 'ImageSet', memberPattern: '{base}_{n}' },
      acme.who,
    );
    expect(script.status, JSON.stringify(script.body)).toBe(200);
    await upload(acme, { jobName: 'root', uploadParams: notPublished }, [
      { path: files.logo },
      { path: files.photo },
      { path: files.spec },
      { path: files.old },
    ]);
    await upload(
      acme,
      { jobName: 'shoes', destFolder: 'shoes', uploadParams: { ...notPublished, autoSetCreationOptions: { autoSetsArray: [script.body.scriptHandle] } } },
      [{ path: files.shoe_1 }, { path: files.shoe_2 }],
    );
    await upload(acme, { jobName: 'archive', destFolder: 'shoes/archive', uploadParams: notPublished }, [{ path: files.boot }]);
    // A sibling whose name starts like 'shoes': a subfolder search must not take it for one of its subfolders.
    await upload(acme, { jobName: 'sale', destFolder: 'shoes-sale', uploadParams: notPublished }, [{ path: files.sandal }]);

    // There is no trash operation yet: trash 'old' in the catalog, as an ingest job trashes a replaced byproduct.
    const rows = await h.ctx.database.db.selectFrom('assets').selectAll().where('company_handle', '=', acme.companyHandle).execute();
    await h.ctx.repositories.assets.update(rows.find((r) => r.name === TRASHED)!.asset_handle, { trash_state: 'InTrash' });
    for (const a of (await search({})).assetArray.items) assets[a.name] = a;
    expect(Object.keys(assets).sort()).toEqual(LIVE);

    // LogCo: three finished jobs, started in this order: bravo (owner, 1 file), alpha (colleague, 3 files), charlie (owner, 2 files).
    const added = await h.api(
      'addUser',
      {
        firstName: 'Col',
        lastName: 'League',
        email: 'colleague@logco.test',
        password: 'Colleague-1',
        isValid: true,
        isIpsAdmin: false,
        membershipArray: [{ companyHandle: logCo.companyHandle, role: 'IpsUser', isActive: true }],
      },
      ADMIN,
    );
    expect(added.status, JSON.stringify(added.body)).toBe(200);
    colleague = { userHandle: added.body.userHandle, who: { email: 'colleague@logco.test', password: 'Colleague-1' } };
    const tiny = async (name: string) => ({ path: await makePng(path.join(dir, `${name}.png`), 8 + name.length, 8) });
    await upload(logCo, { jobName: 'bravo' }, [await tiny('b1')]);
    await upload({ ...logCo, who: colleague.who }, { jobName: 'alpha' }, [await tiny('a1'), await tiny('a22'), await tiny('a333')]);
    await upload(logCo, { jobName: 'charlie' }, [await tiny('c1'), await tiny('c22')]);
  });
  afterAll(async () => {
    await h?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  describe('searchAssets', () => {
    it('folder + includeSubfolders: the folder alone, or with its subfolders; no folder = the company root', async () => {
      expect(await names({ folder: 'shoes', includeSubfolders: true })).toEqual(['boot', 'shoe_1', 'shoe_2']);
      expect(await names({ folder: 'Acme/shoes/', includeSubfolders: true })).toEqual(['boot', 'shoe_1', 'shoe_2']);
      expect(await names({ folder: 'shoes', includeSubfolders: false })).toEqual(['shoe_1', 'shoe_2']);
      expect(await names({ folder: 'shoes/archive', includeSubfolders: false })).toEqual(['boot']);
      expect(await names({ includeSubfolders: false })).toEqual(['logo', 'photo', 'shoe', 'spec']);
      expect(await names({ includeSubfolders: true })).toEqual(LIVE);
      expect(await names({ folder: 'Acme', includeSubfolders: true })).toEqual(LIVE);
    });

    it('trashState: NotInTrash by default, InTrash lists only the trashed asset', async () => {
      expect(await names({})).toEqual(LIVE);
      expect(await names({ trashState: 'NotInTrash' })).toEqual(LIVE);
      const trashed = await search({ trashState: 'InTrash' });
      expect(trashed.assetArray.items.map((a) => [a.name, a.trashState])).toEqual([[TRASHED, 'InTrash']]);
      expect(trashed.totalRows).toBe(1);
      expect(await names({ trashState: 'InEmptiedTrash' })).toEqual([]);
    });

    it('assetTypeArray and excludeAssetTypeArray keep or drop whole types', async () => {
      expect(await names({ assetTypeArray: ['Pdf'] })).toEqual(['spec']);
      expect(await names({ assetTypeArray: { items: ['AssetSet', 'Pdf'] } })).toEqual(['shoe', 'spec']);
      expect(await names({ excludeAssetTypeArray: ['Image'] })).toEqual(['shoe', 'spec']);
      expect(await names({ excludeAssetTypeArray: ['AssetSet', 'Pdf'] })).toEqual(without('shoe', 'spec'));
      expect(await names({ assetTypeArray: ['Image', 'AssetSet'], excludeAssetTypeArray: ['AssetSet'] })).toEqual(without('shoe', 'spec'));
    });

    it('assetSubTypeArray: assets with no subtype pass unless strictSubTypeCheck is true', async () => {
      expect(assets.shoe).toMatchObject({ type: 'AssetSet', subType: 'ImageSet' });
      expect(await names({ assetSubTypeArray: ['SpinSet'] })).toEqual(without('shoe'));
      expect(await names({ assetSubTypeArray: ['SpinSet'], strictSubTypeCheck: false })).toEqual(without('shoe'));
      expect(await names({ assetSubTypeArray: ['SpinSet'], strictSubTypeCheck: true })).toEqual([]);
      expect(await names({ assetSubTypeArray: ['ImageSet'] })).toEqual(LIVE);
      expect(await names({ assetSubTypeArray: ['ImageSet', 'SpinSet'], strictSubTypeCheck: true })).toEqual(['shoe']);
    });

    it('systemFieldMatchMode joins two conditions: MatchAll (the default) needs both, MatchAny either', async () => {
      const jpegs = { field: 'FileName', op: 'EndsWith', value: '.jpg' }; // photo, sandal, shoe_1, shoe_2
      const shoes = { field: 'Name', op: 'StartsWith', value: 'shoe' }; // shoe, shoe_1, shoe_2
      expect(await condition([jpegs, shoes])).toEqual(['shoe_1', 'shoe_2']);
      expect(await condition([jpegs, shoes], { systemFieldMatchMode: 'MatchAll' })).toEqual(['shoe_1', 'shoe_2']);
      expect(await condition([jpegs, shoes], { systemFieldMatchMode: 'MatchAny' })).toEqual(['photo', 'sandal', 'shoe', 'shoe_1', 'shoe_2']);
    });

    it('conditionMatchMode joins condition groups, never the structural filters', async () => {
      const jpegs = { field: 'FileName', op: 'EndsWith', value: '.jpg' };
      const shoes = { field: 'Name', op: 'StartsWith', value: 'shoe' };
      // The system-field group is the only condition group this server has, so its own match mode decides.
      expect(await condition([jpegs, shoes], { conditionMatchMode: 'MatchAny' })).toEqual(['shoe_1', 'shoe_2']);
      expect(await condition([jpegs, shoes], { conditionMatchMode: 'MatchAll', systemFieldMatchMode: 'MatchAny' })).toEqual([
        'photo',
        'sandal',
        'shoe',
        'shoe_1',
        'shoe_2',
      ]);
      // MatchAny must not let a condition reach past folder, type or trash.
      expect(
        await condition([{ field: 'Name', op: 'Equals', value: 'boot' }], { conditionMatchMode: 'MatchAny', folder: 'shoes', includeSubfolders: false }),
      ).toEqual([]);
      expect(await condition([{ field: 'Name', op: 'Equals', value: 'spec' }], { conditionMatchMode: 'MatchAny', assetTypeArray: ['Image'] })).toEqual([]);
      expect(await condition([{ field: 'Name', op: 'Equals', value: TRASHED }], { conditionMatchMode: 'MatchAny' })).toEqual([]);
    });

    it('value: string operators on Name and FileName, case-insensitive', async () => {
      expect(await condition([{ field: 'Name', op: 'Equals', value: 'PHOTO' }])).toEqual(['photo']);
      expect(await condition([{ field: 'Name', op: 'NotEquals', value: 'photo' }])).toEqual(without('photo'));
      expect(await condition([{ field: 'Name', op: 'Contains', value: 'o' }])).toEqual(['boot', 'logo', 'photo', 'shoe', 'shoe_1', 'shoe_2']);
      expect(await condition([{ field: 'Name', op: 'NotContains', value: 'o' }])).toEqual(['sandal', 'spec']);
      expect(await condition([{ field: 'FileName', op: 'EndsWith', value: '.PNG' }])).toEqual(['boot', 'logo']);
      // '_' is a literal underscore, not LIKE's any-one-character.
      expect(await condition([{ field: 'Name', op: 'Contains', value: '_' }])).toEqual(['shoe_1', 'shoe_2']);
    });

    it('longVal, minLong and maxLong compare FileSize in bytes', async () => {
      const photo = size.photo!;
      expect(assets.photo).toMatchObject({ imageInfo: { fileSize: photo } });
      expect(await condition([{ field: 'FileSize', op: 'Equals', longVal: photo }])).toEqual(['photo']);
      expect(await condition([{ field: 'FileSize', op: 'LessThan', longVal: photo }])).toEqual(bySize((b) => b < photo));
      expect(await condition([{ field: 'FileSize', op: 'GreaterThanEquals', longVal: photo }])).toEqual(bySize((b) => b >= photo));
      const lo = size.boot!;
      const hi = size.shoe_2!;
      const [min, max] = lo < hi ? [lo, hi] : [hi, lo];
      const inside = bySize((b) => b >= min && b <= max);
      expect(inside).toEqual(expect.arrayContaining(['boot', 'shoe_2']));
      expect(await condition([{ field: 'FileSize', op: 'Between', minLong: min, maxLong: max }])).toEqual(inside);
      expect(await condition([{ field: 'FileSize', op: 'NotBetween', minLong: min, maxLong: max }])).toEqual(bySize((b) => b < min || b > max));
    });

    it('dateVal, minDate and maxDate compare Created, whatever zone offset they are sent in', async () => {
      const [firstShoe, lastShoe] = [createdOf(SHOES)[0]!, createdOf(SHOES).at(-1)!];
      // Each batch was its own job, run after the one before.
      expect(createdOf(ROOT).at(-1)! < firstShoe).toBe(true);
      expect(lastShoe < createdOf(ARCHIVE)[0]!).toBe(true);
      expect(await condition([{ field: 'Created', op: 'LessThan', dateVal: firstShoe }])).toEqual(ROOT);
      expect(await condition([{ field: 'Created', op: 'LessThan', dateVal: plusTwoHours(firstShoe) }])).toEqual(ROOT);
      expect(await condition([{ field: 'Created', op: 'GreaterThan', dateVal: lastShoe }])).toEqual([...ARCHIVE, ...SALE]);
      expect(await condition([{ field: 'Created', op: 'Equals', dateVal: assets.sandal!.created }])).toEqual(SALE);
      expect(await condition([{ field: 'Created', op: 'Between', minDate: firstShoe, maxDate: plusTwoHours(lastShoe) }])).toEqual(SHOES);
      expect(await condition([{ field: 'Created', op: 'NotBetween', minDate: plusTwoHours(firstShoe), maxDate: lastShoe }])).toEqual(
        [...ROOT, ...ARCHIVE, ...SALE].sort(),
      );
    });

    it('dateVal, minDate and maxDate compare LastModified, which setAssetPublishState moves', async () => {
      const before = assets.boot!.lastModified;
      // Setting the state it already has still records a modification.
      expect(
        (
          await h.api(
            'setAssetPublishState',
            { companyHandle: acme.companyHandle, assetHandle: assets.boot!.assetHandle, publishState: 'NotMarkedForPublish' },
            acme.who,
          )
        ).status,
      ).toBe(200);
      const touched = (await h.api('getAssets', { companyHandle: acme.companyHandle, assetHandleArray: [assets.boot!.assetHandle] }, acme.who)).body.assetArray
        .items[0] as FoundAsset;
      expect(touched.lastModified > before).toBe(true);
      expect(touched.created).toBe(assets.boot!.created);
      expect(await condition([{ field: 'LastModified', op: 'GreaterThanEquals', dateVal: touched.lastModified }])).toEqual(['boot']);
      expect(await condition([{ field: 'LastModified', op: 'LessThan', dateVal: plusTwoHours(touched.lastModified) }])).toEqual(without('boot'));
      expect(await condition([{ field: 'LastModified', op: 'Between', minDate: touched.lastModified, maxDate: touched.lastModified }])).toEqual(['boot']);
      // Created did not move with it.
      expect(await condition([{ field: 'Created', op: 'GreaterThanEquals', dateVal: touched.lastModified }])).toEqual([]);
    });

    it('sortBy + sortDirection order the page: FileSize, Name, AssetType, Created', async () => {
      const smallestFirst = [...LIVE].sort((a, b) => size[a]! - size[b]!);
      expect(await inOrder({ sortBy: 'FileSize' })).toEqual(smallestFirst);
      expect(await inOrder({ sortBy: 'FileSize', sortDirection: 'Ascending' })).toEqual(smallestFirst);
      expect(await inOrder({ sortBy: 'FileSize', sortDirection: 'Descending' })).toEqual([...smallestFirst].reverse());
      expect(await inOrder({})).toEqual(LIVE);
      expect(await inOrder({ sortBy: 'Name', sortDirection: 'Descending' })).toEqual([...LIVE].reverse());
      expect(await inOrder({ sortDirection: 'Descending' })).toEqual([...LIVE].reverse());
      const typesOf = async (sortDirection: string) => (await search({ sortBy: 'AssetType', sortDirection })).assetArray.items.map((a) => a.type);
      expect(await typesOf('Ascending')).toEqual(['AssetSet', ...Array(LIVE.length - 2).fill('Image'), 'Pdf']);
      expect(await typesOf('Descending')).toEqual(['Pdf', ...Array(LIVE.length - 2).fill('Image'), 'AssetSet']);
      // Within a batch created times may tie; across batches they are ordered.
      const batchOf = (n: string) => [ROOT, SHOES, ARCHIVE, SALE].findIndex((b) => b.includes(n));
      const batches = async (sortDirection: string) => (await inOrder({ sortBy: 'Created', sortDirection })).map(batchOf);
      expect(await batches('Ascending')).toEqual([0, 0, 0, 1, 1, 1, 2, 3]);
      expect(await batches('Descending')).toEqual([3, 2, 1, 1, 1, 0, 0, 0]);
    });

    it('recordsPerPage + resultsPage page through the sorted result; totalRows counts them all', async () => {
      const page = async (recordsPerPage: number, resultsPage?: number) => {
        const r = await search({ sortBy: 'Name', recordsPerPage, ...(resultsPage ? { resultsPage } : {}) });
        expect(r.totalRows).toBe(LIVE.length);
        return r.assetArray.items.map((a) => a.name);
      };
      expect(await page(3)).toEqual(LIVE.slice(0, 3));
      expect(await page(3, 1)).toEqual(LIVE.slice(0, 3));
      expect(await page(3, 2)).toEqual(LIVE.slice(3, 6));
      expect(await page(3, 3)).toEqual(LIVE.slice(6));
      expect(await page(3, 4)).toEqual([]);
      expect(await page(5, 2)).toEqual(LIVE.slice(5));
    });
  });

  it('setAssetPublishState: publishState marks and unmarks; searchAssets publishState sees each change', async () => {
    const set = async (name: string, publishState: string) => {
      const r = await h.api('setAssetPublishState', { companyHandle: acme.companyHandle, assetHandle: assets[name]!.assetHandle, publishState }, acme.who);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body).toEqual({});
    };
    expect(await names({ publishState: 'MarkedForPublish' })).toEqual([]);
    expect(await names({ publishState: 'NotMarkedForPublish' })).toEqual(LIVE);
    await set('logo', 'MarkedForPublish');
    await set('shoe_2', 'MarkedForPublish');
    expect(await names({ publishState: 'MarkedForPublish' })).toEqual(['logo', 'shoe_2']);
    expect(await names({ publishState: 'NotMarkedForPublish' })).toEqual(without('logo', 'shoe_2'));
    expect(await names({})).toEqual(LIVE);
    await set('shoe_2', 'NotMarkedForPublish');
    expect(await names({ publishState: 'MarkedForPublish' })).toEqual(['logo']);
    const got = await h.api(
      'getAssets',
      { companyHandle: acme.companyHandle, assetHandleArray: [assets.logo!.assetHandle, assets.shoe_2!.assetHandle] },
      acme.who,
    );
    expect(got.body.assetArray.items.map((a: FoundAsset) => [a.name, a.readyForPublish])).toEqual([
      ['logo', true],
      ['shoe_2', false],
    ]);
    await set('logo', 'NotMarkedForPublish');
    expect(await names({ publishState: 'MarkedForPublish' })).toEqual([]);
  });

  it('getAssets: assetHandleArray in request order, unknown and foreign handles left out', async () => {
    const foreign = (await h.api('searchAssets', { companyHandle: logCo.companyHandle, includeSubfolders: true }, logCo.who)).body.assetArray.items[0]
      .assetHandle as string;
    const r = await h.api(
      'getAssets',
      {
        companyHandle: acme.companyHandle,
        assetHandleArray: [assets.spec!.assetHandle, 'a|no-such-asset', assets.logo!.assetHandle, foreign, assets.spec!.assetHandle, assets.shoe!.assetHandle],
      },
      acme.who,
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.assetArray.items.map((a: FoundAsset) => a.name)).toEqual(['spec', 'logo', 'shoe']);
    expect(r.body.assetArray.items[0]).toMatchObject({ type: 'Pdf', pdfInfo: { fileSize: size.spec } });
    expect((await h.api('getAssets', { companyHandle: acme.companyHandle, assetHandleArray: { items: ['a|no-such-asset'] } }, acme.who)).body).toEqual({
      assetArray: { items: [] },
    });
  });

  it('getActiveJobs: includeWaitingJobs false leaves out an upload job waiting for posts; true or absent lists it', async () => {
    const png = await makePng(path.join(dir, 'waiting.png'), 16, 12);
    const first = await uploadPost(h.baseUrl, {
      params: { companyHandle: waitCo.companyHandle, jobName: 'waiting' },
      files: [{ path: png }],
      authorization: basic(waitCo.who),
    });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const jobHandle: string = first.body.jobHandle;
    const active = async (extra: Record<string, unknown>) => {
      const r = await h.api('getActiveJobs', { companyHandle: waitCo.companyHandle, ...extra }, waitCo.who);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return (r.body.jobArray.items as Array<{ jobHandle: string; state: string }>).map((j) => [j.jobHandle, j.state]);
    };
    // The first post's file is ingested before the job waits for the next post.
    let listed = await active({});
    for (let i = 0; i < 100 && listed[0]?.[1] !== 'WaitingClient'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      listed = await active({});
    }
    expect(listed).toEqual([[jobHandle, 'WaitingClient']]);
    expect(await active({ includeWaitingJobs: true })).toEqual([[jobHandle, 'WaitingClient']]);
    expect(await active({ includeWaitingJobs: false })).toEqual([]);
    expect(await active({ jobHandle, includeWaitingJobs: false })).toEqual([]);
    expect(await active({ jobHandle, includeWaitingJobs: true })).toEqual([[jobHandle, 'WaitingClient']]);

    const last = await uploadPost(h.baseUrl, {
      params: { companyHandle: waitCo.companyHandle, jobHandle, endJob: true },
      files: [{ path: png, name: 'waiting-2.png' }],
      authorization: basic(waitCo.who),
    });
    expect(last.body).toEqual({ jobHandle });
    expect(await h.client.workflow.getHandle(jobHandle).result()).toMatchObject({ total: 2, success: 2 });
  });

  describe('getJobLogs', () => {
    interface Log {
      jobHandle: string;
      originalJobName: string;
      startDate: string;
      submitUserEmail: string;
      fileSuccessCount: number;
    }
    const logs = async (extra: Record<string, unknown>) => {
      const r = await h.api('getJobLogs', { companyHandle: logCo.companyHandle, ...extra }, logCo.who);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body.jobLogArray.items as Log[];
    };
    const jobNames = async (extra: Record<string, unknown>) => (await logs(extra)).map((l) => l.originalJobName);
    const started = async () => Object.fromEntries((await logs({})).map((l) => [l.originalJobName, l.startDate]));

    it('lists newest first by default, with who submitted each and its file counts', async () => {
      const all = await logs({});
      expect(all.map((l) => [l.originalJobName, l.submitUserEmail, l.fileSuccessCount])).toEqual([
        ['charlie', logCo.who.email, 2],
        ['alpha', colleague.who.email, 3],
        ['bravo', logCo.who.email, 1],
      ]);
    });

    it('sortBy + sortDirection: JobName, StartDate, FileSuccessCount, Email', async () => {
      expect(await jobNames({ sortBy: 'JobName' })).toEqual(['alpha', 'bravo', 'charlie']);
      expect(await jobNames({ sortBy: 'JobName', sortDirection: 'Ascending' })).toEqual(['alpha', 'bravo', 'charlie']);
      expect(await jobNames({ sortBy: 'JobName', sortDirection: 'Descending' })).toEqual(['charlie', 'bravo', 'alpha']);
      expect(await jobNames({ sortBy: 'StartDate', sortDirection: 'Ascending' })).toEqual(['bravo', 'alpha', 'charlie']);
      expect(await jobNames({ sortBy: 'StartDate', sortDirection: 'Descending' })).toEqual(['charlie', 'alpha', 'bravo']);
      expect(await jobNames({ sortDirection: 'Ascending' })).toEqual(['bravo', 'alpha', 'charlie']);
      expect(await jobNames({ sortBy: 'FileSuccessCount', sortDirection: 'Descending' })).toEqual(['alpha', 'charlie', 'bravo']);
      expect(await jobNames({ sortBy: 'FileSuccessCount' })).toEqual(['bravo', 'charlie', 'alpha']);
      // The owner's address is random: the expected order is worked out from the addresses (ties stay newest first).
      const newestFirst: Array<[string, string]> = [
        ['charlie', logCo.who.email],
        ['alpha', colleague.who.email],
        ['bravo', logCo.who.email],
      ];
      const byEmail = [...newestFirst].sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0)).map(([name]) => name);
      expect(await jobNames({ sortBy: 'Email', sortDirection: 'Ascending' })).toEqual(byEmail);
    });

    it('numRows caps the rows after sorting', async () => {
      expect(await jobNames({ numRows: 2 })).toEqual(['charlie', 'alpha']);
      expect(await jobNames({ numRows: 1, sortBy: 'JobName' })).toEqual(['alpha']);
      expect(await jobNames({ numRows: 3 })).toEqual(['charlie', 'alpha', 'bravo']);
    });

    it('startDate and endDate bound the start date, inclusive, in any zone offset', async () => {
      const at = await started();
      expect(at.bravo! < at.alpha! && at.alpha! < at.charlie!).toBe(true);
      expect(await jobNames({ startDate: at.alpha })).toEqual(['charlie', 'alpha']);
      expect(await jobNames({ startDate: plusTwoHours(at.alpha!) })).toEqual(['charlie', 'alpha']);
      expect(await jobNames({ endDate: at.alpha })).toEqual(['alpha', 'bravo']);
      expect(await jobNames({ endDate: plusTwoHours(at.alpha!) })).toEqual(['alpha', 'bravo']);
      expect(await jobNames({ startDate: at.alpha, endDate: at.alpha })).toEqual(['alpha']);
      expect(await jobNames({ startDate: at.charlie, endDate: at.bravo })).toEqual([]);
    });

    it('userHandle keeps only the jobs that user submitted', async () => {
      expect(await jobNames({ userHandle: colleague.userHandle })).toEqual(['alpha']);
      expect(await jobNames({ userHandle: logCo.userHandle })).toEqual(['charlie', 'bravo']);
      expect(await jobNames({ userHandle: acme.userHandle })).toEqual([]);
    });
  });
});
