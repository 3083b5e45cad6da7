import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultCode } from '../../src/domain/faults.js';
import { type Harness, companyWithUser, seedAssets, startHarness } from '../support/harness.js';
import { makeJpeg } from '../support/fixtures.js';

interface Field {
  fieldHandle: string;
  name: string;
  type: string;
  defaultValue: string;
  isRequired: boolean;
  isUserDefined: boolean;
  isHidden: boolean;
  isEnforced: boolean;
  initialTagValue?: string;
}

/** The metadata field operations (docs/metadata.md#fields) and getUniqueMetadataValues. */
describe(`metadata fields (${process.env.IPS_TEST_DB})`, () => {
  let h: Harness;
  let dir: string;
  let acme: Awaited<ReturnType<typeof companyWithUser>>;
  let admin: Awaited<ReturnType<typeof companyWithUser>>;
  let other: Awaited<ReturnType<typeof companyWithUser>>;
  let handles: Record<string, string>;
  let id: string;

  /** As the global IpsAdmin (createMetadataField is IpsAdmin's only). */
  const asAdmin = async (operation: string, body: Record<string, unknown>) => h.api(operation, { companyHandle: acme.companyHandle, ...body });
  const asUser = async (operation: string, body: Record<string, unknown>) => h.api(operation, { companyHandle: acme.companyHandle, ...body }, acme.who);
  const fieldsOf = async (assetType: string) => (await asUser('getMetadataFields', { assetType })).body.fieldArray.items as Field[];
  const create = async (body: Record<string, unknown>) => asAdmin('createMetadataField', body);
  const setValue = async (assetHandle: string, fieldHandle: string, value: string) =>
    asUser('setAssetMetadata', { assetHandle, updateArray: { items: [{ fieldHandle, value }] } });

  beforeAll(async () => {
    h = await startHarness();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-mdf-'));
    acme = await companyWithUser(h, 'FieldCo', 'IpsUser');
    admin = await companyWithUser(h, 'FieldCo2', 'IpsCompanyAdmin');
    other = await companyWithUser(h, 'OtherFieldCo', 'IpsUser');
    // A company admin of acme too, for update and delete.
    const joined = await h.api('addCompanyMembership', {
      userHandle: admin.userHandle,
      membershipArray: { items: [{ companyHandle: acme.companyHandle, role: 'IpsCompanyAdmin', isActive: true }] },
    });
    expect(joined.status, JSON.stringify(joined.body)).toBe(200);
    id = acme.companyHandle.replace(/^c\|/, '');
    handles = await seedAssets(h, acme, [
      { path: await makeJpeg(path.join(dir, 'Hat.jpg'), 60, 40) },
      { path: await makeJpeg(path.join(dir, 'Coat.jpg'), 60, 40) },
      { path: await makeJpeg(path.join(dir, 'Boot.jpg'), 60, 40) },
    ]);
  }, 120_000);

  afterAll(async () => {
    await h?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('every company has the system fields, for every asset type', async () => {
    const image = await fieldsOf('Image');
    expect(image).toEqual([
      {
        fieldHandle: `m|${id}|ASSET|Comments`,
        name: 'Comments',
        type: 'String',
        defaultValue: '',
        isRequired: false,
        isUserDefined: false,
        isHidden: false,
        isEnforced: false,
      },
      {
        fieldHandle: `m|${id}|ASSET|Description`,
        name: 'Description',
        type: 'String',
        defaultValue: '',
        isRequired: false,
        isUserDefined: false,
        isHidden: false,
        isEnforced: false,
      },
      {
        fieldHandle: `m|${id}|ASSET|Keywords`,
        name: 'Keywords',
        type: 'MultiTag',
        defaultValue: '',
        isRequired: false,
        isUserDefined: false,
        isHidden: false,
        isEnforced: false,
      },
      {
        fieldHandle: `m|${id}|ASSET|UserData`,
        name: 'UserData',
        type: 'String',
        defaultValue: '',
        isRequired: false,
        isUserDefined: false,
        isHidden: false,
        isEnforced: false,
      },
    ]);
    expect(await fieldsOf('Asset')).toEqual(image);
    const all = await asUser('getAssetMetadataFields', {});
    expect(all.body).toEqual({ assetFieldsArray: { items: [{ assetType: 'Asset', fieldArray: { items: image } }] } });
  });

  it('createMetadataField makes a field of an asset type, listed for that type only, with its flags', async () => {
    const r = await create({
      assetType: 'image',
      name: 'Season',
      fieldType: 'SingleFixedTag',
      isHidden: true,
      isEnforced: true,
      initialTagValue: 'Spring, Fall,spring,',
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toEqual({ fieldHandle: `m|${id}|IMAGE|Season` });
    const width = await create({ assetType: 'Asset', name: 'Width', fieldType: 'Int', defaultValue: '042' });
    expect(width.body).toEqual({ fieldHandle: `m|${id}|ASSET|Width` });
    const season = (await fieldsOf('Image')).find((f) => f.name === 'Season');
    expect(season).toEqual({
      fieldHandle: `m|${id}|IMAGE|Season`,
      name: 'Season',
      type: 'SingleFixedTag',
      defaultValue: '',
      isRequired: false,
      isUserDefined: true,
      isHidden: true,
      isEnforced: true,
      initialTagValue: 'Spring, Fall,spring,',
    });
    // The dictionary was seeded (duplicates folded): a value outside it is refused, one inside taken.
    expect(await h.ctx.repositories.metadata.tagsOf([season!.fieldHandle])).toEqual(new Map([[season!.fieldHandle, ['Fall', 'Spring']]]));
    expect((await fieldsOf('Pdf')).map((f) => f.name)).toEqual(['Comments', 'Description', 'Keywords', 'UserData', 'Width']);
    expect((await fieldsOf('Image')).find((f) => f.name === 'Width')).toMatchObject({ defaultValue: '42', type: 'Int' });
    const grouped = (await asUser('getAssetMetadataFields', {})).body.assetFieldsArray.items as Array<{ assetType: string; fieldArray: { items: Field[] } }>;
    expect(grouped.map((g) => [g.assetType, g.fieldArray.items.map((f) => f.name)])).toEqual([
      ['Asset', ['Comments', 'Description', 'Keywords', 'UserData', 'Width']],
      ['Image', ['Season']],
    ]);
  });

  it('createMetadataField refuses a taken name, a default a type cannot hold and a dictionary a type has not', async () => {
    for (const [assetType, name] of [
      ['Image', 'season'],
      ['Asset', 'SEASON'],
      ['Pdf', 'keywords'],
    ]) {
      const r = await create({ assetType, name, fieldType: 'String' });
      expect(r.status, `${assetType} ${name}`).toBe(409);
      expect(r.body).toMatchObject({ code: FaultCode.Exception, field: 'name' });
    }
    // Another type's field name is free for a Pdf field.
    expect((await create({ assetType: 'Pdf', name: 'Season', fieldType: 'String' })).status).toBe(200);
    const refusals: Array<[Record<string, unknown>, string]> = [
      [{ name: 'Count', fieldType: 'Int', defaultValue: 'many' }, 'defaultValue'],
      [{ name: 'When', fieldType: 'Date', defaultValue: '2024-01-01T10:00' }, 'defaultValue'],
      [{ name: 'Tags', fieldType: 'MultiTag', defaultValue: 'x' }, 'defaultValue'],
      [{ name: 'Note', fieldType: 'String', initialTagValue: 'Fall' }, 'initialTagValue'],
      [{ name: 'Ok', fieldType: 'BooleanTag', initialTagValue: 'Maybe' }, 'initialTagValue'],
      [{ name: 'Odd', fieldType: 'Text' }, 'fieldType'],
      [{ name: 'Odd', fieldType: 'String', assetType: 'Nothing' }, 'assetType'],
      [{ name: 'Odd', fieldType: 'String', isRequired: true }, 'isRequired'],
    ];
    for (const [body, field] of refusals) {
      const r = await create({ assetType: 'Image', ...body });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.code, JSON.stringify(body)).toBe(FaultCode.InvalidParameter);
      expect(r.body.field, JSON.stringify(body)).toContain(field);
    }
    expect((await fieldsOf('Image')).map((f) => f.name)).not.toContain('Count');
    // createMetadataField is IpsAdmin's (Adobe IPS: r-create-metadata-field): a company admin is refused.
    const byCompanyAdmin = await h.api(
      'createMetadataField',
      { companyHandle: acme.companyHandle, assetType: 'Image', name: 'Mine', fieldType: 'String' },
      admin.who,
    );
    expect(byCompanyAdmin.body).toMatchObject({ code: FaultCode.NoOperationPermission });
  });

  it('concurrent creates of one name make one field; the others answer 409, never a server error', async () => {
    const replies = await Promise.all(['Rush', 'rush', 'RUSH', 'Rush'].map((name) => create({ assetType: 'Image', name, fieldType: 'String' })));
    expect(replies.map((r) => r.status).sort()).toEqual([200, 409, 409, 409]);
    for (const r of replies.filter((x) => x.status === 409)) expect(r.body).toMatchObject({ code: FaultCode.Exception, field: 'name' });
    expect((await fieldsOf('Image')).filter((f) => f.name.toLowerCase() === 'rush')).toHaveLength(1);
  });

  it('updateMetadataField renames (the handle stays), changes the default and flags and adds to the dictionary', async () => {
    const handle = `m|${id}|IMAGE|Season`;
    const r = await h.api(
      'updateMetadataField',
      { companyHandle: acme.companyHandle, fieldHandle: handle, name: 'Saison', isHidden: false, isEnforced: false, initialTagValue: 'Winter' },
      admin.who,
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toEqual({ fieldHandle: handle });
    expect((await fieldsOf('Image')).find((f) => f.fieldHandle === handle)).toMatchObject({
      name: 'Saison',
      isHidden: false,
      isEnforced: false,
      initialTagValue: 'Winter',
    });
    expect((await h.ctx.repositories.metadata.tagsOf([handle])).get(handle)).toEqual(['Fall', 'Spring', 'Winter']);
    expect((await setValue(handles.Hat!, handle, 'winter')).status).toBe(200);
    // The old name is free again; the name-derived handle is still the renamed field's, so the new one gets a suffix.
    const again = await create({ assetType: 'Image', name: 'Season', fieldType: 'String' });
    expect(again.body.fieldHandle).toMatch(new RegExp(`^m\\|${id}\\|IMAGE\\|Season~[A-Za-z0-9_-]+$`));
    const width = `m|${id}|ASSET|Width`;
    expect((await asAdmin('updateMetadataField', { fieldHandle: width, defaultValue: '+7' })).status).toBe(200);
    expect((await fieldsOf('Image')).find((f) => f.fieldHandle === width)?.defaultValue).toBe('7');
    expect((await asAdmin('updateMetadataField', { fieldHandle: width, defaultValue: '7.5' })).body).toMatchObject({ field: 'defaultValue' });
    expect((await asAdmin('updateMetadataField', { fieldHandle: width, name: 'saison' })).body).toMatchObject({ field: 'name', code: FaultCode.Exception });
  });

  it('system fields cannot be changed or deleted; unknown and foreign fields are not found', async () => {
    const keywords = `m|${id}|ASSET|Keywords`;
    for (const op of ['updateMetadataField', 'deleteMetadataField']) {
      const r = await asAdmin(op, { fieldHandle: keywords, ...(op === 'updateMetadataField' ? { name: 'Tags' } : {}) });
      expect(r.status, op).toBe(400);
      expect(r.body).toMatchObject({ code: FaultCode.InvalidParameter, field: 'fieldHandle' });
    }
    const theirs = `m|${other.companyHandle.replace(/^c\|/, '')}|ASSET|Keywords`;
    for (const fieldHandle of [theirs, `m|${id}|IMAGE|Nothing`]) {
      expect((await asAdmin('deleteMetadataField', { fieldHandle })).status).toBe(404);
      expect((await asAdmin('updateMetadataField', { fieldHandle, isHidden: true })).body).toMatchObject({ field: 'fieldHandle' });
      expect((await asUser('getUniqueMetadataValues', { fieldHandle })).status).toBe(404);
    }
    expect((await fieldsOf('Image')).filter((f) => !f.isUserDefined).map((f) => f.name)).toEqual(['Comments', 'Description', 'Keywords', 'UserData']);
  });

  it("getUniqueMetadataValues lists the distinct values of the company's live assets, sorted", async () => {
    const width = `m|${id}|ASSET|Width`;
    expect((await setValue(handles.Hat!, width, '10')).status).toBe(200);
    expect((await setValue(handles.Coat!, width, '9')).status).toBe(200);
    expect((await setValue(handles.Boot!, width, '11')).status).toBe(200);
    const keywords = `m|${id}|ASSET|Keywords`;
    await asUser('setAssetMetadata', { assetHandle: handles.Hat, updateArray: { items: [{ fieldHandle: keywords, setTagValueArray: ['wool', 'Red'] }] } });
    await asUser('setAssetMetadata', { assetHandle: handles.Coat, updateArray: { items: [{ fieldHandle: keywords, addTagValueArray: ['red', 'blue'] }] } });
    expect((await asUser('getUniqueMetadataValues', { fieldHandle: width })).body).toEqual({ values: { items: ['9', '10', '11'] } });
    expect((await asUser('getUniqueMetadataValues', { fieldHandle: keywords })).body).toEqual({ values: { items: ['blue', 'Red', 'red', 'wool'] } });
    // A trashed asset's values are left out.
    expect((await asUser('deleteAsset', { assetHandle: handles.Boot })).status).toBe(200);
    expect((await asUser('getUniqueMetadataValues', { fieldHandle: width })).body).toEqual({ values: { items: ['9', '10'] } });
    const none = await asUser('getUniqueMetadataValues', { fieldHandle: `m|${id}|ASSET|Comments` });
    expect(none.body).toEqual({ values: { items: [] } });
  });

  it('deleteMetadataField removes the field, its dictionary and every value assets hold for it', async () => {
    const season = `m|${id}|IMAGE|Season`;
    const values = async (fieldHandle: string) =>
      h.ctx.database.db.selectFrom('asset_metadata').select('asset_handle').where('field_handle', '=', fieldHandle).execute();
    expect(await values(season)).toHaveLength(1);
    const r = await h.api('deleteMetadataField', { companyHandle: acme.companyHandle, fieldHandle: season }, admin.who);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toEqual({});
    expect(await values(season)).toEqual([]);
    expect((await h.ctx.repositories.metadata.tagsOf([season])).get(season)).toEqual([]);
    expect((await fieldsOf('Image')).map((f) => f.fieldHandle)).not.toContain(season);
    expect((await asAdmin('deleteMetadataField', { fieldHandle: season })).status).toBe(404);
    // Setting the deleted field now names it as unknown.
    expect((await setValue(handles.Hat!, season, 'Fall')).body).toMatchObject({ code: FaultCode.InvalidParameter, field: 'updateArray.items[0].fieldHandle' });
  });

  it('the field operations are refused for a company the caller is not a member of', async () => {
    const r = await h.api('getMetadataFields', { companyHandle: other.companyHandle, assetType: 'Image' }, acme.who);
    expect(r.body).toMatchObject({ code: FaultCode.IllegalCompany });
    const theirs = await h.api('getMetadataFields', { companyHandle: other.companyHandle, assetType: 'Image' }, other.who);
    expect((theirs.body.fieldArray.items as Field[]).map((f) => f.name)).toEqual(['Comments', 'Description', 'Keywords', 'UserData']);
  });
});
