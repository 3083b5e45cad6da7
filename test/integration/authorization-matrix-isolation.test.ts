import { describe, expect, it } from 'vitest';
import type { JsonOperation } from '../../src/api/operations.js';
import { FaultCode } from '../../src/domain/faults.js';
import { OPERATION_ACCESS, type Role } from '../../src/domain/roles.js';
import { jobTypeByElement } from '../../src/jobs/job-registry.js';
import { B_MARK, CASES, type Caller, type Fixture, type Scope } from '../support/authorization-matrix-cases.js';
import { PARALLEL, companyHandlesIn, pooled, useMatrixWorld } from '../support/authorization-matrix-world.js';
import { ADMIN } from '../support/harness.js';

/**
 * The authorization matrix, part two: company isolation. What a user of
 * company A is allowed to read lists nothing of company B, and calls of A that
 * name B's handles neither show nor change anything of B. The cases:
 * test/support/authorization-matrix-cases.ts.
 */
describe(`authorization matrix from OPERATION_ACCESS (${process.env.IPS_TEST_DB})`, () => {
  const w = useMatrixWorld('isolation');
  const { call, bLeaks } = w;

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
    const { A, B, callers } = w;
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
    const { A, B, callers } = w;
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
