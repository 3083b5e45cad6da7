import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/adapters/logging/logger.js';
import { uploadPost } from '../support/fixtures.js';
import { ADMIN, type Harness, basic, companyWithUser, startHarness } from '../support/harness.js';
import { startSecondApi } from '../support/two-apis.js';

const WINDOW_SECONDS = 2;
const MAX_FAILURES = 3;

describe(`login throttle (${process.env.IPS_TEST_DB})`, () => {
  let h: Harness;
  let acme: Awaited<ReturnType<typeof companyWithUser>>;
  const logLines: string[] = [];

  beforeAll(async () => {
    const sink = new Writable({ write: (chunk, _enc, done) => (logLines.push(String(chunk)), done()) });
    h = await startHarness(
      { AUTH_MAX_FAILURES: String(MAX_FAILURES), AUTH_FAILURE_WINDOW_SECONDS: String(WINDOW_SECONDS), AUTH_CACHE_SECONDS: '0' },
      { logger: createLogger('debug', 'ips', sink) },
    );
    acme = await companyWithUser(h, 'Acme', 'IpsUser');
  });
  afterAll(async () => h?.close());

  async function call(who: { email: string; password: string }, baseUrl = h.baseUrl) {
    const res = await fetch(`${baseUrl}/api/getCompanyInfo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: basic(who) },
      body: JSON.stringify({ companyHandle: acme.companyHandle }),
    });
    return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() };
  }

  it('successful logins are never counted', async () => {
    for (let i = 0; i < MAX_FAILURES * 3; i++) expect((await call(acme.who)).status).toBe(200);
  });

  it('refuses with 429 after N failures, even the right password, until the window passes', async () => {
    const wrong = { email: acme.who.email, password: 'Wrong-Guess-42' };
    for (let i = 0; i < MAX_FAILURES; i++) expect((await call(wrong)).status).toBe(401);

    const locked = await call(acme.who);
    expect(locked.status).toBe(429);
    expect(locked.body).toEqual({ fault: 'authenticationFault', code: 10001, reason: expect.stringContaining('Too many failed logins') });
    expect(Number(locked.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(locked.retryAfter)).toBeLessThanOrEqual(WINDOW_SECONDS);

    // The UploadFile servlet authenticates through the same throttle (Basic header or auth part).
    const upload = await uploadPost(h.baseUrl, {
      params: { companyHandle: acme.companyHandle },
      files: [],
      authPart: { user: acme.who.email, password: acme.who.password },
    });
    expect(upload.status).toBe(429);

    // So does the SOAP endpoint: its fault (HTTP 500, as IPS answers faults) carries the same code, reason and Retry-After.
    const soap = await fetch(`${h.baseUrl}/scene7/services/IpsApiService`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml; charset=UTF-8', soapaction: 'getCompanyInfo' },
      body:
        `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:i="http://www.scene7.com/IpsApi/xsd/2014-04-03"><s:Header><i:authHeader>` +
        `<i:user>${acme.who.email}</i:user><i:password>${acme.who.password}</i:password><i:appName>t</i:appName><i:appVersion>1</i:appVersion></i:authHeader></s:Header>` +
        `<s:Body><i:getCompanyInfoParam><i:companyHandle>${acme.companyHandle}</i:companyHandle></i:getCompanyInfoParam></s:Body></s:Envelope>`,
    });
    expect(soap.status).toBe(500);
    expect(Number(soap.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const soapFault = await soap.text();
    expect(soapFault).toContain('<authenticationFault xmlns="http://www.scene7.com/IpsApi/xsd"><code>10001</code><reason>Too many failed logins');

    await sleep(Number(locked.retryAfter) * 1000 + 100);
    expect((await call(acme.who)).status).toBe(200);
  });

  it('logs the failed and the successful logins without any password or Authorization header', async () => {
    logLines.length = 0;
    expect((await call({ email: ADMIN.email, password: 'Leaky-Guess-7' })).status).toBe(401);
    expect((await call(ADMIN)).status).toBe(200);
    const text = logLines.join('');
    expect(text).toContain('login failed');
    for (const secret of ['Leaky-Guess-7', ADMIN.password, basic(ADMIN).slice('Basic '.length)]) expect(text).not.toContain(secret);
  });

  it('holds one lockout for every API replica: failures through API 1 lock the e-mail on API 2', async () => {
    const api2 = await startSecondApi(h);
    try {
      const wrong = { email: acme.who.email, password: 'Wrong-Guess-43' };
      expect((await call(acme.who, api2.baseUrl)).status).toBe(200);
      for (let i = 0; i < MAX_FAILURES; i++) expect((await call(wrong)).status).toBe(401);
      const locked = await call(acme.who, api2.baseUrl);
      expect(locked.status).toBe(429);
      expect(Number(locked.retryAfter)).toBeGreaterThanOrEqual(1);
      expect((await call(acme.who)).status).toBe(429);

      await sleep(Number(locked.retryAfter) * 1000 + 100);
      expect((await call(acme.who, api2.baseUrl)).status).toBe(200);
    } finally {
      await api2.close();
    }
  });
});
