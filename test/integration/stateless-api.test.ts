import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UploadJobResult } from '../../src/jobs/contracts.js';
import { makePng, uploadPost } from '../support/fixtures.js';
import { type Harness, basic, companyWithUser, startHarness } from '../support/harness.js';
import { storedKeys } from '../support/stored.js';
import { type SecondApi, startSecondApi } from '../support/two-apis.js';

/**
 * Two API replicas on one catalog, one store and one Temporal: what one
 * replica changes holds on the other at once, whatever either has cached
 * (docs/operations.md#stateless-processes). Both remember verified passwords
 * (AUTH_CACHE_SECONDS 600), so a stale cache would show.
 */
describe(`stateless API replicas (${process.env.IPS_TEST_DB})`, () => {
  let h: Harness;
  let api2: SecondApi;
  let dir: string;
  let acme: Awaited<ReturnType<typeof companyWithUser>>;

  beforeAll(async () => {
    h = await startHarness({ AUTH_CACHE_SECONDS: '600', UPLOAD_JOB_IDLE_SECONDS: '30' });
    api2 = await startSecondApi(h);
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-stateless-'));
    acme = await companyWithUser(h, 'Acme', 'IpsCompanyAdmin');
  });
  afterAll(async () => {
    await api2?.close();
    await h?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('a password changed through API 1 is refused at once by API 2, which had it cached', async () => {
    const user = await companyWithUser(h, 'Initech', 'IpsUser');
    const call = (who: { email: string; password: string }) => api2.api('getCompanyInfo', { companyHandle: user.companyHandle }, who).then((r) => r.status);
    expect(await call(user.who)).toBe(200);
    expect(await call(user.who)).toBe(200);
    const renewed = { email: user.who.email, password: 'Renewed-Pass-9' };
    expect((await h.api('setPassword', { password: renewed.password }, user.who)).status).toBe(200);
    expect(await call(user.who)).toBe(401);
    expect(await call(renewed)).toBe(200);
  });

  it('a user deactivated through API 1 is refused at once by API 2', async () => {
    const user = await companyWithUser(h, 'Hooli', 'IpsUser');
    const call = () => api2.api('getCompanyInfo', { companyHandle: user.companyHandle }, user.who).then((r) => r.status);
    expect(await call()).toBe(200);
    const body = { userHandle: user.userHandle, firstName: 'Test', lastName: 'IpsUser', email: user.who.email, isValid: false };
    expect((await h.api('setUserInfo', body)).status).toBe(200);
    expect(await call()).toBe(401);
  });

  it('a membership changed through API 1 holds at once on API 2', async () => {
    // A second administrator of Acme, so demoting them leaves Acme one.
    const who = { email: 'deputy@acme.test', password: 'Deputy-Pass-1' };
    const membership = (role: string, isActive: boolean) => ({ membershipArray: { items: [{ companyHandle: acme.companyHandle, role, isActive }] } });
    const added = await h.api('addUser', {
      firstName: 'Dep',
      lastName: 'Uty',
      ...who,
      isValid: true,
      isIpsAdmin: false,
      ...membership('IpsCompanyAdmin', true),
    });
    expect(added.status).toBe(200);
    const userHandle: string = added.body.userHandle;
    const members = () => api2.api('getCompanyMembers', { companyHandle: acme.companyHandle, includeInvalid: false }, who).then((r) => r.status);
    expect(await members()).toBe(200);
    expect((await h.api('setCompanyMembership', { userHandle, ...membership('IpsUser', true) })).status).toBe(200);
    expect(await members()).toBe(403);
    expect((await api2.api('getCompanyInfo', { companyHandle: acme.companyHandle }, who)).status).toBe(200);
    expect((await h.api('setCompanyMembership', { userHandle, ...membership('IpsUser', false) })).status).toBe(200);
    expect((await api2.api('getCompanyInfo', { companyHandle: acme.companyHandle }, who)).body).toMatchObject({
      reason: 'User has no active company membership',
    });
  });

  it('an upload job started through API 1 takes a second post through API 2', async () => {
    const uploader = await companyWithUser(h, 'Globex', 'IpsUser');
    const png = await makePng(path.join(dir, 'logo.png'));
    const post = (baseUrl: string, params: Record<string, unknown>, name: string) =>
      uploadPost(baseUrl, { params, files: [{ path: png, name }], authorization: basic(uploader.who) });
    const first = await post(h.baseUrl, { companyHandle: uploader.companyHandle, jobName: 'two-replicas' }, 'replica-a.png');
    expect(first.status).toBe(200);
    const jobHandle: string = first.body.jobHandle;
    const second = await post(api2.baseUrl, { companyHandle: uploader.companyHandle, jobHandle, endJob: true }, 'replica-b.png');
    expect(second).toEqual({ status: 200, body: { jobHandle } });
    const result = (await h.client.workflow.getHandle(jobHandle).result()) as UploadJobResult;
    expect(result).toMatchObject({ total: 2, success: 2, error: 0 });
    const names = (await h.ctx.database.db.selectFrom('assets').select('name').where('company_handle', '=', uploader.companyHandle).execute()).map(
      (r) => r.name,
    );
    expect(names.sort()).toEqual(['replica-a', 'replica-b']);
    expect(await storedKeys(h, 'staging')).toEqual([]);
  });
});
