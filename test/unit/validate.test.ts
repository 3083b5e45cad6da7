import type { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { FaultCode, IpsFault, describe as describeValue, faults } from '../../src/domain/faults.js';
import { ROLES } from '../../src/domain/roles.js';
import { addUserParam, getUsersParam } from '../../src/domain/schemas/account.schema.js';
import { searchAssetsParam } from '../../src/domain/schemas/asset.schema.js';
import { saveImageFormatParam } from '../../src/domain/schemas/image-format.schema.js';
import { uploadPostJob, uploadPostParam } from '../../src/domain/schemas/upload.schema.js';
import { fieldPath, parseInput } from '../../src/domain/validate.js';
import { faultOf } from '../support/faults.js';

const membership = { companyHandle: 'c1', role: 'IpsUser', isActive: true };
const user = {
  firstName: 'Ann',
  lastName: 'Lee',
  email: 'ann@example.com',
  password: 'Secret-Pass-1',
  isValid: true,
  isIpsAdmin: false,
  membershipArray: { items: [membership] },
};
const search = { companyHandle: 'c1', includeSubfolders: true };
const job = { overwrite: true, readyForPublish: true, createMask: false, emailSetting: 'None' };
const { overwrite: _omitted, ...jobWithoutOverwrite } = job;

interface Case {
  name: string;
  schema: z.ZodType;
  input: unknown;
  prefix?: string;
  code: number;
  field: string;
  reason: string[];
}

const cases: Case[] = [
  // missing / wrong type / unknown / enum / bounds
  {
    name: 'missing required field',
    schema: searchAssetsParam,
    input: { includeSubfolders: true },
    code: 30002,
    field: 'companyHandle',
    reason: ['companyHandle is required', 'received nothing'],
  },
  {
    name: 'missing field wins over an earlier wrong one',
    schema: searchAssetsParam,
    input: { companyHandle: 5 },
    code: 30002,
    field: 'includeSubfolders',
    reason: ['includeSubfolders is required: expected boolean'],
  },
  { name: 'missing body', schema: searchAssetsParam, input: undefined, code: 30002, field: '(body)', reason: ['(body) is required'] },
  {
    name: 'wrong type',
    schema: searchAssetsParam,
    input: { ...search, includeSubfolders: 'yes' },
    code: 30001,
    field: 'includeSubfolders',
    reason: ["includeSubfolders: expected boolean, received 'yes'"],
  },
  {
    name: 'array instead of object',
    schema: searchAssetsParam,
    input: [1, 2],
    code: 30001,
    field: '(body)',
    reason: ['expected an object', 'received an array of 2'],
  },
  { name: 'unknown field', schema: searchAssetsParam, input: { ...search, folderz: 'x' }, code: 30001, field: 'folderz', reason: ['folderz: unknown field'] },
  {
    name: 'enum mismatch',
    schema: searchAssetsParam,
    input: { ...search, publishState: 'Published' },
    code: 30001,
    field: 'publishState',
    reason: ['expected one of MarkedForPublish, NotMarkedForPublish', "received 'Published'"],
  },
  {
    name: 'number bound',
    schema: getUsersParam,
    input: { recordsPerPage: 0 },
    code: 30001,
    field: 'recordsPerPage',
    reason: ['expected a number at least 1', 'received 0'],
  },
  {
    name: 'string bound',
    schema: searchAssetsParam,
    input: { ...search, companyHandle: '   ' },
    code: 30001,
    field: 'companyHandle',
    reason: ['at least 1 characters'],
  },
  {
    name: 'regex message',
    schema: saveImageFormatParam,
    input: { companyHandle: 'c1', name: 'bad name', urlModifier: 'wid=10' },
    code: 30001,
    field: 'name',
    reason: ['ASCII letters', "received 'bad name'"],
  },
  {
    name: 'not-supported search option',
    schema: searchAssetsParam,
    input: { ...search, responseFieldArray: [] },
    code: 30001,
    field: 'responseFieldArray',
    reason: ['responseFieldArray is not supported'],
  },
  // excludeByproductArray
  {
    name: 'unknown byproduct engine',
    schema: searchAssetsParam,
    input: { ...search, excludeByproductArray: [{ engine: 'Ghostscript', generatedAssetType: 'Image' }] },
    code: 30001,
    field: 'excludeByproductArray[0].engine',
    reason: ['expected one of PhotoshopLayers, PostScriptRip, ImageConvert, SceneAuthoring, Aco', "received 'Ghostscript'"],
  },
  {
    name: 'unknown generated asset type',
    schema: searchAssetsParam,
    input: { ...search, excludeByproductArray: { items: [{ engine: 'PostScriptRip', generatedAssetType: 'Page' }] } },
    code: 30001,
    field: 'excludeByproductArray.items[0].generatedAssetType',
    reason: ['expected one of Aco, AdjustedView', "received 'Page'"],
  },
  {
    name: 'byproduct condition without engine',
    schema: searchAssetsParam,
    input: { ...search, excludeByproductArray: [{ generatedAssetType: 'Image' }] },
    code: 30002,
    field: 'excludeByproductArray[0].engine',
    reason: ['excludeByproductArray[0].engine is required'],
  },
  // itemsArray
  {
    name: 'element error inside { items }',
    schema: addUserParam,
    input: { ...user, membershipArray: { items: [membership, { ...membership, role: 'Boss' }] } },
    code: 30001,
    field: 'membershipArray.items[1].role',
    reason: [`one of ${ROLES.join(', ')}`, "received 'Boss'"],
  },
  {
    name: 'element error in a bare array',
    schema: addUserParam,
    input: { ...user, membershipArray: [{ ...membership, role: 'Boss' }] },
    code: 30001,
    field: 'membershipArray[0].role',
    reason: ['membershipArray[0].role: expected one of IpsAdmin'],
  },
  {
    name: 'missing element field',
    schema: addUserParam,
    input: { ...user, membershipArray: [{ role: 'IpsUser', isActive: true }] },
    code: 30002,
    field: 'membershipArray[0].companyHandle',
    reason: ['is required'],
  },
  {
    name: 'unknown key beside items',
    schema: addUserParam,
    input: { ...user, membershipArray: { items: [], extra: 1 } },
    code: 30001,
    field: 'membershipArray.extra',
    reason: ['unknown field'],
  },
  {
    name: 'neither array nor { items }',
    schema: addUserParam,
    input: { ...user, membershipArray: 'c1' },
    code: 30001,
    field: 'membershipArray',
    reason: ['an array or an object { "items": [...] }', "received 'c1'"],
  },
  // fieldPrefix
  {
    name: 'prefix on a wrong value',
    schema: uploadPostJob,
    input: { ...job, emailSetting: 'Sometimes' },
    prefix: 'uploadParams',
    code: 30001,
    field: 'uploadParams.emailSetting',
    reason: ['uploadParams.emailSetting: expected one of All, Error'],
  },
  {
    name: 'prefix on a missing field',
    schema: uploadPostJob,
    input: jobWithoutOverwrite,
    prefix: 'uploadParams',
    code: 30002,
    field: 'uploadParams.overwrite',
    reason: ['uploadParams.overwrite is required'],
  },
  {
    name: 'prefix on an unknown field',
    schema: uploadPostJob,
    input: { ...job, foo: 1 },
    prefix: 'uploadParams',
    code: 30001,
    field: 'uploadParams.foo',
    reason: ['uploadParams.foo: unknown field'],
  },
  {
    name: 'trailing-dot prefix',
    schema: uploadPostParam,
    input: { jobName: 'j' },
    prefix: 'uploadParams.',
    code: 30002,
    field: 'uploadParams.companyHandle',
    reason: ['uploadParams.companyHandle is required'],
  },
  // uploadPostParam rules and refused options
  // A cross-field rule marked params.missing: reported as a missing parameter (30002).
  {
    name: 'neither jobName nor jobHandle',
    schema: uploadPostParam,
    input: { companyHandle: 'c1' },
    code: 30002,
    field: 'jobName',
    reason: ['jobName (to start a job) or jobHandle (to add to one)', 'received nothing'],
  },
  {
    name: 'both jobName and jobHandle',
    schema: uploadPostParam,
    input: { companyHandle: 'c1', jobName: 'j', jobHandle: 'h' },
    code: 30001,
    field: 'jobHandle',
    reason: ['either jobName or jobHandle, not both'],
  },
  {
    name: 'PSD layers on upload',
    schema: uploadPostParam,
    input: { companyHandle: 'c1', jobName: 'j', uploadParams: { ...job, photoshopOptions: { process: 'MaintainLayers' } } },
    code: 30001,
    field: 'uploadParams.photoshopOptions',
    reason: ['photoshopOptions on upload is not supported', 'submit a reprocessAssetsJob'],
  },
  {
    name: 'incomplete manualCropOptions with prefix',
    schema: uploadPostJob,
    input: { ...job, manualCropOptions: { left: 1 } },
    prefix: 'uploadParams',
    code: 30002,
    field: 'uploadParams.manualCropOptions.right',
    reason: ['uploadParams.manualCropOptions.right'],
  },
  {
    name: 'two crops on upload',
    schema: uploadPostJob,
    input: { ...job, manualCropOptions: { left: 1, right: 0, top: 0, bottom: 0 }, autoColorCropOptions: { corner: 'UpperLeft', tolerance: 0 } },
    prefix: 'uploadParams',
    code: 30001,
    field: 'uploadParams.autoColorCropOptions',
    reason: ['at most one of manualCropOptions'],
  },
];

describe('parseInput faults', () => {
  it.each(cases)('$name → $code on $field', ({ schema, input, prefix, code, field, reason }) => {
    const f = faultOf(() => parseInput(schema, input, prefix));
    expect(f.code).toBe(code);
    expect(f.field).toBe(field);
    for (const fragment of reason) expect(f.reason).toContain(fragment);
    expect(f.toJSON()).toEqual({ fault: 'ipsApiFault', code, reason: f.reason, field });
  });
});

describe('parseInput success', () => {
  it('returns the parsed (trimmed) value', () => {
    expect(parseInput(searchAssetsParam, { companyHandle: ' c1 ', includeSubfolders: true })).toEqual(search);
  });

  it('itemsArray accepts { items: [...] }, a bare array and an empty { }', () => {
    expect(parseInput(addUserParam, user).membershipArray).toEqual([membership]);
    expect(parseInput(addUserParam, { ...user, membershipArray: [membership] }).membershipArray).toEqual([membership]);
    expect(parseInput(addUserParam, { ...user, membershipArray: {} }).membershipArray).toEqual([]);
  });

  it('uploadPostParam with jobName or jobHandle and nested parameters', () => {
    expect(parseInput(uploadPostParam, { companyHandle: 'c1', jobName: 'j', uploadParams: job }).uploadParams?.emailSetting).toBe('None');
    expect(parseInput(uploadPostParam, { companyHandle: 'c1', jobHandle: 'h' }).jobHandle).toBe('h');
  });
});

describe('fieldPath and describe', () => {
  it('joins keys and indexes', () => {
    expect(fieldPath(['a', 0, 'b'])).toBe('a[0].b');
    expect(fieldPath(['b'], 'x')).toBe('x.b');
    expect(fieldPath(['b'], 'x.')).toBe('x.b');
    expect(fieldPath([0, 'b'], 'arr')).toBe('arr[0].b');
    expect(fieldPath([])).toBe('');
  });

  it('renders received values briefly', () => {
    expect(describeValue('x'.repeat(500)).length).toBeLessThanOrEqual(81);
    expect(describeValue(undefined)).toBe('nothing');
    expect(describeValue(null)).toBe('null');
    expect(describeValue({ a: 1 })).toBe('an object');
    expect(describeValue(42)).toBe('42');
  });
});

describe('IpsFault', () => {
  it.each([
    [10001, undefined, 401, 'authenticationFault'],
    [20003, undefined, 403, 'authorizationFault'],
    [20006, undefined, 403, 'authorizationFault'],
    [30002, undefined, 400, 'ipsApiFault'],
    [30001, 'notFound', 404, 'ipsApiFault'],
    [30000, 'conflict', 409, 'ipsApiFault'],
    [30001, 'tooLarge', 413, 'ipsApiFault'],
    [30000, undefined, 500, 'ipsApiFault'],
  ] as const)('code %i hint %s → HTTP %i', (code, hint, status, kind) => {
    const f = new IpsFault(code, 'r', undefined, hint);
    expect(f.httpStatus).toBe(status);
    expect(f.kind).toBe(kind);
    expect(f).toBeInstanceOf(Error);
    expect(f.message).toBe('r');
  });

  it('serialises to { fault, code, reason, field? }', () => {
    expect(new IpsFault(30001, 'bad', 'x').toJSON()).toEqual({ fault: 'ipsApiFault', code: 30001, reason: 'bad', field: 'x' });
    expect(new IpsFault(20003, 'no').toJSON()).toEqual({ fault: 'authorizationFault', code: 20003, reason: 'no' });
    expect(JSON.parse(JSON.stringify(new IpsFault(10000, 'who')))).toEqual({ fault: 'authenticationFault', code: 10000, reason: 'who' });
  });

  it('fault helpers carry their codes and hints', () => {
    expect(faults.notFound('assetHandle', 'asset', 'a1')).toMatchObject({ code: 30001, field: 'assetHandle', httpStatus: 404 });
    expect(faults.conflict('name', 'taken')).toMatchObject({ code: FaultCode.Exception, httpStatus: 409 });
    expect(faults.noPermission('addUser')).toMatchObject({ code: 20003, httpStatus: 403 });
    expect(faults.foreignCompany()).toMatchObject({ code: 20006, field: 'companyHandle' });
    expect(faults.missing('x', 'a string').reason).toBe('x is required: expected a string, received nothing');
  });
});
