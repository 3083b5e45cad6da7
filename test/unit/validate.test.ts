import { describe, expect, it } from 'vitest';
import { FaultCode, IpsFault, describe as describeValue } from '../../src/domain/faults.js';
import { fieldPath, parseInput } from '../../src/domain/validate.js';
import { addUserParam, getUsersParam } from '../../src/domain/schemas/account.schema.js';
import { searchAssetsParam } from '../../src/domain/schemas/asset.schema.js';
import { saveImageFormatParam } from '../../src/domain/schemas/image-format.schema.js';
import { uploadPostJob, uploadPostParam } from '../../src/domain/schemas/upload.schema.js';
import { ROLES } from '../../src/domain/roles.js';

/** Runs parseInput and returns the IpsFault it throws (fails the test if it does not throw one). */
function faultOf(fn: () => unknown): IpsFault {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(IpsFault);
    return err as IpsFault;
  }
  throw new Error('expected an IpsFault, but parsing succeeded');
}

const membership = { companyHandle: 'c1', role: 'IpsUser', isActive: true };
const validUser = {
  firstName: 'Ann',
  lastName: 'Lee',
  email: 'ann@example.com',
  password: 'Secret-Pass-1',
  isValid: true,
  isIpsAdmin: false,
  membershipArray: { items: [membership] },
};
const validJob = { overwrite: true, readyForPublish: true, createMask: false, emailSetting: 'None' };

describe('parseInput', () => {
  it('returns the parsed value for valid input', () => {
    expect(parseInput(searchAssetsParam, { companyHandle: ' c1 ', includeSubfolders: true })).toEqual({
      companyHandle: 'c1',
      includeSubfolders: true,
    });
  });

  it('a missing required field is 30002 naming the field', () => {
    const f = faultOf(() => parseInput(searchAssetsParam, { includeSubfolders: true }));
    expect(f.code).toBe(FaultCode.MissingParameter);
    expect(f.field).toBe('companyHandle');
    expect(f.reason).toContain('companyHandle is required');
    expect(f.reason).toContain('received nothing');
  });

  it('reports the missing field first even when another field is wrong', () => {
    const f = faultOf(() => parseInput(searchAssetsParam, { includeSubfolders: 'yes' }));
    expect(f.code).toBe(30002);
    expect(f.field).toBe('companyHandle');
  });

  it('a missing body is 30002 on (body)', () => {
    const f = faultOf(() => parseInput(searchAssetsParam, undefined));
    expect(f.code).toBe(30002);
    expect(f.field).toBe('(body)');
  });

  it('a wrong type is 30001 with expected and received', () => {
    const f = faultOf(() => parseInput(searchAssetsParam, { companyHandle: 'c1', includeSubfolders: 'yes' }));
    expect(f.code).toBe(FaultCode.InvalidParameter);
    expect(f.field).toBe('includeSubfolders');
    expect(f.reason).toBe("includeSubfolders: expected boolean, received 'yes'");
  });

  it('a non-object body says it expected an object', () => {
    const f = faultOf(() => parseInput(searchAssetsParam, [1, 2]));
    expect(f.code).toBe(30001);
    expect(f.reason).toContain('expected an object');
    expect(f.reason).toContain('received an array of 2');
  });

  it('an unknown field is 30001 naming it', () => {
    const f = faultOf(() => parseInput(searchAssetsParam, { companyHandle: 'c1', includeSubfolders: true, folderz: 'x' }));
    expect(f.code).toBe(30001);
    expect(f.field).toBe('folderz');
    expect(f.reason).toContain('folderz: unknown field');
  });

  it('an enum mismatch lists the allowed values', () => {
    const f = faultOf(() =>
      parseInput(searchAssetsParam, { companyHandle: 'c1', includeSubfolders: true, publishState: 'Published' }),
    );
    expect(f.code).toBe(30001);
    expect(f.field).toBe('publishState');
    expect(f.reason).toContain('one of MarkedForPublish, NotMarkedForPublish');
    expect(f.reason).toContain("received 'Published'");
  });

  it('numeric bounds are described', () => {
    const f = faultOf(() => parseInput(getUsersParam, { recordsPerPage: 0 }));
    expect(f.code).toBe(30001);
    expect(f.field).toBe('recordsPerPage');
    expect(f.reason).toContain('a number at least 1');
    expect(f.reason).toContain('received 0');
  });

  it('regex failures use the schema message', () => {
    const f = faultOf(() => parseInput(saveImageFormatParam, { companyHandle: 'c1', name: 'bad name', urlModifier: 'wid=10' }));
    expect(f.code).toBe(30001);
    expect(f.field).toBe('name');
    expect(f.reason).toContain('ASCII letters');
  });

  it('not-supported search options are refused', () => {
    const f = faultOf(() => parseInput(searchAssetsParam, { companyHandle: 'c1', includeSubfolders: true, keywordArray: [] }));
    expect(f.code).toBe(30001);
    expect(f.field).toBe('keywordArray');
    expect(f.reason).toContain('not supported');
  });
});

describe('itemsArray', () => {
  it('accepts { items: [...] } and a bare array alike', () => {
    const wrapped = parseInput(addUserParam, validUser);
    const bare = parseInput(addUserParam, { ...validUser, membershipArray: [membership] });
    expect(wrapped.membershipArray).toEqual([membership]);
    expect(bare.membershipArray).toEqual([membership]);
    expect(parseInput(addUserParam, { ...validUser, membershipArray: {} }).membershipArray).toEqual([]);
  });

  it('names the element path inside { items }', () => {
    const bad = { ...validUser, membershipArray: { items: [membership, { ...membership, role: 'Boss' }] } };
    const f = faultOf(() => parseInput(addUserParam, bad));
    expect(f.code).toBe(30001);
    expect(f.field).toBe('membershipArray.items[1].role');
    expect(f.reason).toContain(`one of ${ROLES.join(', ')}`);
    expect(f.reason).toContain("received 'Boss'");
  });

  it('names the element path in a bare array', () => {
    const f = faultOf(() => parseInput(addUserParam, { ...validUser, membershipArray: [{ ...membership, role: 'Boss' }] }));
    expect(f.code).toBe(30001);
    expect(f.field).toBe('membershipArray[0].role');
  });

  it('a missing element field is 30002 with its path', () => {
    const f = faultOf(() => parseInput(addUserParam, { ...validUser, membershipArray: [{ role: 'IpsUser', isActive: true }] }));
    expect(f.code).toBe(30002);
    expect(f.field).toBe('membershipArray[0].companyHandle');
  });

  it('neither an array nor an object describes both shapes', () => {
    const f = faultOf(() => parseInput(addUserParam, { ...validUser, membershipArray: 'c1' }));
    expect(f.code).toBe(30001);
    expect(f.field).toBe('membershipArray');
    expect(f.reason).toContain('an array or an object { "items": [...] }');
  });
});

describe('fieldPrefix and upload parameters', () => {
  it('prefixes field names (prefix without a trailing dot)', () => {
    const f = faultOf(() => parseInput(uploadPostJob, { ...validJob, emailSetting: 'Sometimes' }, 'uploadParams'));
    expect(f.code).toBe(30001);
    expect(f.field).toBe('uploadParams.emailSetting');
    expect(f.reason).toMatch(/^uploadParams\.emailSetting: expected one of All, Error, /);
  });

  it('prefixes missing and unknown fields too', () => {
    const { overwrite: _omit, ...rest } = validJob;
    expect(faultOf(() => parseInput(uploadPostJob, rest, 'uploadParams')).field).toBe('uploadParams.overwrite');
    expect(faultOf(() => parseInput(uploadPostJob, rest, 'uploadParams')).code).toBe(30002);
    expect(faultOf(() => parseInput(uploadPostJob, { ...validJob, foo: 1 }, 'uploadParams')).field).toBe('uploadParams.foo');
  });

  it("a trailing-dot prefix ('uploadParams.') gives a single dot", () => {
    const f = faultOf(() => parseInput(uploadPostParam, { jobName: 'j' }, 'uploadParams.'));
    expect(f.code).toBe(30002);
    expect(f.field).toBe('uploadParams.companyHandle');
    expect(fieldPath(['b'], 'x.')).toBe('x.b');
  });

  it('uploadPostParam needs jobName or jobHandle', () => {
    const f = faultOf(() => parseInput(uploadPostParam, { companyHandle: 'c1' }));
    // A custom (superRefine) issue, so 30001 although the reason says "received nothing".
    expect(f.code).toBe(30001);
    expect(f.field).toBe('jobName');
    expect(f.reason).toContain('jobName (to start a job) or jobHandle');
  });

  it('uploadPostParam refuses both jobName and jobHandle', () => {
    const f = faultOf(() => parseInput(uploadPostParam, { companyHandle: 'c1', jobName: 'j', jobHandle: 'h' }));
    expect(f.code).toBe(30001);
    expect(f.field).toBe('jobHandle');
    expect(f.reason).toContain('not both');
  });

  it('accepts a job name with nested upload parameters', () => {
    const p = parseInput(uploadPostParam, { companyHandle: 'c1', jobName: 'j', uploadParams: validJob });
    expect(p.uploadParams?.emailSetting).toBe('None');
  });

  it('refuses not-supported options instead of ignoring them', () => {
    const f = faultOf(() =>
      parseInput(uploadPostParam, { companyHandle: 'c1', jobName: 'j', uploadParams: { ...validJob, manualCropOptions: {} } }),
    );
    expect(f.code).toBe(30001);
    expect(f.field).toBe('uploadParams.manualCropOptions');
    expect(f.reason).toContain('manualCropOptions is not supported');
  });

  it('refuses createMask true', () => {
    const f = faultOf(() => parseInput(uploadPostJob, { ...validJob, createMask: true }, 'uploadParams'));
    expect(f.code).toBe(30001);
    expect(f.field).toBe('uploadParams.createMask');
    expect(f.reason).toContain('expected false, received true');
  });

  // KNOWN DEFECT: upload.schema.ts:21 gives z.literal(false) a message explaining masks are not
  // supported, but validate.ts expectation() renders invalid_value from issue.values, dropping it.
  it.fails('BUG: createMask true explains that masks are not supported', () => {
    expect(faultOf(() => parseInput(uploadPostJob, { ...validJob, createMask: true })).reason).toContain('not supported');
  });
});

describe('fieldPath and describe', () => {
  it('joins keys and indexes', () => {
    expect(fieldPath(['a', 0, 'b'])).toBe('a[0].b');
    expect(fieldPath(['b'], 'x')).toBe('x.b');
    expect(fieldPath([0, 'b'], 'arr')).toBe('arr[0].b');
    expect(fieldPath([])).toBe('');
  });

  it('bounds long values', () => {
    const text = describeValue('x'.repeat(500));
    expect(text.length).toBeLessThanOrEqual(81);
    expect(describeValue(null)).toBe('null');
    expect(describeValue({ a: 1 })).toBe('an object');
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
  });

  it('serialises to { fault, code, reason, field }', () => {
    expect(new IpsFault(30001, 'bad', 'x').toJSON()).toEqual({ fault: 'ipsApiFault', code: 30001, reason: 'bad', field: 'x' });
    expect(new IpsFault(20003, 'no').toJSON()).toEqual({ fault: 'authorizationFault', code: 20003, reason: 'no' });
    expect(JSON.parse(JSON.stringify(new IpsFault(10000, 'who')))).toEqual({ fault: 'authenticationFault', code: 10000, reason: 'who' });
  });
});
