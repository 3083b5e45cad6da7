import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/adapters/logging/logger.js';
import { randomId } from '../../src/domain/handles.js';
import { ADMIN, type Harness, basic, companyWithUser, startHarness } from '../support/harness.js';
import { makeJpeg } from '../support/fixtures.js';

/**
 * No credential is ever kept (issue 13, item 2): a marker value goes through
 * every field that can carry a credential — IMS fields, passwords, an
 * Authorization header, the query strings of postHttpUrl, httpCompletionUrl
 * and upload URLs — the jobs run (so the URLs are really called with their
 * secrets), and then the marker is looked for in every workflow history, memo
 * and search attribute (through the Temporal client), every catalog table,
 * the outbox, the fault reasons, the echoes and the service's log output.
 */
const MARKER = `Mk9${randomId(10)}Q`;
const PASSWORD = `Pw-${MARKER}`;

interface Hit {
  method: string;
  url: string;
}

let h: Harness;
let acme: Awaited<ReturnType<typeof companyWithUser>>;
let server: http.Server;
let base = '';
const hits: Hit[] = [];
const logLines: string[] = [];
const replies: string[] = [];
const workflowIds = new Set<string>();
let dir: string;
let photo: Buffer;

/** Every text a reply carries, kept so the marker search covers it. */
async function call(operation: string, body: unknown, who: { email: string; password: string } | null = acme.who) {
  const r = await h.api(operation, body, who);
  replies.push(JSON.stringify(r.body ?? null));
  return r;
}

async function runJob(body: Record<string, unknown>): Promise<string> {
  const r = await call('submitJob', { companyHandle: acme.companyHandle, ...body });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  workflowIds.add(r.body.jobHandle);
  return r.body.jobHandle;
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-cred-'));
  photo = await fs.readFile(await makeJpeg(path.join(dir, 'photo.jpg'), 320, 240));
  server = http.createServer((req, res) => {
    hits.push({ method: req.method ?? '', url: req.url ?? '' });
    req.resume();
    req.on('end', () => {
      if (req.method === 'GET' && req.url?.startsWith('/photo.jpg')) res.writeHead(200, { 'content-type': 'image/jpeg' }).end(photo);
      else res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(chunk.toString());
      done();
    },
  });
  h = await startHarness(
    { URL_UPLOAD_ALLOWED_HOSTS: '127.0.0.1', CALLBACK_ALLOWED_HOSTS: '127.0.0.1' },
    // debug: the most the service ever writes, so the search covers every line it could log.
    { logger: createLogger('debug', 'ips-test', sink) },
  );
  acme = await companyWithUser(h, 'Acme', 'IpsUser');
}, 240_000);

afterAll(async () => {
  await h?.close();
  server?.close();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

describe('a credential sent to the service is used where it belongs and kept nowhere', () => {
  it('runs every credential-bearing path with the marker', async () => {
    // Passwords: a new user, a login check, a password change, and a wrong Authorization header.
    const email = `marker-${randomId(6)}@acme.test`;
    const user = await call(
      'addUser',
      {
        firstName: 'Mark',
        lastName: 'Er',
        email,
        password: PASSWORD,
        isValid: true,
        isIpsAdmin: false,
        membershipArray: { items: [{ companyHandle: acme.companyHandle, role: 'IpsUser', isActive: true }] },
      },
      ADMIN,
    );
    expect(user.status, JSON.stringify(user.body)).toBe(200);
    expect((await call('checkLogin', { email, password: PASSWORD }, ADMIN)).body).toEqual({ status: 'ValidLogin' });
    expect((await call('checkLogin', { email, password: `${PASSWORD}x` }, ADMIN)).body).toEqual({ status: 'InvalidLogin' });
    expect((await call('setPassword', { password: `${PASSWORD}-2` }, { email, password: PASSWORD })).status).toBe(200);
    expect((await call('setPassword', { password: MARKER.slice(0, 5) }, { email, password: `${PASSWORD}-2` })).status).toBe(400);
    const wrong = await fetch(`${h.baseUrl}/api/getCompanyInfo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: basic({ email, password: `wrong-${MARKER}` }) },
      body: JSON.stringify({ companyHandle: acme.companyHandle }),
    });
    replies.push(await wrong.text());
    expect(wrong.status).toBe(401);

    // IMS credentials: refused, and the fault does not repeat them.
    for (const field of ['jwtToken', 'imsOrg', 'apikey']) {
      const r = await call('submitJob', {
        companyHandle: acme.companyHandle,
        jobName: 'ims',
        reprocessAssetsJob: { assetHandleArray: ['a|x'], createMask: false, emailSetting: 'None', [field]: MARKER },
      });
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ code: 30001, field: `reprocessAssetsJob.${field}` });
    }

    // An upload from a presigned-style URL, with a postHttpUrl whose query holds a token.
    const upload = await runJob({
      jobName: 'from-url',
      uploadUrlsJob: {
        urlArray: [{ sourceUrl: `${base}/photo.jpg?sig=${MARKER}`, destPath: 'in/' }],
        overwrite: true,
        readyForPublish: true,
        createMask: false,
        emailSetting: 'All',
        postHttpUrl: `${base}/upload-done?token=${MARKER}`,
      },
    });
    await h.client.workflow.getHandle(upload).result();
    const asset = await h.ctx.database.db
      .selectFrom('assets')
      .select('asset_handle')
      .where('company_handle', '=', acme.companyHandle)
      .executeTakeFirstOrThrow();

    // A reprocess with a follow-on publish: both completion URLs carry the marker.
    const reprocess = await runJob({
      jobName: 'again',
      reprocessAssetsJob: {
        assetHandleArray: [asset.asset_handle],
        createMask: false,
        emailSetting: 'All',
        postHttpUrl: `${base}/reprocess-done?token=${MARKER}#${MARKER}`,
        postImageServingPublishJob: { publishType: 'Full', emailSetting: 'All', httpCompletionUrl: `${base}/publish-done?key=${MARKER}` },
      },
    });
    await h.client.workflow.getHandle(reprocess).result();
    workflowIds.add(`${reprocess}_Pub`);
    await h.client.workflow.getHandle(`${reprocess}_Pub`).result();

    // The URLs were called with their secrets: the service used them, it did not drop them.
    const seen = hits.map((x) => `${x.method} ${x.url}`);
    expect(seen).toContain(`GET /photo.jpg?sig=${MARKER}`);
    expect(seen).toContain(`POST /upload-done?token=${MARKER}`);
    expect(seen).toContain(`POST /reprocess-done?token=${MARKER}`);
    expect(seen).toContain(`POST /publish-done?key=${MARKER}`);

    // Echoes: a waiting job and a scheduled job show their URLs without the secret.
    const later = await runJob({
      jobName: 'later',
      execTime: new Date(Date.now() + 3_600_000).toISOString(),
      reprocessAssetsJob: { assetHandleArray: [asset.asset_handle], createMask: false, emailSetting: 'None', postHttpUrl: `${base}/later?token=${MARKER}` },
    });
    const active = await call('getActiveJobs', { companyHandle: acme.companyHandle, jobHandle: later });
    expect(active.body.jobArray.items[0].reprocessAssetsJob.postHttpUrl).toBe(`${base}/later?[redacted]`);
    const scheduled = await call('submitJob', {
      companyHandle: acme.companyHandle,
      jobName: 'nightly',
      execSchedule: '0 0 3 * * ?',
      imageServingPublishJob: { publishType: 'Incremental', emailSetting: 'None', httpCompletionUrl: `${base}/nightly?key=${MARKER}` },
    });
    expect(scheduled.status, JSON.stringify(scheduled.body)).toBe(200);
    const schedules = await call('getScheduledJobs', { companyHandle: acme.companyHandle });
    expect(schedules.body.jobArray.items[0].imageServingPublishJob.httpCompletionUrl).toBe(`${base}/nightly?[redacted]`);

    // Where the marker must not be: Temporal (histories, memos, search attributes, the schedule) ...
    const temporalTexts: string[] = [];
    for (const id of workflowIds) {
      const handle = h.client.workflow.getHandle(id);
      temporalTexts.push(readable(await handle.fetchHistory()), readable(await handle.describe()));
    }
    temporalTexts.push(readable(await h.client.schedule.getHandle(scheduled.body.jobHandle).describe()));
    expect(temporalTexts.filter((t) => t.includes(MARKER))).toEqual([]);
    expect(temporalTexts.join('').length).toBeGreaterThan(1000);

    // ... every table of the catalog ...
    const tables = await catalogTables();
    expect(tables).toEqual(expect.arrayContaining(['job_logs', 'job_log_details', 'sealed_values', 'users']));
    const leaking: string[] = [];
    for (const table of tables) {
      const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(h.ctx.database.db);
      if (readable(rows.rows).includes(MARKER)) leaking.push(table);
    }
    expect(leaking).toEqual([]);

    // ... the mails written ...
    const outbox = path.join(h.ctx.config.dataDir, 'outbox');
    const mails = await Promise.all((await fs.readdir(outbox)).map((f) => fs.readFile(path.join(outbox, f), 'utf8')));
    expect(mails.length).toBeGreaterThanOrEqual(3);
    expect(mails.filter((m) => m.includes(MARKER))).toEqual([]);

    // ... the replies (faults, echoes, job logs) and the log output.
    for (const jobHandle of [upload, reprocess]) await call('getJobLogDetails', { companyHandle: acme.companyHandle, jobHandle });
    expect(replies.filter((r) => r.includes(MARKER))).toEqual([]);
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.filter((l) => l.includes(MARKER))).toEqual([]);

    await call('deleteJob', { companyHandle: acme.companyHandle, jobHandle: scheduled.body.jobHandle });
    await call('stopJob', { companyHandle: acme.companyHandle, jobHandle: later });
  }, 240_000);
});

/** Text of a value with every byte array (Temporal payloads) decoded as UTF-8, so an encoded marker is found too. */
function readable(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
    if (v && typeof v === 'object' && (v as { type?: string }).type === 'Buffer' && Array.isArray((v as { data?: unknown }).data))
      return Buffer.from((v as { data: number[] }).data).toString('utf8');
    if (typeof v === 'bigint') return v.toString();
    return v;
  });
}

async function catalogTables(): Promise<string[]> {
  const db = h.ctx.database.db;
  if (h.dbKind === 'sqlite') {
    const r = await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(db);
    return r.rows.map((x) => x.name);
  }
  const r = await sql<{ table_name: string }>`select table_name from information_schema.tables where table_schema = 'public'`.execute(db);
  return r.rows.map((x) => x.table_name);
}
