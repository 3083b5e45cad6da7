import { describe, expect, it } from 'vitest';
import { OPERATIONS, type JsonOperation } from '../../src/api/operations.js';
import { FaultCode } from '../../src/domain/faults.js';
import { OPERATION_ACCESS, type Role } from '../../src/domain/roles.js';
import { jobTypeByElement } from '../../src/jobs/job-registry.js';
import { CASES, JSON_OPERATIONS, MISSING, type OperationCase, type Reply, type Who, expectedFor, scopesOf } from '../support/authorization-matrix-cases.js';
import { PARALLEL, pooled, useMatrixWorld } from '../support/authorization-matrix-world.js';
import { uploadPost } from '../support/fixtures.js';
import { basic } from '../support/harness.js';

/**
 * The authorization matrix, part one: who may call what. Every operation, the
 * exportJob element and the UploadFile servlet answer each caller and company
 * scope as OPERATION_ACCESS says, and a call without credentials or without a
 * company is refused before any data. The cases and what makes the calls
 * harmless: test/support/authorization-matrix-cases.ts.
 */
describe(`authorization matrix from OPERATION_ACCESS (${process.env.IPS_TEST_DB})`, () => {
  const w = useMatrixWorld('roles');
  const { counts, call, judge } = w;
  it('covers every JSON operation of the table, and the table covers every JSON operation', () => {
    const tableOps = Object.keys(OPERATION_ACCESS);
    for (const op of JSON_OPERATIONS) expect(tableOps).toContain(op);
    // uploadFile is the servlet (its own test below); every other table entry is a JSON operation.
    expect(tableOps.filter((op) => !(op in OPERATIONS))).toEqual(['uploadFile']);
    expect(Object.keys(CASES).sort()).toEqual([...JSON_OPERATIONS].sort());
  });

  it('answers every operation × caller × company scope as OPERATION_ACCESS says', async () => {
    const { A, B, callers } = w;
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
    const { A, B, callers } = w;
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
    const { h, A, B, callers } = w;
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
    const { A, callers } = w;
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
    const { A, callers } = w;
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
});
