import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultCode } from '../../src/domain/faults.js';
import { type Harness, companyWithUser, seedAssets, startHarness } from '../support/harness.js';
import { makeJpeg, squarePdf } from '../support/fixtures.js';

/** setAssetMetadata, batchSetAssetMetadata and deleteAssetMetadata (docs/metadata.md#values), and what emptying the trash removes. */
describe(`asset metadata values (${process.env.IPS_TEST_DB})`, () => {
  let h: Harness;
  let dir: string;
  let acme: Awaited<ReturnType<typeof companyWithUser>>;
  let other: Awaited<ReturnType<typeof companyWithUser>>;
  let handles: Record<string, string>;
  let foreign: Record<string, string>;
  const f: Record<string, string> = {};

  const call = async (operation: string, body: Record<string, unknown>) => h.api(operation, { companyHandle: acme.companyHandle, ...body }, acme.who);
  const set = async (assetHandle: string, items: Array<Record<string, unknown>>) => call('setAssetMetadata', { assetHandle, updateArray: { items } });
  /** What the asset holds, by field name: the stored rows, in position order. */
  const held = async (assetHandle: string) => {
    const rows = await h.ctx.database.db
      .selectFrom('asset_metadata')
      .select(['field_handle', 'position', 'value', 'num_value', 'date_value'])
      .where('asset_handle', '=', assetHandle)
      .orderBy('field_handle')
      .orderBy('position')
      .execute();
    const byHandle = new Map(Object.entries(f).map(([name, handle]) => [handle, name]));
    const out: Record<string, Array<string | number>> = {};
    for (const r of rows) {
      const name = byHandle.get(r.field_handle) ?? r.field_handle;
      out[name] = [...(out[name] ?? []), r.num_value ?? r.date_value ?? r.value];
    }
    return out;
  };

  beforeAll(async () => {
    h = await startHarness();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-amd-'));
    acme = await companyWithUser(h, 'ValueCo', 'IpsUser');
    other = await companyWithUser(h, 'OtherValueCo', 'IpsUser');
    handles = await seedAssets(h, acme, [
      { path: await makeJpeg(path.join(dir, 'Hat.jpg'), 60, 40) },
      { path: await makeJpeg(path.join(dir, 'Coat.jpg'), 60, 40) },
      { path: await makeJpeg(path.join(dir, 'Boot.jpg'), 60, 40) },
      { path: await makeJpeg(path.join(dir, 'Sock.jpg'), 60, 40) },
      { path: await squarePdf(path.join(dir, 'Brochure.pdf'), ['one']) },
    ]);
    foreign = await seedAssets(h, other, [{ path: await makeJpeg(path.join(dir, 'Elsewhere.jpg'), 60, 40) }]);
    const fields: Array<[string, string, string, Record<string, unknown>?]> = [
      ['Width', 'Asset', 'Int'],
      ['Rating', 'Asset', 'Float'],
      ['Approved', 'Asset', 'Boolean'],
      ['Shot', 'Asset', 'Date'],
      ['Season', 'Image', 'SingleFixedTag', { initialTagValue: 'Spring,Fall' }],
      ['Colors', 'Asset', 'MultiFixedTag', { initialTagValue: 'Red,Blue,Green' }],
      ['Flag', 'Asset', 'BooleanTag'],
      ['Label', 'Asset', 'SingleTag'],
      ['Closed', 'Asset', 'MultiTag', { isEnforced: true, initialTagValue: 'a,b' }],
      ['Pages', 'Pdf', 'String'],
    ];
    for (const [name, assetType, fieldType, extra] of fields) {
      const r = await h.api('createMetadataField', { companyHandle: acme.companyHandle, assetType, name, fieldType, ...extra });
      if (r.status !== 200) throw new Error(`createMetadataField ${name}: ${JSON.stringify(r.body)}`);
      f[name] = r.body.fieldHandle;
    }
    const id = acme.companyHandle.replace(/^c\|/, '');
    f.Keywords = `m|${id}|ASSET|Keywords`;
    f.Description = `m|${id}|ASSET|Description`;
  }, 120_000);

  afterAll(async () => {
    await h?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('setAssetMetadata sets every value form, as the caller, typed values in their columns', async () => {
    const r = await set(handles.Hat!, [
      { fieldHandle: f.Width, value: '120' },
      { fieldHandle: f.Rating, doubleVal: 4.5 },
      { fieldHandle: f.Approved, boolVal: true },
      { fieldHandle: f.Shot, dateVal: '2024-05-01T10:00:00+02:00' },
      { fieldHandle: f.Season, value: 'fall' },
      { fieldHandle: f.Colors, setTagValueArray: { items: ['red', 'Blue'] } },
      { fieldHandle: f.Flag, value: 'true' },
      { fieldHandle: f.Label, value: 'Bestseller' },
      { fieldHandle: f.Keywords, addTagValueArray: { items: ['wool', 'winter'] } },
      { fieldHandle: f.Description, value: 'A warm hat' },
    ]);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toEqual({});
    expect(await held(handles.Hat!)).toEqual({
      Width: [120],
      Rating: [4.5],
      Approved: [1],
      Shot: ['2024-05-01T08:00:00.000Z'],
      Season: ['Fall'],
      Colors: ['Red', 'Blue'],
      Flag: ['True'],
      Label: ['Bestseller'],
      Keywords: ['wool', 'winter'],
      Description: ['A warm hat'],
    });
    const row = await h.ctx.repositories.assets.findByHandle(acme.companyHandle, handles.Hat!);
    expect(row?.last_modify_user).toBe(acme.who.email);

    // Tags build on what the asset holds; a value replaces; an empty value clears.
    const next = await set(handles.Hat!, [
      { fieldHandle: f.Keywords, addTagValueArray: { items: ['WOOL', 'hat'] } },
      { fieldHandle: f.Keywords, deleteTagValueArray: { items: ['Winter'] } },
      { fieldHandle: f.Width, longVal: 130 },
      { fieldHandle: f.Description, value: '' },
    ]);
    expect(next.status, JSON.stringify(next.body)).toBe(200);
    const after = await held(handles.Hat!);
    expect(after.Keywords).toEqual(['wool', 'hat']);
    expect(after.Width).toEqual([130]);
    expect(after.Description).toBeUndefined();
  });

  it('setAssetMetadata is all or nothing: one refused update writes none, naming it', async () => {
    const before = await held(handles.Coat!);
    const cases: Array<[Array<Record<string, unknown>>, string]> = [
      [
        [
          { fieldHandle: f.Width, value: '5' },
          { fieldHandle: f.Width, value: 'five' },
        ],
        'updateArray.items[1].value',
      ],
      [[{ fieldHandle: f.Pages, value: '12' }], 'updateArray.items[0].fieldHandle'],
      [[{ fieldHandle: f.Season, value: 'Winter' }], 'updateArray.items[0].value'],
      [[{ fieldHandle: f.Colors, addTagValueArray: { items: ['Purple'] } }], 'updateArray.items[0].addTagValueArray.items[0]'],
      [[{ fieldHandle: f.Label, setTagValueArray: { items: ['one', 'two'] } }], 'updateArray.items[0].setTagValueArray'],
      [[{ fieldHandle: f.Closed, addTagValueArray: { items: ['c'] } }], 'updateArray.items[0].addTagValueArray.items[0]'],
      [[{ fieldHandle: f.Description, value: 'x'.repeat(513) }], 'updateArray.items[0].value'],
      [[{ fieldHandle: f.Width, value: '1', longVal: 1 }], 'updateArray.items[0].longVal'],
      [[{ fieldHandle: f.Width, boolVal: true }], 'updateArray.items[0].boolVal'],
      [[{ fieldHandle: f.Description, addTagValueArray: { items: ['x'] } }], 'updateArray.items[0].addTagValueArray'],
      [[{ fieldHandle: f.Shot, value: 'yesterday' }], 'updateArray.items[0].value'],
      [[{ fieldHandle: f.Approved, value: 'yes' }], 'updateArray.items[0].value'],
      [[{ fieldHandle: f.Rating, value: '4,5' }], 'updateArray.items[0].value'],
    ];
    for (const [items, field] of cases) {
      const r = await set(handles.Coat!, items);
      expect(r.status, JSON.stringify(items)).toBe(400);
      expect(r.body, JSON.stringify(items)).toMatchObject({ code: FaultCode.InvalidParameter, field });
    }
    const unknown = await set(handles.Coat!, [{ fieldHandle: 'm|nope|ASSET|x', value: '1' }]);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ field: 'updateArray.items[0].fieldHandle' });
    expect(await held(handles.Coat!)).toEqual(before);
    // A Pdf field applies to the PDF; the enforced free tag field takes its dictionary's values.
    expect((await set(handles.Brochure!, [{ fieldHandle: f.Pages, value: '12' }])).status).toBe(200);
    expect((await set(handles.Coat!, [{ fieldHandle: f.Closed, addTagValueArray: { items: ['A', 'b'] } }])).status).toBe(200);
    expect((await held(handles.Coat!)).Closed).toEqual(['a', 'b']);
  });

  it("setAssetMetadata refuses a trashed asset, another company's asset and an unknown one", async () => {
    expect((await call('deleteAsset', { assetHandle: handles.Boot })).status).toBe(200);
    const trashed = await set(handles.Boot!, [{ fieldHandle: f.Width, value: '1' }]);
    expect(trashed.status).toBe(400);
    expect(trashed.body).toMatchObject({ code: FaultCode.InvalidParameter, field: 'assetHandle' });
    for (const assetHandle of [foreign.Elsewhere!, 'a|missing']) {
      const r = await set(assetHandle, [{ fieldHandle: f.Width, value: '1' }]);
      expect(r.status).toBe(404);
      expect(r.body).toMatchObject({ field: 'assetHandle' });
    }
    expect(await held(handles.Boot!)).toEqual({});
    expect(await held(foreign.Elsewhere!)).toEqual({});
    const denied = await h.api(
      'setAssetMetadata',
      { companyHandle: other.companyHandle, assetHandle: foreign.Elsewhere, updateArray: { items: [] } },
      acme.who,
    );
    expect(denied.body).toMatchObject({ code: FaultCode.IllegalCompany });
  });

  it('batchSetAssetMetadata writes each asset and field on its own and lists what failed', async () => {
    const r = await call('batchSetAssetMetadata', {
      updateArray: {
        items: [
          {
            assetHandleArray: { items: [handles.Coat, handles.Sock, handles.Boot, 'a|missing'] },
            updateArray: {
              items: [
                { fieldHandle: f.Width, value: '300' },
                { fieldHandle: f.Season, value: 'Winter' },
              ],
            },
          },
          {
            assetHandleArray: { items: [handles.Brochure, foreign.Elsewhere] },
            updateArray: {
              items: [
                { fieldHandle: f.Season, value: 'Spring' },
                { fieldHandle: f.Rating, value: '2' },
              ],
            },
          },
        ],
      },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    // Coat and Sock: Width set, Season refused; Boot (trashed), the missing and the foreign asset: both refused; Brochure: Season does not apply to a Pdf.
    expect(r.body).toMatchObject({ successCount: 3, warningCount: 0, errorCount: 9 });
    expect(r.body.warningDetailArray).toBeUndefined();
    const errors = r.body.errorDetailArray.items as Array<{ assetHandle: string; fieldHandle: string; code: number; reason: string }>;
    expect(errors.map((e) => [e.assetHandle, e.fieldHandle])).toEqual([
      [handles.Coat, f.Season],
      [handles.Sock, f.Season],
      [handles.Boot, f.Width],
      [handles.Boot, f.Season],
      ['a|missing', f.Width],
      ['a|missing', f.Season],
      [handles.Brochure, f.Season],
      [foreign.Elsewhere, f.Season],
      [foreign.Elsewhere, f.Rating],
    ]);
    expect(errors.every((e) => e.code === FaultCode.InvalidParameter)).toBe(true);
    expect(errors[0]!.reason).toContain('Spring');
    expect(errors[2]!.reason).toContain('not in the trash');
    expect(errors[4]!.reason).toContain('no asset');
    expect((await held(handles.Coat!)).Width).toEqual([300]);
    expect((await held(handles.Sock!)).Width).toEqual([300]);
    expect((await held(handles.Brochure!)).Rating).toEqual([2]);
    expect(await held(handles.Boot!)).toEqual({});
    const empty = await call('batchSetAssetMetadata', { updateArray: { items: [] } });
    expect(empty.body).toEqual({ successCount: 0, warningCount: 0, errorCount: 0 });
  });

  it('deleteAssetMetadata removes the values of the fields listed', async () => {
    const r = await call('deleteAssetMetadata', {
      assetHandle: handles.Hat,
      deleteArray: { items: [{ fieldHandle: f.Keywords }, { fieldHandle: f.Width }, { fieldHandle: f.Pages }] },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toEqual({});
    const after = await held(handles.Hat!);
    expect(after.Keywords).toBeUndefined();
    expect(after.Width).toBeUndefined();
    expect(after.Rating).toEqual([4.5]);
    const unknown = await call('deleteAssetMetadata', {
      assetHandle: handles.Hat,
      deleteArray: { items: [{ fieldHandle: f.Rating }, { fieldHandle: 'm|nope|ASSET|x' }] },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ field: 'deleteArray.items[1].fieldHandle' });
    expect((await held(handles.Hat!)).Rating).toEqual([4.5]);
    const trashed = await call('deleteAssetMetadata', { assetHandle: handles.Boot, deleteArray: { items: [{ fieldHandle: f.Width }] } });
    expect(trashed.body).toMatchObject({ code: FaultCode.InvalidParameter, field: 'assetHandle' });
  });

  it('emptying the trash removes the asset metadata values and project memberships', async () => {
    expect((await set(handles.Sock!, [{ fieldHandle: f.Label, value: 'gone soon' }])).status).toBe(200);
    const db = h.ctx.database.db;
    const now = new Date().toISOString();
    await db
      .insertInto('projects')
      .values({ project_handle: 'p|purge-test', company_handle: acme.companyHandle, name: 'Purge', name_key: 'purge', created: now, last_modified: now })
      .execute();
    await db.insertInto('project_assets').values({ project_handle: 'p|purge-test', asset_handle: handles.Sock!, added: now }).execute();
    await db.insertInto('project_assets').values({ project_handle: 'p|purge-test', asset_handle: handles.Coat!, added: now }).execute();
    expect((await call('deleteAsset', { assetHandle: handles.Sock })).status).toBe(200);
    // In the trash, the values are kept (a restore brings them back)...
    expect((await held(handles.Sock!)).Label).toEqual(['gone soon']);
    const emptied = await call('emptyAssetsFromTrash', { assetHandleArray: { items: [handles.Sock] } });
    expect(emptied.body).toMatchObject({ successCount: 1, errorCount: 0 });
    // ...emptied, they go, with its project memberships; other assets keep theirs.
    expect(await held(handles.Sock!)).toEqual({});
    const memberships = await db.selectFrom('project_assets').select('asset_handle').where('project_handle', '=', 'p|purge-test').execute();
    expect(memberships.map((m) => m.asset_handle)).toEqual([handles.Coat]);
    expect((await held(handles.Coat!)).Width).toEqual([300]);
  });
});
