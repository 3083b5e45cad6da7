import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultCode } from '../../src/domain/faults.js';
import { ANY_ASSET_TYPE, SYSTEM_METADATA_FIELDS, type MetadataFieldType, TAG_TYPES, metadataFieldHandle } from '../../src/domain/metadata.js';
import { makePng } from '../support/fixtures.js';
import { ADMIN, type Harness, companyWithUser, seedAssets, startHarness } from '../support/harness.js';

interface Metadata {
  name: string;
  value: string;
  boolVal?: boolean;
  longVal?: number;
  doubleVal?: number;
  dateVal?: string;
  valueArray?: { items: string[] };
}
interface Asset {
  assetHandle: string;
  name: string;
  projects?: string;
  metadataArray?: { items: Metadata[] };
}

/**
 * searchAssets' keyword, system-field, tag and metadata conditions and its
 * projectHandle, searchAssetsByMetadata, and the metadata and projects every
 * Asset reply carries (docs/search.md), over fields, values and projects made
 * with the metadata and project operations.
 */
describe(`search by metadata (${process.env.IPS_TEST_DB})`, () => {
  let h: Harness;
  let dir: string;
  let acme: Awaited<ReturnType<typeof companyWithUser>>;
  let other: Awaited<ReturnType<typeof companyWithUser>>;
  let a: Record<string, string> = {};
  let o: Record<string, string> = {};
  const field: Record<string, string> = {};
  let otherBrand: string;
  let project: string;
  let otherProject: string;

  async function createField(who: typeof acme, name: string, type: MetadataFieldType, options: { hidden?: boolean } = {}) {
    const r = await h.api(
      'createMetadataField',
      { companyHandle: who.companyHandle, assetType: ANY_ASSET_TYPE, name, fieldType: type, ...(options.hidden ? { isHidden: true } : {}) },
      // Fields are made by company administrators (Adobe IPS: r-create-metadata-field); the harness's admin is one.
      ADMIN,
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body.fieldHandle as string;
  }

  /** Sets the asset's values of one field through setAssetMetadata, in the update form of the field's type. */
  async function put(assetHandle: string, fieldHandle: string, type: MetadataFieldType, values: readonly string[], who = acme) {
    const v = values[0]!;
    const form = TAG_TYPES.has(type)
      ? { setTagValueArray: { items: values } }
      : type === 'Int'
        ? { longVal: Number(v) }
        : type === 'Float'
          ? { doubleVal: Number(v) }
          : type === 'Boolean'
            ? { boolVal: v === 'true' }
            : type === 'Date'
              ? { dateVal: v }
              : { value: v };
    const r = await h.api('setAssetMetadata', { companyHandle: who.companyHandle, assetHandle, updateArray: { items: [{ fieldHandle, ...form }] } }, who.who);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  }

  async function createProject(who: typeof acme, name: string, assets: string[]) {
    const r = await h.api('createProject', { companyHandle: who.companyHandle, projectName: name }, who.who);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const added = await h.api(
      'addProjectAssets',
      { companyHandle: who.companyHandle, projectHandle: r.body.projectHandle, assetHandleArray: { items: assets } },
      who.who,
    );
    expect(added.body, JSON.stringify(added.body)).toMatchObject({ successCount: assets.length });
    return r.body.projectHandle as string;
  }

  const search = async (extra: Record<string, unknown>, who = acme) => {
    const r = await h.api('searchAssets', { companyHandle: who.companyHandle, includeSubfolders: true, ...extra }, who.who);
    return r as { status: number; body: { totalRows: number; assetArray: { items: Asset[] }; code?: number; field?: string; reason?: string } };
  };
  const names = async (extra: Record<string, unknown>, who = acme) => {
    const r = await search(extra, who);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body.assetArray.items.map((x) => x.name).sort();
  };
  const refused = async (extra: Record<string, unknown>, fieldName: string, operation = 'searchAssets') => {
    const r = await h.api(
      operation,
      { companyHandle: acme.companyHandle, ...(operation === 'searchAssets' ? { includeSubfolders: true } : {}), ...extra },
      acme.who,
    );
    expect(r.status, JSON.stringify(r.body)).toBeGreaterThanOrEqual(400);
    expect(r.body).toMatchObject({ code: FaultCode.InvalidParameter, field: fieldName });
    return r.body as { reason: string };
  };

  beforeAll(async () => {
    h = await startHarness();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-search-md-'));
    acme = await companyWithUser(h, 'Acme', 'IpsUser');
    other = await companyWithUser(h, 'Other', 'IpsUser');
    a = await seedAssets(
      h,
      acme,
      await Promise.all(['red_shoe', 'blue_shoe', 'green_hat', 'plain'].map(async (n) => ({ path: await makePng(path.join(dir, `${n}.png`), 32, 24) }))),
    );
    o = await seedAssets(h, other, [{ path: await makePng(path.join(dir, 'stranger.png'), 32, 24) }]);
    // The system fields every company has, made with the company.
    for (const c of [acme, other]) {
      for (const f of SYSTEM_METADATA_FIELDS) field[`${c === acme ? '' : 'other.'}${f.name}`] = metadataFieldHandle(c.companyHandle, ANY_ASSET_TYPE, f.name);
    }
    for (const [name, type] of [
      ['Brand', 'String'],
      ['Season', 'SingleTag'],
      ['Colors', 'MultiTag'],
      ['Size', 'Int'],
      ['Weight', 'Float'],
      ['InStock', 'Boolean'],
      ['Launch', 'Date'],
      ['Promo', 'BooleanTag'],
    ] as const) {
      field[name] = await createField(acme, name, type);
    }
    field.Secret = await createField(acme, 'Secret', 'String', { hidden: true });
    otherBrand = await createField(other, 'Brand', 'String');

    await put(a.red_shoe!, field.Keywords!, 'MultiTag', ['Summer', 'Shoe']);
    await put(a.blue_shoe!, field.Keywords!, 'MultiTag', ['shoe', 'Winter']);
    await put(a.green_hat!, field.Keywords!, 'MultiTag', ['Summer']);
    await put(a.red_shoe!, field.Description!, 'String', ['Red LEATHER shoe']);
    await put(a.blue_shoe!, field.Description!, 'String', ['Blue canvas shoe']);
    await put(a.green_hat!, field.UserData!, 'String', ['sku-17']);
    await put(a.red_shoe!, field.Brand!, 'String', ['Nike']);
    await put(a.blue_shoe!, field.Brand!, 'String', ['Adidas']);
    await put(a.green_hat!, field.Brand!, 'String', ['nikon']);
    await put(a.red_shoe!, field.Season!, 'SingleTag', ['Summer']);
    await put(a.green_hat!, field.Season!, 'SingleTag', ['Spring']);
    await put(a.red_shoe!, field.Colors!, 'MultiTag', ['Red', 'White']);
    await put(a.blue_shoe!, field.Colors!, 'MultiTag', ['Blue', 'White']);
    await put(a.green_hat!, field.Colors!, 'MultiTag', ['Green']);
    await put(a.red_shoe!, field.Size!, 'Int', ['42']);
    await put(a.blue_shoe!, field.Size!, 'Int', ['38']);
    await put(a.green_hat!, field.Size!, 'Int', ['7']);
    await put(a.red_shoe!, field.Weight!, 'Float', ['1.25']);
    await put(a.blue_shoe!, field.Weight!, 'Float', ['1.75']);
    await put(a.red_shoe!, field.InStock!, 'Boolean', ['true']);
    await put(a.blue_shoe!, field.InStock!, 'Boolean', ['false']);
    await put(a.red_shoe!, field.Launch!, 'Date', ['2024-03-01T00:00:00.000Z']);
    await put(a.blue_shoe!, field.Launch!, 'Date', ['2024-09-15T12:00:00.000Z']);
    await put(a.red_shoe!, field.Promo!, 'BooleanTag', ['True']);
    await put(a.red_shoe!, field.Secret!, 'String', ['internal']);
    // Company B holds the same keyword and brand: none of it may match company A's searches.
    await put(o.stranger!, field['other.Keywords']!, 'MultiTag', ['Shoe', 'Summer'], other);
    await put(o.stranger!, otherBrand, 'String', ['Nike'], other);

    project = await createProject(acme, 'Spring Campaign', [a.red_shoe!, a.green_hat!]);
    await createProject(acme, 'Archive', [a.red_shoe!]);
    otherProject = await createProject(other, 'Theirs', [o.stranger!]);
  }, 180_000);

  afterAll(async () => {
    await h?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('keywordArray: every keyword must be one of the asset’s Keywords, case-insensitively; company B never matches', async () => {
    expect(await names({ keywordArray: { items: ['SHOE'] } })).toEqual(['blue_shoe', 'red_shoe']);
    expect(await names({ keywordArray: { items: ['shoe', 'summer'] } })).toEqual(['red_shoe']);
    expect(await names({ keywordArray: { items: ['sho'] } })).toEqual([]);
    expect(await names({ keywordArray: { items: ['shoe'] } }, other)).toEqual(['stranger']);
  });

  it('systemFieldConditionArray: Keywords, Description and UserData values, with the Not* operators matching assets without a value', async () => {
    const sys = (items: unknown[], mode?: string) => names({ systemFieldConditionArray: { items }, ...(mode ? { systemFieldMatchMode: mode } : {}) });
    expect(await sys([{ field: 'Description', op: 'Contains', value: 'leather' }])).toEqual(['red_shoe']);
    expect(await sys([{ field: 'Keywords', op: 'Equals', value: 'WINTER' }])).toEqual(['blue_shoe']);
    expect(await sys([{ field: 'Keywords', op: 'StartsWith', value: 'sum' }])).toEqual(['green_hat', 'red_shoe']);
    expect(await sys([{ field: 'UserData', op: 'NotEquals', value: 'sku-17' }])).toEqual(['blue_shoe', 'plain', 'red_shoe']);
    expect(await sys([{ field: 'Description', op: 'NotContains', value: 'shoe' }])).toEqual(['green_hat', 'plain']);
    expect(
      await sys(
        [
          { field: 'Description', op: 'EndsWith', value: 'SHOE' },
          { field: 'Name', op: 'Contains', value: 'hat' },
        ],
        'MatchAny',
      ),
    ).toEqual(['blue_shoe', 'green_hat', 'red_shoe']);
    await refused({ systemFieldConditionArray: { items: [{ field: 'Keywords', op: 'GreaterThan', longVal: 3 }] } }, 'systemFieldConditionArray.items[0]');
  });

  it('metadataConditionArray: string operators on the folded value, or the exact one when caseSensitive', async () => {
    const md = (items: unknown[], mode?: string) => names({ metadataConditionArray: { items }, ...(mode ? { metadataMatchMode: mode } : {}) });
    const brand = field.Brand!;
    expect(await md([{ fieldHandle: brand, op: 'Equals', value: 'nike' }])).toEqual(['red_shoe']);
    expect(await md([{ fieldHandle: brand, op: 'Equals', value: 'nike', caseSensitive: true }])).toEqual([]);
    expect(await md([{ fieldHandle: brand, op: 'Equals', value: 'Nike', caseSensitive: true }])).toEqual(['red_shoe']);
    expect(await md([{ fieldHandle: brand, op: 'StartsWith', value: 'NIK' }])).toEqual(['green_hat', 'red_shoe']);
    expect(await md([{ fieldHandle: brand, op: 'StartsWith', value: 'Nik', caseSensitive: true }])).toEqual(['red_shoe']);
    expect(await md([{ fieldHandle: brand, op: 'EndsWith', value: 'DAS' }])).toEqual(['blue_shoe']);
    expect(await md([{ fieldHandle: brand, op: 'EndsWith', value: 'Das', caseSensitive: true }])).toEqual([]);
    expect(await md([{ fieldHandle: brand, op: 'Contains', value: 'iko' }])).toEqual(['green_hat']);
    expect(await md([{ fieldHandle: brand, op: 'Contains', value: 'IKO', caseSensitive: true }])).toEqual([]);
    expect(await md([{ fieldHandle: brand, op: 'Contains', value: '%' }])).toEqual([]);
    // values: any of them; a Not* operator: none of them, so assets without a Brand match.
    expect(await md([{ fieldHandle: brand, op: 'Equals', values: { items: ['adidas', 'NIKE'] } }])).toEqual(['blue_shoe', 'red_shoe']);
    expect(await md([{ fieldHandle: brand, op: 'NotEquals', value: 'Nike' }])).toEqual(['blue_shoe', 'green_hat', 'plain']);
    expect(await md([{ fieldHandle: brand, op: 'NotContains', values: { items: ['nik', 'DAS'] } }])).toEqual(['plain']);
  });

  it('metadataConditionArray: numbers, Booleans and dates compare by the field’s storage; min/max pairs take Between and NotBetween', async () => {
    const md = (items: unknown[], mode?: string) => names({ metadataConditionArray: { items }, ...(mode ? { metadataMatchMode: mode } : {}) });
    expect(await md([{ fieldHandle: field.Size, op: 'GreaterThan', longVal: 10 }])).toEqual(['blue_shoe', 'red_shoe']);
    expect(await md([{ fieldHandle: field.Size, op: 'Between', minLong: 38, maxLong: 40 }])).toEqual(['blue_shoe']);
    expect(await md([{ fieldHandle: field.Size, op: 'NotBetween', minLong: 38, maxLong: 40 }])).toEqual(['green_hat', 'plain', 'red_shoe']);
    expect(await md([{ fieldHandle: field.Size, op: 'NotEquals', longVal: 42 }])).toEqual(['blue_shoe', 'green_hat', 'plain']);
    expect(await md([{ fieldHandle: field.Weight, op: 'LessThan', doubleVal: 1.5 }])).toEqual(['red_shoe']);
    expect(await md([{ fieldHandle: field.Weight, op: 'Between', minDouble: 1.5, maxDouble: 2 }])).toEqual(['blue_shoe']);
    expect(await md([{ fieldHandle: field.InStock, op: 'Equals', boolVal: false }])).toEqual(['blue_shoe']);
    expect(await md([{ fieldHandle: field.Promo, op: 'Equals', boolVal: true }])).toEqual(['red_shoe']);
    expect(await md([{ fieldHandle: field.Launch, op: 'GreaterThanEquals', dateVal: '2024-06-01T00:00:00+02:00' }])).toEqual(['blue_shoe']);
    expect(await md([{ fieldHandle: field.Launch, op: 'Between', minDate: '2024-01-01T00:00:00Z', maxDate: '2024-03-01T00:00:00Z' }])).toEqual(['red_shoe']);
    expect(
      await md(
        [
          { fieldHandle: field.Size, op: 'LessThanEquals', longVal: 7 },
          { fieldHandle: field.InStock, op: 'Equals', boolVal: true },
        ],
        'MatchAny',
      ),
    ).toEqual(['green_hat', 'red_shoe']);
    expect(
      await md([
        { fieldHandle: field.Size, op: 'GreaterThan', longVal: 10 },
        { fieldHandle: field.InStock, op: 'Equals', boolVal: true },
      ]),
    ).toEqual(['red_shoe']);
  });

  it('metadata conditions are refused (30001 naming the element) for fields of no company or another company, and value forms the field type does not take', async () => {
    const item = 'metadataConditionArray.items[0]';
    await refused({ metadataConditionArray: { items: [{ fieldHandle: 'm|0|ASSET|Nope', op: 'Equals', value: 'x' }] } }, `${item}.fieldHandle`);
    await refused({ metadataConditionArray: { items: [{ fieldHandle: otherBrand, op: 'Equals', value: 'Nike' }] } }, `${item}.fieldHandle`);
    await refused({ metadataConditionArray: { items: [{ fieldHandle: field.Brand, op: 'GreaterThan', longVal: 3 }] } }, `${item}.longVal`);
    await refused({ metadataConditionArray: { items: [{ fieldHandle: field.Size, op: 'Contains', longVal: 3 }] } }, `${item}.op`);
    await refused({ metadataConditionArray: { items: [{ fieldHandle: field.Size, op: 'LessThan', value: '3' }] } }, `${item}.op`);
    await refused({ metadataConditionArray: { items: [{ fieldHandle: field.InStock, op: 'NotEquals', boolVal: true }] } }, `${item}.op`);
    await refused({ metadataConditionArray: { items: [{ fieldHandle: field.Launch, op: 'Between', minDate: '2024-01-01T00:00:00Z' }] } }, item);
    await refused({ tagConditionArray: { items: [{ fieldHandle: field.Brand, op: 'Matches', value: 'Nike' }] } }, 'tagConditionArray.items[0].fieldHandle');
  });

  it('tagConditionArray: Matches, MatchesAny and MatchesAll on the tags, case-insensitively; MatchesAll only on multi-valued fields', async () => {
    const tags = (items: unknown[], mode?: string) => names({ tagConditionArray: { items }, ...(mode ? { tagMatchMode: mode } : {}) });
    expect(await tags([{ fieldHandle: field.Colors, op: 'Matches', value: 'WHITE' }])).toEqual(['blue_shoe', 'red_shoe']);
    expect(await tags([{ fieldHandle: field.Colors, op: 'MatchesAny', valueArray: { items: ['green', 'blue'] } }])).toEqual(['blue_shoe', 'green_hat']);
    expect(await tags([{ fieldHandle: field.Colors, op: 'MatchesAll', valueArray: { items: ['red', 'white'] } }])).toEqual(['red_shoe']);
    expect(await tags([{ fieldHandle: field.Season, op: 'MatchesAny', valueArray: { items: ['spring', 'summer'] } }])).toEqual(['green_hat', 'red_shoe']);
    expect(
      await tags(
        [
          { fieldHandle: field.Season, op: 'Matches', value: 'spring' },
          { fieldHandle: field.Colors, op: 'Matches', value: 'blue' },
        ],
        'MatchAny',
      ),
    ).toEqual(['blue_shoe', 'green_hat']);
    await refused(
      { tagConditionArray: { items: [{ fieldHandle: field.Season, op: 'MatchesAll', valueArray: { items: ['x'] } }] } },
      'tagConditionArray.items[0].op',
    );
    await refused(
      { tagConditionArray: { items: [{ fieldHandle: field.Colors, op: 'MatchesAny', valueArray: { items: [] } }] } },
      'tagConditionArray.items[0].valueArray',
    );
  });

  it('conditionMatchMode joins the groups; the structural filters always apply', async () => {
    const groups = {
      keywordArray: { items: ['winter'] },
      tagConditionArray: { items: [{ fieldHandle: field.Colors, op: 'Matches', value: 'green' }] },
    };
    expect(await names({ ...groups, conditionMatchMode: 'MatchAny' })).toEqual(['blue_shoe', 'green_hat']);
    expect(await names({ ...groups, conditionMatchMode: 'MatchAll' })).toEqual([]);
    expect(
      await names({ ...groups, conditionMatchMode: 'MatchAny', systemFieldConditionArray: { items: [{ field: 'Name', op: 'Contains', value: 'shoe' }] } }),
    ).toEqual(['blue_shoe', 'green_hat', 'red_shoe']);
    expect(await names({ ...groups, conditionMatchMode: 'MatchAny', assetTypeArray: { items: ['Pdf'] } })).toEqual([]);
  });

  it('projectHandle: only the project’s assets; an unknown or foreign project is 30001 naming projectHandle', async () => {
    expect(await names({ projectHandle: project })).toEqual(['green_hat', 'red_shoe']);
    expect(await names({ projectHandle: project, keywordArray: { items: ['shoe'] } })).toEqual(['red_shoe']);
    await refused({ projectHandle: 'p|0|missing' }, 'projectHandle');
    await refused({ projectHandle: otherProject }, 'projectHandle');
  });

  it('every Asset reply carries its metadata (tags in valueArray, typed values, hidden fields too) and its projects', async () => {
    const got = await h.api('getAssets', { companyHandle: acme.companyHandle, assetHandleArray: { items: [a.red_shoe, a.plain] } }, acme.who);
    expect(got.status, JSON.stringify(got.body)).toBe(200);
    const [red, plain] = got.body.assetArray.items as Asset[];
    expect(red!.projects).toBe('Archive,Spring Campaign');
    const byName = Object.fromEntries(red!.metadataArray!.items.map((m) => [m.name, m]));
    expect(byName.Keywords).toEqual({ name: 'Keywords', value: 'Summer,Shoe', valueArray: { items: ['Summer', 'Shoe'] } });
    expect(byName.Size).toEqual({ name: 'Size', value: '42', longVal: 42 });
    expect(byName.Weight).toEqual({ name: 'Weight', value: '1.25', doubleVal: 1.25 });
    expect(byName.InStock).toEqual({ name: 'InStock', value: 'true', boolVal: true });
    expect(byName.Launch).toEqual({ name: 'Launch', value: '2024-03-01T00:00:00.000Z', dateVal: '2024-03-01T00:00:00.000Z' });
    expect(byName.Promo).toEqual({ name: 'Promo', value: 'True', valueArray: { items: ['True'] } });
    expect(byName.Secret).toEqual({ name: 'Secret', value: 'internal' });
    expect(plain).not.toHaveProperty('metadataArray');
    expect(plain).not.toHaveProperty('projects');

    const found = await search({ keywordArray: { items: ['winter'] } });
    expect(found.body.assetArray.items[0]!.metadataArray!.items.map((m) => m.name)).toEqual([
      'Brand',
      'Colors',
      'Description',
      'InStock',
      'Keywords',
      'Launch',
      'Size',
      'Weight',
    ]);
    const byNameReply = await h.api('getAssetsByName', { companyHandle: acme.companyHandle, nameArray: { items: ['green_hat'] } }, acme.who);
    expect(byNameReply.body.assetArray.items[0]).toMatchObject({ name: 'green_hat', projects: 'Spring Campaign' });
  });

  it('trash and publish filters hold with metadata conditions', async () => {
    const marks = await h.api(
      'setAssetsPublishState',
      {
        companyHandle: acme.companyHandle,
        publishStateUpdateArray: {
          items: Object.values(a).map((assetHandle) => ({
            assetHandle,
            publishState: assetHandle === a.red_shoe ? 'MarkedForPublish' : 'NotMarkedForPublish',
          })),
        },
      },
      acme.who,
    );
    expect(marks.body, JSON.stringify(marks.body)).toMatchObject({ successCount: 4 });
    expect(await names({ keywordArray: { items: ['shoe'] }, publishState: 'MarkedForPublish' })).toEqual(['red_shoe']);
    expect(await names({ keywordArray: { items: ['shoe'] }, publishState: 'NotMarkedForPublish' })).toEqual(['blue_shoe']);
    const trashed = await h.api('deleteAsset', { companyHandle: acme.companyHandle, assetHandle: a.blue_shoe }, acme.who);
    expect(trashed.status, JSON.stringify(trashed.body)).toBe(200);
    expect(await names({ keywordArray: { items: ['shoe'] } })).toEqual(['red_shoe']);
    expect(await names({ keywordArray: { items: ['shoe'] }, trashState: 'InTrash' })).toEqual(['blue_shoe']);
    const restored = await h.api('restoreAssetsFromTrash', { companyHandle: acme.companyHandle, assetHandleArray: { items: [a.blue_shoe] } }, acme.who);
    expect(restored.body).toMatchObject({ successCount: 1 });
  });

  describe('searchAssetsByMetadata', () => {
    const byMetadata = async (extra: Record<string, unknown>, who = acme) => {
      const r = await h.api('searchAssetsByMetadata', { companyHandle: who.companyHandle, ...extra }, who.who);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body as { totalRows: number; assetSummaryArray: { items: Array<{ name: string; filename: string; metadataArray?: { items: Metadata[] } }> } };
    };

    it('runs the metadata conditions under the filters; each summary carries the values of responseMetadataArray', async () => {
      const r = await byMetadata({
        metadataConditionArray: { items: [{ fieldHandle: field.Brand, op: 'StartsWith', value: 'nik' }] },
        responseMetadataArray: { items: [field.Colors, field.Size] },
        sortBy: 'Name',
        sortDirection: 'Descending',
      });
      expect(r.totalRows).toBe(2);
      expect(r.assetSummaryArray.items.map((s) => s.name)).toEqual(['red_shoe', 'green_hat']);
      expect(r.assetSummaryArray.items[0]).toMatchObject({
        filename: 'red_shoe.png',
        metadataArray: {
          items: [
            { name: 'Colors', value: 'Red,White', valueArray: { items: ['Red', 'White'] } },
            { name: 'Size', value: '42', longVal: 42 },
          ],
        },
      });
      const any = await byMetadata({
        metadataConditionArray: {
          items: [
            { fieldHandle: field.Size, op: 'LessThan', longVal: 10 },
            { fieldHandle: field.InStock, op: 'Equals', boolVal: false },
          ],
        },
        metadataConditionMatchMode: 'MatchAny',
        recordsPerPage: 1,
        resultsPage: 2,
      });
      expect(any.totalRows).toBe(2);
      expect(any.assetSummaryArray.items.map((s) => s.name)).toEqual(['green_hat']);
      expect(any.assetSummaryArray.items[0]).not.toHaveProperty('metadataArray');
    });

    it('filters: folder, types, projectHandle, publishState and trashState always AND', async () => {
      expect((await byMetadata({ filters: { projectHandle: project } })).assetSummaryArray.items.map((s) => s.name).sort()).toEqual(['green_hat', 'red_shoe']);
      expect((await byMetadata({ filters: { assetTypeArray: { items: ['Pdf'] } } })).totalRows).toBe(0);
      expect((await byMetadata({ filters: { publishState: 'MarkedForPublish', excludeByproducts: true } })).assetSummaryArray.items.map((s) => s.name)).toEqual(
        ['red_shoe'],
      );
      expect((await byMetadata({ filters: { trashState: 'InTrash' } })).totalRows).toBe(0);
      expect((await byMetadata({ filters: { folder: 'Acme/', includeSubfolders: false } })).totalRows).toBe(4);
      expect(
        (await byMetadata({ filters: { assetSubTypeArray: { items: ['x'] }, strictSubTypeCheck: true, excludeAssetTypeArray: { items: ['Image'] } } }))
          .totalRows,
      ).toBe(0);
      // Company B's values never match company A's search, nor A's B's.
      expect(
        (
          await byMetadata({ metadataConditionArray: { items: [{ fieldHandle: otherBrand, op: 'Equals', value: 'nike' }] } }, other)
        ).assetSummaryArray.items.map((s) => s.name),
      ).toEqual(['stranger']);
    });

    it('refuses an unknown response field, an unknown project and a field of another company (30001 naming the element)', async () => {
      await refused({ responseMetadataArray: { items: [field.Size, 'm|0|ASSET|Nope'] } }, 'responseMetadataArray.items[1]', 'searchAssetsByMetadata');
      await refused({ filters: { projectHandle: otherProject } }, 'filters.projectHandle', 'searchAssetsByMetadata');
      await refused(
        { metadataConditionArray: { items: [{ fieldHandle: otherBrand, op: 'Equals', value: 'Nike' }] } },
        'metadataConditionArray.items[0].fieldHandle',
        'searchAssetsByMetadata',
      );
    });
  });

  it('MetadataPublishJob publishes each marked asset’s metadata values, hidden fields left out', async () => {
    const r = await h.api('submitJob', { companyHandle: acme.companyHandle, jobName: 'md', metadataPublishJob: { forcePublish: true } }, acme.who);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    await h.client.workflow.getHandle(r.body.jobHandle).result();
    const doc = JSON.parse(await fs.readFile(path.join(h.ctx.config.serverPublishRoot, 'Acme/metadata.json'), 'utf8'));
    const red = doc.assets.find((x: { name: string }) => x.name === 'red_shoe');
    expect(red.metadata).toEqual({
      Brand: 'Nike',
      Colors: ['Red', 'White'],
      Description: 'Red LEATHER shoe',
      InStock: 'true',
      Keywords: ['Summer', 'Shoe'],
      Launch: '2024-03-01T00:00:00.000Z',
      Promo: ['True'],
      Season: ['Summer'],
      Size: '42',
      Weight: '1.25',
    });
  });
});
