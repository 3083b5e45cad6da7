import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { ROLES, type Role } from '../../src/domain/roles.js';
import {
  B_MARK,
  COMPANY_A,
  COMPANY_B,
  type Caller,
  type Expected,
  type Fixture,
  type OperationCase,
  type Reply,
  type Who,
} from './authorization-matrix-cases.js';
import { makePng, uploadPost } from './fixtures.js';
import { ADMIN, type Harness, basic, startHarness } from './harness.js';

export const PARALLEL = 8;

/** Runs `fn` over `items`, at most `limit` at a time, keeping order. */
export async function pooled<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
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
export function companyHandlesIn(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) companyHandlesIn(v, found);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'companyHandle' && typeof v === 'string') found.push(v);
      else companyHandlesIn(v, found);
    }
  }
  return found;
}

/** The two companies and their callers one matrix test file runs against, and how it calls and judges. */
export interface MatrixWorld {
  readonly h: Harness;
  readonly A: Fixture;
  readonly B: Fixture;
  readonly callers: Caller[];
  readonly counts: { cells: number; allowed: number; denied: number };
  call(op: string, body: unknown, who: Who | null): Promise<Reply>;
  bLeaks(reply: Reply, echoed?: readonly string[]): string[];
  judge(label: string, reply: Reply, expected: Expected, allowed: OperationCase['allowed'], caller: Caller): string[];
}

/**
 * Starts one harness for the calling describe block (beforeAll), fills
 * companies A and B and makes the callers; afterAll ends the waiting jobs and
 * schedules and logs how many cells this part of the matrix judged. Read the
 * fields inside the tests: beforeAll sets them.
 */
export function useMatrixWorld(part: string): MatrixWorld {
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
    if (counts.cells) console.log(`authorization matrix (${part}): ${counts.cells} cells, ${counts.allowed} allowed, ${counts.denied} denied`);
  });

  return {
    get h() {
      return h;
    },
    get A() {
      return A;
    },
    get B() {
      return B;
    },
    get callers() {
      return callers;
    },
    counts,
    call,
    bLeaks,
    judge,
  };
}
