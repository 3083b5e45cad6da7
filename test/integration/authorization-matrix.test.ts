import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATIONS, type JsonOperation } from '../../src/api/operations.js';
import { FaultCode } from '../../src/domain/faults.js';
import { OPERATION_ACCESS, type OperationName, ROLES, type Role } from '../../src/domain/roles.js';
import { jobTypeByElement } from '../../src/jobs/job-registry.js';
import { ADMIN, type Harness, basic, startHarness } from '../support/harness.js';
import { makePng, uploadPost } from '../support/fixtures.js';

/**
 * The authorization matrix, generated from OPERATION_ACCESS (never restated
 * here): every JSON operation × every caller × every company scope the
 * operation has, plus the UploadFile servlet and the exportJob element rule.
 *
 * Callers: one user per IPS role, each an active member of company A only; the
 * global IpsAdmin; a user with no membership at all; a user whose only
 * membership (IpsAdmin, in A) is inactive. Scopes: A ("own"), B ("foreign"),
 * and no company field, where the operation's schema has one to leave out.
 *
 * Allowed calls are made cheap and side-effect free: each operation's body is
 * valid, and where the operation would change something it names a handle
 * that does not exist (a job, preset, script, asset, notification user), a
 * duplicate company name or a password the policy refuses, so the call faults
 * with 400/404/409 in the service, after authorization. No job is started, no
 * password, preset or publish state changes. Reads answer 200 with data.
 */

type Scope = 'own' | 'foreign' | 'none';
type Caller =
  | { kind: 'member'; role: Role; label: string; who: Who }
  | { kind: 'ipsAdmin'; label: string; who: Who }
  | { kind: 'noMembership'; label: string; who: Who }
  | { kind: 'inactive'; label: string; who: Who };
interface Who {
  email: string;
  password: string;
}
type Expected = { allowed: true } | { allowed: false; code: number };
interface Reply {
  status: number;
  body: any;
  text: string;
}

/** What a company holds, so bodies can name real (or, for writes, missing) things of the company they target. */
interface Fixture {
  companyHandle: string;
  name: string;
  assetHandle: string;
  assetName: string;
  finishedJob: string;
  finishedJobName: string;
  waitingJob: string;
  schedule: string;
  scheduleName: string;
  preset: string;
  presetName: string;
  script: string;
  scriptName: string;
  userHandle: string;
  email: string;
}

/** Handles that exist nowhere: an allowed write that names one faults after authorization (404) and changes nothing. */
const MISSING = {
  job: 'j|matrix||missing|0',
  asset: 'a|matrix-missing',
  preset: 'if|matrix-missing',
  script: 'ps|matrix-missing',
  user: 'u|matrix-missing|nobody@matrix.test',
};
const WEAK_PASSWORD = 'weak';

interface OperationCase {
  /** The body for company `c` (undefined = the "no company field" scope); undefined when the operation has no such form. */
  body: (t: Fixture | undefined) => Record<string, unknown> | undefined;
  /** What an allowed call answers: the service's own fault or 200. */
  allowed: { status: number; code?: number; field?: string };
}

const byCompany = (build: (t: Fixture) => Record<string, unknown>) => (t: Fixture | undefined) => (t ? build(t) : undefined);

/** One entry per JSON operation; `satisfies` makes a new operation without a case a type error. */
const CASES = {
  // Global: the companyHandle is the checked login's; a foreign one changes nothing about the caller's access.
  checkLogin: {
    body: (t) => ({ email: 'nobody@matrix.test', password: 'Not-the-one-1', ...(t ? { companyHandle: t.companyHandle } : {}) }),
    allowed: { status: 200 },
  },
  // An existing name: the duplicate check answers 409 before anything is created.
  addCompany: { body: (t) => (t ? undefined : { companyName: COMPANY_A }), allowed: { status: 409, code: FaultCode.Exception, field: 'companyName' } },
  getCompanyInfo: { body: (t) => (t ? { companyHandle: t.companyHandle } : { companyName: COMPANY_A }), allowed: { status: 200 } },
  getAllCompanies: { body: (t) => (t ? undefined : { includeExpired: true }), allowed: { status: 200 } },
  // The password policy is checked first: 400, no user is created.
  addUser: {
    body: (t) =>
      t
        ? undefined
        : {
            firstName: 'M',
            lastName: 'X',
            email: 'never-created@matrix.test',
            password: WEAK_PASSWORD,
            isValid: true,
            isIpsAdmin: false,
            membershipArray: { items: [] },
          },
    allowed: { status: 400, code: FaultCode.InvalidParameter, field: 'password' },
  },
  getUsers: { body: (t) => (t ? undefined : {}), allowed: { status: 200 } },
  // The caller's own password, refused by the policy: nothing changes.
  setPassword: { body: (t) => (t ? undefined : { password: WEAK_PASSWORD }), allowed: { status: 400, code: FaultCode.InvalidParameter, field: 'password' } },
  getCompanySettings: { body: byCompany((t) => ({ companyHandle: t.companyHandle })), allowed: { status: 200 } },
  // A setting this server does not have: refused after authorization, so nothing changes.
  setCompanySettings: {
    body: byCompany((t) => ({ companyHandle: t.companyHandle, diskSpaceWarningMin: 1 })),
    allowed: { status: 400, code: FaultCode.InvalidParameter, field: 'diskSpaceWarningMin' },
  },
  searchAssets: { body: byCompany((t) => ({ companyHandle: t.companyHandle, includeSubfolders: true })), allowed: { status: 200 } },
  getAssets: { body: byCompany((t) => ({ companyHandle: t.companyHandle, assetHandleArray: { items: [t.assetHandle] } })), allowed: { status: 200 } },
  setAssetPublishState: {
    body: byCompany((t) => ({ companyHandle: t.companyHandle, assetHandle: MISSING.asset, publishState: 'NotMarkedForPublish' })),
    allowed: { status: 404, code: FaultCode.InvalidParameter, field: 'assetHandle' },
  },
  saveImageFormat: {
    body: byCompany((t) => ({ companyHandle: t.companyHandle, imageFormatHandle: MISSING.preset, name: 'matrix', urlModifier: 'wid=10' })),
    allowed: { status: 404, code: FaultCode.InvalidParameter, field: 'imageFormatHandle' },
  },
  getImageFormats: { body: byCompany((t) => ({ companyHandle: t.companyHandle })), allowed: { status: 200 } },
  deleteImageFormat: {
    body: byCompany((t) => ({ companyHandle: t.companyHandle, imageFormatHandle: MISSING.preset })),
    allowed: { status: 404, code: FaultCode.InvalidParameter, field: 'imageFormatHandle' },
  },
  saveSetGenerationScript: {
    body: byCompany((t) => ({ companyHandle: t.companyHandle, scriptHandle: MISSING.script, name: 'matrix', setType: 'SpinSet', memberPattern: '{base}_{n}' })),
    allowed: { status: 404, code: FaultCode.InvalidParameter, field: 'scriptHandle' },
  },
  getSetGenerationScripts: { body: byCompany((t) => ({ companyHandle: t.companyHandle })), allowed: { status: 200 } },
  deleteSetGenerationScript: {
    body: byCompany((t) => ({ companyHandle: t.companyHandle, scriptHandle: MISSING.script })),
    allowed: { status: 404, code: FaultCode.InvalidParameter, field: 'scriptHandle' },
  },
  // Every submit-time check passes; the notification user does not exist, which is checked last, before anything starts.
  submitJob: {
    body: byCompany((t) => ({ companyHandle: t.companyHandle, userHandle: MISSING.user, jobName: 'matrix', optimizeImagesJob: { emailSetting: 'None' } })),
    allowed: { status: 404, code: FaultCode.InvalidParameter, field: 'userHandle' },
  },
  getActiveJobs: { body: (t) => (t ? { companyHandle: t.companyHandle } : {}), allowed: { status: 200 } },
  getScheduledJobs: { body: (t) => (t ? { companyHandle: t.companyHandle } : {}), allowed: { status: 200 } },
  stopJob: {
    body: byCompany((t) => ({ companyHandle: t.companyHandle, jobHandle: MISSING.job })),
    allowed: { status: 404, code: FaultCode.InvalidParameter, field: 'jobHandle' },
  },
  pauseJob: {
    body: byCompany((t) => ({ companyHandle: t.companyHandle, jobHandle: MISSING.job })),
    allowed: { status: 404, code: FaultCode.InvalidParameter, field: 'jobHandle' },
  },
  resumeJob: {
    body: byCompany((t) => ({ companyHandle: t.companyHandle, jobHandle: MISSING.job })),
    allowed: { status: 404, code: FaultCode.InvalidParameter, field: 'jobHandle' },
  },
  executeJob: {
    body: byCompany((t) => ({ companyHandle: t.companyHandle, jobHandle: MISSING.job })),
    allowed: { status: 404, code: FaultCode.InvalidParameter, field: 'jobHandle' },
  },
  deleteJob: {
    body: byCompany((t) => ({ companyHandle: t.companyHandle, jobHandle: MISSING.job })),
    allowed: { status: 404, code: FaultCode.InvalidParameter, field: 'jobHandle' },
  },
  getJobLogs: { body: (t) => (t ? { companyHandle: t.companyHandle } : {}), allowed: { status: 200 } },
  getJobLogDetails: { body: byCompany((t) => ({ companyHandle: t.companyHandle, jobHandle: t.finishedJob })), allowed: { status: 200 } },
  getCallbackSecret: { body: byCompany((t) => ({ companyHandle: t.companyHandle })), allowed: { status: 200 } },
  getAssetJobLogs: { body: byCompany((t) => ({ companyHandle: t.companyHandle, assetHandle: t.assetHandle })), allowed: { status: 200 } },
} satisfies Record<JsonOperation, OperationCase>;

const COMPANY_A = 'Arbor Matrix Co';
const COMPANY_B = 'Globex Matrix Co';
/** Every name of company B starts with this, so one case-insensitive search finds any of them. */
const B_MARK = 'globex';
const PARALLEL = 8;

const JSON_OPERATIONS = Object.keys(OPERATIONS) as JsonOperation[];

/** The role the table is asked about for a caller (the global IpsAdmin is asked as IpsAdmin). */
function expectedFor(op: OperationName, caller: Caller, scope: Scope, extraRoles?: readonly Role[]): Expected {
  const access = OPERATION_ACCESS[op];
  const roles: readonly Role[] = access.roles;
  const may = (role: Role) => roles.includes(role) && (!extraRoles || extraRoles.includes(role));
  if (caller.kind === 'ipsAdmin') return may('IpsAdmin') ? { allowed: true } : { allowed: false, code: FaultCode.NoOperationPermission };
  if (caller.kind !== 'member') return { allowed: false, code: FaultCode.InvalidCompany };
  if (access.scope !== 'global' && scope === 'foreign') return { allowed: false, code: FaultCode.IllegalCompany };
  return may(caller.role) ? { allowed: true } : { allowed: false, code: FaultCode.NoOperationPermission };
}

function scopesOf(op: OperationName): Scope[] {
  return OPERATION_ACCESS[op].scope === 'company' ? ['own', 'foreign'] : ['own', 'foreign', 'none'];
}

/** Runs `fn` over `items`, at most `limit` at a time, keeping order. */
async function pooled<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return out;
}

/** Every value of every `companyHandle` key, at any depth. */
function companyHandlesIn(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) companyHandlesIn(v, found);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'companyHandle' && typeof v === 'string') found.push(v);
      else companyHandlesIn(v, found);
    }
  }
  return found;
}

describe(`authorization matrix from OPERATION_ACCESS (${process.env.IPS_TEST_DB})`, () => {
  let h: Harness;
  let dir: string;
  let A: Fixture;
  let B: Fixture;
  let callers: Caller[];
  /** Strings that identify company B or anything it owns. */
  let bStrings: string[];
  const counts = { cells: 0, allowed: 0, denied: 0 };

  const call = async (op: string, body: unknown, who: Who | null): Promise<Reply> => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (who) headers.authorization = basic(who);
    const res = await fetch(`${h.baseUrl}/api/${op}`, { method: 'POST', headers, body: JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, text, body: text ? JSON.parse(text) : undefined };
  };

  /** What of company B a reply shows (after removing handles the caller itself sent). */
  const bLeaks = (reply: Reply, echoed: readonly string[] = []): string[] => {
    let text = reply.text;
    for (const e of echoed) text = text.split(e).join('<echo>');
    const found = bStrings.filter((s) => text.includes(s));
    if (text.toLowerCase().includes(B_MARK)) found.push(B_MARK);
    return found;
  };

  /** Checks one cell; returns what disagrees with the expectation (empty when it agrees). */
  const judge = (label: string, reply: Reply, expected: Expected, allowed: OperationCase['allowed'], caller: Caller): string[] => {
    counts.cells++;
    const problems: string[] = [];
    if (expected.allowed) {
      counts.allowed++;
      if (reply.status === 401 || reply.status === 403) problems.push(`expected past authorization, got ${reply.status} ${reply.text}`);
      else if (
        reply.status !== allowed.status ||
        (allowed.code !== undefined && reply.body?.code !== allowed.code) ||
        (allowed.field !== undefined && reply.body?.field !== allowed.field)
      ) {
        problems.push(`expected ${allowed.status}${allowed.code ? ` ${allowed.code} ${allowed.field}` : ''}, got ${reply.status} ${reply.text.slice(0, 300)}`);
      }
    } else {
      counts.denied++;
      if (reply.status !== 403 || reply.body?.fault !== 'authorizationFault' || reply.body?.code !== expected.code) {
        problems.push(`expected 403 ${expected.code}, got ${reply.status} ${reply.text.slice(0, 300)}`);
      }
      const extra = Object.keys(reply.body ?? {}).filter((k) => !['fault', 'code', 'reason', 'field'].includes(k));
      if (extra.length) problems.push(`a refusal carries data: ${extra.join(', ')}`);
    }
    // Nothing of company B reaches anyone but the global IpsAdmin, refused or not.
    if (caller.kind !== 'ipsAdmin') {
      const leaks = bLeaks(reply);
      if (leaks.length) problems.push(`shows company B: ${leaks.join(', ')}`);
    }
    return problems.map((p) => `${label}: ${p}`);
  };

  const addUser = async (email: string, memberships: { companyHandle: string; role: Role; isActive: boolean }[]): Promise<{ who: Who; userHandle: string }> => {
    const password = 'Matrix-Pass-1';
    const r = await call(
      'addUser',
      { firstName: 'Matrix', lastName: email.split('@')[0], email, password, isValid: true, isIpsAdmin: false, membershipArray: { items: memberships } },
      ADMIN,
    );
    if (r.status !== 200) throw new Error(`addUser ${email}: ${r.text}`);
    return { who: { email, password }, userHandle: r.body.userHandle };
  };

  /** A company with an asset, a finished upload job and its log, an upload job waiting for files, a schedule, a preset and a set script. */
  const fillCompany = async (name: string, prefix: string, owner: { who: Who; userHandle: string }, png: string): Promise<Fixture> => {
    const companyHandle = (await call('getCompanyInfo', { companyName: name }, ADMIN)).body.companyInfo.companyHandle as string;
    const assetName = `${prefix}-asset.png`;
    const finishedJobName = `${prefix}-upload`;
    const up = await uploadPost(h.baseUrl, {
      params: { companyHandle, jobName: finishedJobName, endJob: true },
      files: [{ path: png, name: assetName }],
      authorization: basic(owner.who),
    });
    if (up.status !== 200) throw new Error(`upload: ${JSON.stringify(up.body)}`);
    await h.client.workflow.getHandle(up.body.jobHandle).result();
    // No endJob: the job waits for more posts (WaitingClient) until afterAll ends it.
    const waiting = await uploadPost(h.baseUrl, {
      params: { companyHandle, jobName: `${prefix}-waiting` },
      files: [{ path: png, name: `${prefix}-second.png` }],
      authorization: basic(owner.who),
    });
    if (waiting.status !== 200) throw new Error(`upload: ${JSON.stringify(waiting.body)}`);
    const scheduleName = `${prefix}-yearly`;
    // Fires on 1 January only: never during the test.
    const schedule = await call(
      'submitJob',
      { companyHandle, jobName: scheduleName, execSchedule: '0 0 0 1 1 ?', optimizeImagesJob: { emailSetting: 'None' } },
      owner.who,
    );
    if (schedule.status !== 200) throw new Error(`schedule: ${schedule.text}`);
    const presetName = `${prefix}_thumb`;
    const preset = await call('saveImageFormat', { companyHandle, name: presetName, urlModifier: 'wid=100' }, owner.who);
    const scriptName = `${prefix}-sets`;
    const script = await call('saveSetGenerationScript', { companyHandle, name: scriptName, setType: 'ImageSet', memberPattern: '{base}_{n}' }, owner.who);
    const assets = await call('searchAssets', { companyHandle, includeSubfolders: true }, owner.who);
    const asset = (assets.body.assetArray.items as { assetHandle: string; fileName: string }[]).find((a) => a.fileName === assetName);
    if (!asset) throw new Error(`no asset ${assetName}: ${assets.text}`);
    return {
      companyHandle,
      name,
      assetHandle: asset.assetHandle,
      assetName,
      finishedJob: up.body.jobHandle,
      finishedJobName,
      waitingJob: waiting.body.jobHandle,
      schedule: schedule.body.jobHandle,
      scheduleName,
      preset: preset.body.imageFormatHandle,
      presetName,
      script: script.body.scriptHandle,
      scriptName,
      userHandle: owner.userHandle,
      email: owner.who.email,
    };
  };

  beforeAll(async () => {
    h = await startHarness();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-matrix-'));
    const png = await makePng(path.join(dir, 'small.png'), 64, 48);
    for (const companyName of [COMPANY_A, COMPANY_B]) {
      const r = await call('addCompany', { companyName }, ADMIN);
      if (r.status !== 200) throw new Error(`addCompany: ${r.text}`);
    }
    const handleOf = async (name: string) => (await call('getCompanyInfo', { companyName: name }, ADMIN)).body.companyInfo.companyHandle as string;
    const [a, b] = [await handleOf(COMPANY_A), await handleOf(COMPANY_B)];
    const specs: { key: string; email: string; memberships: { companyHandle: string; role: Role; isActive: boolean }[] }[] = [
      ...ROLES.map((role) => ({ key: role, email: `${role.toLowerCase()}@arbor.test`, memberships: [{ companyHandle: a, role, isActive: true }] })),
      { key: 'noMembership', email: 'no-membership@arbor.test', memberships: [] },
      // The most powerful per-company role, but inactive: it must count for nothing.
      { key: 'inactive', email: 'inactive@arbor.test', memberships: [{ companyHandle: a, role: 'IpsAdmin', isActive: false }] },
      { key: 'ownerB', email: 'owner@globex.test', memberships: [{ companyHandle: b, role: 'IpsUser', isActive: true }] },
    ];
    const made = new Map((await pooled(specs, PARALLEL, async (s) => [s.key, await addUser(s.email, s.memberships)] as const)).map(([k, v]) => [k, v]));
    callers = [
      ...ROLES.map((role): Caller => ({ kind: 'member', role, label: `${role}@A`, who: made.get(role)!.who })),
      { kind: 'ipsAdmin', label: 'global IpsAdmin', who: ADMIN },
      { kind: 'noMembership', label: 'no membership', who: made.get('noMembership')!.who },
      { kind: 'inactive', label: 'inactive IpsAdmin@A', who: made.get('inactive')!.who },
    ];
    [A, B] = await Promise.all([fillCompany(COMPANY_A, 'arbor', made.get('IpsUser')!, png), fillCompany(COMPANY_B, B_MARK, made.get('ownerB')!, png)]);
    bStrings = [
      B.companyHandle,
      B.companyHandle.replace(/^c\|/, ''), // the company id inside every job handle of B
      B.name,
      B.assetHandle,
      B.assetName,
      B.finishedJob,
      B.waitingJob,
      B.schedule,
      B.preset,
      B.presetName,
      B.script,
      B.scriptName,
      B.userHandle,
      B.email,
    ];
    // Visibility is eventually consistent: wait until both waiting upload jobs are listed.
    for (const deadline = Date.now() + 30_000; ;) {
      const active = await call('getActiveJobs', {}, ADMIN);
      const handles = (active.body.jobArray.items as { jobHandle: string }[]).map((j) => j.jobHandle);
      if (handles.includes(A.waitingJob) && handles.includes(B.waitingJob)) break;
      if (Date.now() > deadline) throw new Error(`waiting jobs not listed: ${active.text}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  });

  afterAll(async () => {
    if (h) {
      await Promise.all(
        [A, B].filter(Boolean).flatMap((f) => [
          h.client.workflow
            .getHandle(f.waitingJob)
            .terminate('authorization matrix done')
            .catch(() => undefined),
          h.client.schedule
            .getHandle(f.schedule)
            .delete()
            .catch(() => undefined),
        ]),
      );
      await h.close();
    }
    if (dir) await fs.rm(dir, { recursive: true, force: true });
    console.log(`authorization matrix: ${counts.cells} cells, ${counts.allowed} allowed, ${counts.denied} denied`);
  });

  it('covers every JSON operation of the table, and the table covers every JSON operation', () => {
    const tableOps = Object.keys(OPERATION_ACCESS);
    for (const op of JSON_OPERATIONS) expect(tableOps).toContain(op);
    // uploadFile is the servlet (its own test below); every other table entry is a JSON operation.
    expect(tableOps.filter((op) => !(op in OPERATIONS))).toEqual(['uploadFile']);
    expect(Object.keys(CASES).sort()).toEqual([...JSON_OPERATIONS].sort());
  });

  it('answers every operation × caller × company scope as OPERATION_ACCESS says', async () => {
    const cells = JSON_OPERATIONS.flatMap((op) =>
      scopesOf(op).flatMap((scope) => {
        const c: OperationCase = CASES[op];
        const body = c.body(scope === 'own' ? A : scope === 'foreign' ? B : undefined);
        return body === undefined ? [] : callers.map((caller) => ({ op, scope, caller, body, c }));
      }),
    );
    // Each operation must have at least one form to test.
    for (const op of JSON_OPERATIONS)
      expect(
        cells.some((x) => x.op === op),
        op,
      ).toBe(true);
    const problems = (
      await pooled(cells, PARALLEL, async ({ op, scope, caller, body, c }) =>
        judge(`${op} [${scope}] as ${caller.label}`, await call(op, body, caller.who), expectedFor(op, caller, scope), c.allowed, caller),
      )
    ).flat();
    expect(problems).toEqual([]);
  });

  it("submitJob with an exportJob follows the registry entry's roles as well", async () => {
    const elementRoles = jobTypeByElement('exportJob')!.roles;
    expect(elementRoles).toBeDefined();
    const cells = (['own', 'foreign'] as const).flatMap((scope) => callers.map((caller) => ({ scope, caller })));
    const problems = (
      await pooled(cells, PARALLEL, async ({ scope, caller }) => {
        const t = scope === 'own' ? A : B;
        // A missing asset: the export check answers 404 after both role checks, and nothing starts.
        const body = {
          companyHandle: t.companyHandle,
          jobName: 'matrix-export',
          exportJob: { assetHandleArray: { items: [MISSING.asset] }, fmt: 'orig', emailSetting: 'None' },
        };
        const reply = await call('submitJob', body, caller.who);
        const expected = expectedFor('submitJob', caller, scope, elementRoles);
        const problems = judge(
          `submitJob exportJob [${scope}] as ${caller.label}`,
          reply,
          expected,
          { status: 404, code: FaultCode.InvalidParameter, field: 'exportJob.assetHandleArray[0]' },
          caller,
        );
        // Refused for the element (not the operation): the fault names the element.
        if (
          !expected.allowed &&
          caller.kind === 'member' &&
          scope === 'own' &&
          (OPERATION_ACCESS.submitJob.roles as readonly Role[]).includes(caller.role) &&
          reply.body?.field !== 'exportJob'
        ) {
          problems.push(`submitJob exportJob as ${caller.label}: expected the fault to name exportJob, got ${reply.text}`);
        }
        return problems;
      })
    ).flat();
    expect(problems).toEqual([]);
  });

  it('the UploadFile servlet takes the uploadFile entry', async () => {
    const cells = (['own', 'foreign'] as const).flatMap((scope) => callers.map((caller) => ({ scope, caller })));
    const problems = (
      await pooled(cells, PARALLEL, async ({ scope, caller }) => {
        const t = scope === 'own' ? A : B;
        // No file, and a job handle that does not exist: an allowed post is 404 and stores nothing.
        const res = await uploadPost(h.baseUrl, {
          params: { companyHandle: t.companyHandle, jobHandle: MISSING.job },
          files: [],
          authorization: basic(caller.who),
        });
        const reply: Reply = { status: res.status, body: res.body, text: JSON.stringify(res.body ?? '') };
        return judge(
          `UploadFile [${scope}] as ${caller.label}`,
          reply,
          expectedFor('uploadFile', caller, scope),
          { status: 404, code: FaultCode.InvalidParameter, field: 'uploadParams.jobHandle' },
          caller,
        );
      })
    ).flat();
    expect(problems).toEqual([]);
  });

  it('refuses every operation without credentials (401, 10000) and with a wrong password (401, 10001)', async () => {
    const someone = callers.find((c) => c.kind === 'member' && c.role === 'IpsUser')!.who;
    // Every wrong password costs a full scrypt, so an unknown e-mail (which answers alike) is checked on one operation only.
    const cells = [
      ...JSON_OPERATIONS.flatMap((op) => [
        { op, who: null as Who | null, code: FaultCode.NoCredentials },
        { op, who: { email: someone.email, password: 'Wrong-Pass-9' }, code: FaultCode.InvalidCredentials },
      ]),
      { op: 'getCompanyInfo' as JsonOperation, who: { email: 'unknown@matrix.test', password: 'Wrong-Pass-9' }, code: FaultCode.InvalidCredentials },
    ];
    const problems = (
      await pooled(cells, PARALLEL, async ({ op, who, code }) => {
        counts.cells++;
        counts.denied++;
        const body = CASES[op].body(A) ?? CASES[op].body(undefined);
        const r = await call(op, body, who);
        const ok =
          r.status === 401 &&
          r.body?.fault === 'authenticationFault' &&
          r.body?.code === code &&
          Object.keys(r.body).every((k) => ['fault', 'code', 'reason', 'field'].includes(k));
        return ok ? [] : [`${op} as ${who ? who.email : 'anonymous'}: expected 401 ${code}, got ${r.status} ${r.text}`];
      })
    ).flat();
    expect(problems).toEqual([]);
  });

  it('a company-scoped operation without a companyHandle is a validation fault (30002), never data', async () => {
    const ops = JSON_OPERATIONS.filter((op) => OPERATION_ACCESS[op].scope === 'company');
    const cells = ops.flatMap((op) => callers.map((caller) => ({ op, caller })));
    const problems = (
      await pooled(cells, PARALLEL, async ({ op, caller }) => {
        const c: OperationCase = CASES[op];
        const { companyHandle: _dropped, ...body } = c.body(A)!;
        const r = await call(op, body, caller.who);
        // Without a company there is no role to check; whoever has an active membership (or is IpsAdmin) reaches validation.
        const want =
          caller.kind === 'member' || caller.kind === 'ipsAdmin'
            ? { status: 400, code: FaultCode.MissingParameter }
            : { status: 403, code: FaultCode.InvalidCompany };
        const ok = r.status === want.status && r.body?.code === want.code && Object.keys(r.body).every((k) => ['fault', 'code', 'reason', 'field'].includes(k));
        return ok ? [] : [`${op} without companyHandle as ${caller.label}: expected ${want.status} ${want.code}, got ${r.status} ${r.text}`];
      })
    ).flat();
    expect(problems).toEqual([]);
  });

  /** The list operations, what of company A each must show (so an empty reply cannot pass), and their company-less form. */
  const LISTS: { op: JsonOperation; mark: (a: Fixture) => string; scopes: Scope[] }[] = [
    { op: 'getActiveJobs', mark: (a) => a.waitingJob, scopes: ['own', 'none'] },
    { op: 'getScheduledJobs', mark: (a) => a.schedule, scopes: ['own', 'none'] },
    { op: 'getJobLogs', mark: (a) => a.finishedJob, scopes: ['own', 'none'] },
    { op: 'getUsers', mark: () => 'ipsuser@arbor.test', scopes: ['none'] },
    { op: 'getAllCompanies', mark: (a) => a.companyHandle, scopes: ['none'] },
    { op: 'getCompanyInfo', mark: (a) => a.companyHandle, scopes: ['own', 'none'] },
    { op: 'searchAssets', mark: (a) => a.assetHandle, scopes: ['own'] },
    { op: 'getAssets', mark: (a) => a.assetHandle, scopes: ['own'] },
    { op: 'getImageFormats', mark: (a) => a.preset, scopes: ['own'] },
    { op: 'getSetGenerationScripts', mark: (a) => a.script, scopes: ['own'] },
    { op: 'getJobLogDetails', mark: (a) => a.finishedJobName, scopes: ['own'] },
    { op: 'getAssetJobLogs', mark: (a) => a.finishedJob, scopes: ['own'] },
  ];

  it('shows a user of company A, in every role allowed each list operation, nothing of company B', async () => {
    const members = callers.filter((c): c is Extract<Caller, { kind: 'member' }> => c.kind === 'member');
    const cells = LISTS.flatMap(({ op, mark, scopes }) =>
      scopes.flatMap((scope) => members.filter((m) => (OPERATION_ACCESS[op].roles as readonly Role[]).includes(m.role)).map((m) => ({ op, mark, scope, m }))),
    );
    expect(new Set(cells.map((c) => c.op)).size).toBe(LISTS.length);
    const problems = (
      await pooled(cells, PARALLEL, async ({ op, mark, scope, m }) => {
        const r = await call(op, CASES[op].body(scope === 'own' ? A : undefined), m.who);
        const label = `${op} [${scope}] as ${m.label}`;
        if (r.status !== 200) return [`${label}: expected 200, got ${r.status} ${r.text}`];
        const problems: string[] = [];
        if (!r.text.includes(mark(A))) problems.push(`${label}: does not show company A's ${mark(A)}`);
        const leaks = bLeaks(r);
        if (leaks.length) problems.push(`${label}: shows company B: ${leaks.join(', ')} in ${r.text.slice(0, 500)}`);
        const others = companyHandlesIn(r.body).filter((c) => c !== A.companyHandle);
        if (others.length) problems.push(`${label}: companyHandle of another company: ${others.join(', ')}`);
        return problems;
      })
    ).flat();
    expect(problems).toEqual([]);
    // Only the global IpsAdmin sees every company.
    const all = await call('getAllCompanies', { includeExpired: true }, ADMIN);
    expect(all.body.companyArray.items.map((c: { companyHandle: string }) => c.companyHandle)).toEqual(
      expect.arrayContaining([A.companyHandle, B.companyHandle]),
    );
  });

  it("answers company A's calls that name company B's handles without showing or touching anything of B", async () => {
    const probes: { op: JsonOperation; body: () => Record<string, unknown>; echoed: () => string[]; want: { status: number; code?: number } }[] = [
      {
        op: 'getAssets',
        body: () => ({ companyHandle: A.companyHandle, assetHandleArray: [B.assetHandle, A.assetHandle] }),
        echoed: () => [],
        want: { status: 200 },
      },
      { op: 'getAssetJobLogs', body: () => ({ companyHandle: A.companyHandle, assetHandle: B.assetHandle }), echoed: () => [], want: { status: 200 } },
      {
        op: 'getJobLogDetails',
        body: () => ({ companyHandle: A.companyHandle, jobHandle: B.finishedJob }),
        echoed: () => [B.finishedJob],
        want: { status: 404, code: FaultCode.InvalidParameter },
      },
      {
        op: 'getJobLogDetails',
        body: () => ({ companyHandle: A.companyHandle, originalName: B.finishedJobName }),
        echoed: () => [B.finishedJobName],
        want: { status: 404, code: FaultCode.InvalidParameter },
      },
      { op: 'getJobLogs', body: () => ({ userHandle: B.userHandle }), echoed: () => [], want: { status: 200 } },
      { op: 'getActiveJobs', body: () => ({ companyHandle: A.companyHandle, jobHandle: B.waitingJob }), echoed: () => [], want: { status: 200 } },
      { op: 'getActiveJobs', body: () => ({ jobHandle: B.waitingJob }), echoed: () => [], want: { status: 200 } },
      { op: 'getActiveJobs', body: () => ({ originalName: `${B_MARK}-waiting` }), echoed: () => [], want: { status: 200 } },
      { op: 'getScheduledJobs', body: () => ({ jobHandle: B.schedule }), echoed: () => [], want: { status: 200 } },
      { op: 'getScheduledJobs', body: () => ({ companyHandle: A.companyHandle, originalName: B.scheduleName }), echoed: () => [], want: { status: 200 } },
      {
        op: 'stopJob',
        body: () => ({ companyHandle: A.companyHandle, jobHandle: B.waitingJob }),
        echoed: () => [],
        want: { status: 403, code: FaultCode.IllegalCompany },
      },
      {
        op: 'deleteJob',
        body: () => ({ companyHandle: A.companyHandle, jobHandle: B.waitingJob }),
        echoed: () => [],
        want: { status: 403, code: FaultCode.IllegalCompany },
      },
      {
        op: 'pauseJob',
        body: () => ({ companyHandle: A.companyHandle, jobHandle: B.schedule }),
        echoed: () => [],
        want: { status: 403, code: FaultCode.IllegalCompany },
      },
      {
        op: 'executeJob',
        body: () => ({ companyHandle: A.companyHandle, jobHandle: B.schedule }),
        echoed: () => [],
        want: { status: 403, code: FaultCode.IllegalCompany },
      },
      {
        op: 'deleteJob',
        body: () => ({ companyHandle: A.companyHandle, jobHandle: B.schedule }),
        echoed: () => [],
        want: { status: 403, code: FaultCode.IllegalCompany },
      },
      {
        op: 'setAssetPublishState',
        body: () => ({ companyHandle: A.companyHandle, assetHandle: B.assetHandle, publishState: 'NotMarkedForPublish' }),
        echoed: () => [B.assetHandle],
        want: { status: 404, code: FaultCode.InvalidParameter },
      },
      {
        op: 'deleteImageFormat',
        body: () => ({ companyHandle: A.companyHandle, imageFormatHandle: B.preset }),
        echoed: () => [B.preset],
        want: { status: 404, code: FaultCode.InvalidParameter },
      },
      {
        op: 'saveImageFormat',
        body: () => ({ companyHandle: A.companyHandle, imageFormatHandle: B.preset, name: 'taken', urlModifier: 'wid=1' }),
        echoed: () => [B.preset],
        want: { status: 404, code: FaultCode.InvalidParameter },
      },
      {
        op: 'deleteSetGenerationScript',
        body: () => ({ companyHandle: A.companyHandle, scriptHandle: B.script }),
        echoed: () => [B.script],
        want: { status: 404, code: FaultCode.InvalidParameter },
      },
      {
        op: 'submitJob',
        body: () => ({ companyHandle: A.companyHandle, jobName: 'steal', exportJob: { assetHandleArray: [B.assetHandle], fmt: 'orig', emailSetting: 'None' } }),
        echoed: () => [B.assetHandle],
        want: { status: 404, code: FaultCode.InvalidParameter },
      },
      {
        op: 'getUsers',
        body: () => ({ companyHandleArray: [B.companyHandle] }),
        echoed: () => [B.companyHandle],
        want: { status: 403, code: FaultCode.IllegalCompany },
      },
      { op: 'getCompanyInfo', body: () => ({ companyName: B.name }), echoed: () => [B.name], want: { status: 403, code: FaultCode.IllegalCompany } },
    ];
    const members = callers.filter((c): c is Extract<Caller, { kind: 'member' }> => c.kind === 'member');
    const exportRoles = jobTypeByElement('exportJob')!.roles!;
    const cells = probes.flatMap((p) =>
      members
        .filter((m) => (OPERATION_ACCESS[p.op].roles as readonly Role[]).includes(m.role) && (p.op !== 'submitJob' || exportRoles.includes(m.role)))
        .map((m) => ({ p, m })),
    );
    const problems = (
      await pooled(cells, PARALLEL, async ({ p, m }) => {
        const r = await call(p.op, p.body(), m.who);
        const label = `${p.op} ${JSON.stringify(p.body())} as ${m.label}`;
        const problems: string[] = [];
        if (r.status !== p.want.status || (p.want.code !== undefined && r.body?.code !== p.want.code))
          problems.push(`${label}: expected ${p.want.status} ${p.want.code ?? ''}, got ${r.status} ${r.text}`);
        const leaks = bLeaks(r, p.echoed());
        if (leaks.length) problems.push(`${label}: shows company B: ${leaks.join(', ')} in ${r.text.slice(0, 500)}`);
        if (r.status === 200 && companyHandlesIn(r.body).some((c) => c !== A.companyHandle)) problems.push(`${label}: lists another company`);
        return problems;
      })
    ).flat();
    expect(problems).toEqual([]);

    // Company B is untouched: its waiting job, schedule, preset, script and asset are as they were.
    const asB = async (op: string, body: unknown) => (await call(op, body, ADMIN)).body;
    const active = await asB('getActiveJobs', { companyHandle: B.companyHandle, jobHandle: B.waitingJob });
    expect(active.jobArray.items.map((j: { jobHandle: string; state: string }) => [j.jobHandle, j.state])).toEqual([[B.waitingJob, 'WaitingClient']]);
    const scheduled = await asB('getScheduledJobs', { companyHandle: B.companyHandle });
    expect(scheduled.jobArray.items.map((j: { jobHandle: string; triggerState: string }) => [j.jobHandle, j.triggerState])).toEqual([[B.schedule, 'Normal']]);
    expect(
      (await asB('getImageFormats', { companyHandle: B.companyHandle })).imageFormatArray.items.map((f: { imageFormatHandle: string }) => f.imageFormatHandle),
    ).toEqual([B.preset]);
    expect(
      (await asB('getSetGenerationScripts', { companyHandle: B.companyHandle })).scriptArray.items.map((s: { scriptHandle: string }) => s.scriptHandle),
    ).toEqual([B.script]);
    const asset = (await asB('getAssets', { companyHandle: B.companyHandle, assetHandleArray: [B.assetHandle] })).assetArray.items[0];
    expect(asset).toMatchObject({ assetHandle: B.assetHandle, fileName: B.assetName, readyForPublish: true });
  });
});
