import { describe, expect, it, vi } from 'vitest';
import type { ClosedJobRun, RunClosure } from '../../src/adapters/temporal/closed-job-runs.gateway.js';
import { createLogger } from '../../src/adapters/logging/logger.js';
import type { ClosedRunEnd, ClosedRunJob } from '../../src/services/job-bookkeeping.service.js';
import { JobReconciler, endOf, startReconcileLoop } from '../../src/services/job-reconciler.service.js';

const T0 = new Date('2026-03-01T10:00:00.000Z');

function run(over: Partial<ClosedJobRun> & Pick<ClosedJobRun, 'workflowId' | 'status'>): ClosedJobRun {
  return {
    runId: `${over.workflowId}-run`,
    workflowType: 'optimizeImagesWorkflow',
    startTime: T0,
    closeTime: new Date(T0.getTime() + 90_000),
    companyHandle: 'c|acme',
    jobType: 'ImageOptimization',
    jobName: 'nightly',
    submitUser: 'ann@acme.test',
    memo: {},
    ...over,
  };
}

/** The reconciler's edges as plain fakes: Temporal's closed runs, the catalog, the bookkeeping it calls. */
function setup(
  runs: ClosedJobRun[],
  opts: { ended?: string[]; latest?: Record<string, string>; closures?: Record<string, RunClosure>; failClosureOf?: string } = {},
) {
  const listed: Array<Date | undefined> = [];
  const ended: Array<{ job: ClosedRunJob; end: ClosedRunEnd }> = [];
  const endedHandles = new Set(opts.ended ?? []);
  const reconciler = new JobReconciler({
    runs: {
      listClosed: async (since) => {
        listed.push(since);
        return runs;
      },
      latestRunId: async (workflowId) => opts.latest?.[workflowId] ?? `${workflowId}-run`,
      closure: async (r) => {
        if (r.workflowId === opts.failClosureOf) throw new Error('history unavailable');
        return opts.closures?.[r.workflowId] ?? {};
      },
    },
    jobLogs: { endedJobHandles: async (handles) => new Set(handles.filter((h) => endedHandles.has(h))) },
    bookkeeping: {
      endClosedRun: async (job, end) => {
        if (endedHandles.has(job.jobHandle)) return false;
        endedHandles.add(job.jobHandle);
        ended.push({ job, end });
        return true;
      },
    },
    users: { findByEmail: async (email) => (email === 'ann@acme.test' ? { user_handle: 'u|ann' } : undefined) },
    logger: createLogger('silent'),
  });
  return { reconciler, listed, ended };
}

describe('JobReconciler.sweep', () => {
  it('ends the open logs of closed job runs, with the cause Temporal gives', async () => {
    const { reconciler, ended } = setup(
      [
        run({ workflowId: 'j|term', status: 'Terminated' }),
        run({ workflowId: 'j|time', status: 'TimedOut' }),
        run({ workflowId: 'j|fail', status: 'Failed' }),
        run({ workflowId: 'j|canc', status: 'Canceled', memo: { totalSize: 40 } }),
      ],
      {
        closures: {
          'j|term': { reason: 'operator pulled the plug', identity: 'temporal-cli:ops@host' },
          'j|time': { timeoutSeconds: 3600 },
          'j|fail': { failure: 'Activity task failed: disk full' },
        },
      },
    );
    const done = await reconciler.sweep(new Date(T0.getTime() + 120_000));
    expect(done).toEqual([
      { jobHandle: 'j|term', status: 'Terminated' },
      { jobHandle: 'j|time', status: 'TimedOut' },
      { jobHandle: 'j|fail', status: 'Failed' },
      { jobHandle: 'j|canc', status: 'Canceled' },
    ]);
    expect(ended.map((e) => e.end)).toEqual([
      { status: 'Terminated', reason: 'operator pulled the plug' },
      { status: 'TimedOut', seconds: 3600 },
      { status: 'Failed', reason: 'Activity task failed: disk full' },
      { status: 'Canceled', total: 40 },
    ]);
  });

  it('leaves alone other workflows of the queue, ended logs, and runs a reset replaced', async () => {
    const { reconciler, ended } = setup(
      [
        run({ workflowId: 'expiry', status: 'Failed', workflowType: 'exportExpiryWorkflow', companyHandle: undefined, jobType: undefined }),
        run({ workflowId: 'j|ended', status: 'Terminated' }),
        run({ workflowId: 'j|reset', status: 'Terminated' }),
        run({ workflowId: 'j|open', status: 'Terminated' }),
      ],
      { ended: ['j|ended'], latest: { 'j|reset': 'a-newer-run' } },
    );
    expect((await reconciler.sweep()).map((d) => d.jobHandle)).toEqual(['j|open']);
    expect(ended).toHaveLength(1);
  });

  it('describes a run that never wrote its Begin row from its search attributes and memo', async () => {
    const { reconciler, ended } = setup([
      run({ workflowId: 'j|a', status: 'Failed', executionTime: new Date('2026-03-01T10:00:05.123Z'), memo: { locale: 'nl', description: 'nightly run' } }),
      run({
        workflowId: 'j|b',
        status: 'Terminated',
        jobType: 'UploadPost',
        submitUser: 'gone@acme.test',
        memo: { runName: 'upload_2026-03-01-09:59:59.000' },
      }),
    ]);
    await reconciler.sweep();
    expect(ended[0]!.job).toEqual({
      jobHandle: 'j|a',
      companyHandle: 'c|acme',
      jobType: 'ImageOptimization',
      originalName: 'nightly',
      // As the workflow names its run: from its start (a delayed start counts from its execution time).
      jobName: 'nightly_2026-03-01-10:00:05.123',
      submitUserEmail: 'ann@acme.test',
      submitUserHandle: 'u|ann',
      locale: 'nl',
      description: 'nightly run',
      startDate: '2026-03-01T10:00:05.123Z',
    });
    expect(ended[1]!.job).toMatchObject({
      jobType: 'UploadPost',
      jobName: 'upload_2026-03-01-09:59:59.000',
      submitUserEmail: 'gone@acme.test',
      submitUserHandle: '',
    });
  });

  it('lists everything Temporal keeps at first, then from a minute before the previous sweep', async () => {
    const { reconciler, listed } = setup([]);
    await reconciler.sweep(new Date('2026-03-01T10:00:00.000Z'));
    await reconciler.sweep(new Date('2026-03-01T10:00:15.000Z'));
    expect(listed).toEqual([undefined, new Date('2026-03-01T09:59:00.000Z')]);
  });

  it('goes on past a run it cannot read, and lists from the same point again next time', async () => {
    const { reconciler, listed, ended } = setup([run({ workflowId: 'j|bad', status: 'Failed' }), run({ workflowId: 'j|good', status: 'Failed' })], {
      failClosureOf: 'j|bad',
    });
    expect((await reconciler.sweep(new Date('2026-03-01T10:00:00.000Z'))).map((d) => d.jobHandle)).toEqual(['j|good']);
    await reconciler.sweep(new Date('2026-03-01T10:00:15.000Z'));
    expect(listed).toEqual([undefined, undefined]);
    expect(ended.map((e) => e.job.jobHandle)).toEqual(['j|good']);
  });
});

describe('endOf', () => {
  it('names who terminated a run when no reason was given', () => {
    expect(endOf(run({ workflowId: 'j', status: 'Terminated' }), { identity: 'temporal-cli:ops@host' })).toEqual({
      status: 'Terminated',
      reason: 'by temporal-cli:ops@host',
    });
    expect(endOf(run({ workflowId: 'j', status: 'Terminated' }), {})).toEqual({ status: 'Terminated', reason: 'no reason given' });
  });

  it('takes a timeout from the run’s running time when its configuration is not known', () => {
    expect(endOf(run({ workflowId: 'j', status: 'TimedOut' }), {})).toEqual({ status: 'TimedOut', seconds: 90 });
  });

  it('says when a failure carried no message, and leaves the total out of a cancelled run that never counted', () => {
    expect(endOf(run({ workflowId: 'j', status: 'Failed' }), {})).toEqual({ status: 'Failed', reason: 'the workflow failed without a message' });
    expect(endOf(run({ workflowId: 'j', status: 'Canceled' }), {})).toEqual({ status: 'Canceled' });
  });
});

describe('startReconcileLoop', () => {
  it('sweeps at once and then every interval, retries after a failed sweep, and stops after the sweep in progress', async () => {
    vi.useFakeTimers();
    try {
      let sweeps = 0;
      let release: (() => void) | undefined;
      const reconciler = {
        sweep: vi.fn(async () => {
          sweeps += 1;
          if (sweeps === 2) throw new Error('database away');
          if (sweeps === 3) await new Promise<void>((r) => (release = r));
          return [];
        }),
      };
      const warn = vi.fn();
      const logger = createLogger('silent');
      logger.warn = warn as never;
      const loop = startReconcileLoop(reconciler, 1000, logger);
      expect(sweeps).toBe(1);
      await vi.advanceTimersByTimeAsync(1000);
      expect(sweeps).toBe(2);
      expect(warn).toHaveBeenCalledTimes(1);
      await vi.advanceTimersByTimeAsync(1000);
      expect(sweeps).toBe(3);
      let stopped = false;
      const stopping = loop.stop().then(() => (stopped = true));
      await vi.advanceTimersByTimeAsync(0);
      expect(stopped).toBe(false);
      release!();
      await stopping;
      await vi.advanceTimersByTimeAsync(5000);
      expect(sweeps).toBe(3);
    } finally {
      vi.useRealTimers();
    }
  });
});
