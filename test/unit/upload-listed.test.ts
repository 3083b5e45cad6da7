import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { JobLogRepository } from '../../src/adapters/repositories/job-log.repository.js';
import type { StorageDriver } from '../../src/adapters/storage/storage.driver.js';
import type { JobExecution, JobGateway, JobMemo } from '../../src/adapters/temporal/job.gateway.js';
import { loadConfig } from '../../src/config/config.js';
import type { UploadJobInput } from '../../src/jobs/contracts.js';
import { AuthService } from '../../src/services/auth.service.js';
import { JobService } from '../../src/services/job.service.js';
import type { Principal } from '../../src/services/principal.js';
import { RunningJobs } from '../../src/services/running-jobs.js';
import { UploadService } from '../../src/services/upload.service.js';
import { unusedSubmitCheckDeps } from '../support/submit-check-deps.js';

const COMPANY = 'c|acme';
const caller: Principal = {
  userHandle: 'u|1',
  email: 'ann@example.com',
  isIpsAdmin: false,
  memberships: [{ companyHandle: COMPANY, role: 'IpsUser', isActive: true }],
};

/** A console upload post of one file (the console sets uploadPostParam, so the body holds file parts only). */
function post(): IncomingMessage {
  const body = ['--B', 'Content-Disposition: form-data; name="file"; filename="a.jpg"', 'Content-Type: image/jpeg', '', 'jpeg bytes', '--B--', ''].join('\r\n');
  return Object.assign(Readable.from([Buffer.from(body)]), {
    headers: { 'content-type': 'multipart/form-data; boundary=B' },
    socket: { remoteAddress: '127.0.0.1' },
  }) as unknown as IncomingMessage;
}

/**
 * The API's two job starters as createApiServices wires them, over a
 * Temporal whose visibility store lists nothing yet (it lags a start by up
 * to a second) and a worker that has not picked the job up (no progress).
 */
function setup() {
  const started: Array<{ input: UploadJobInput; memo: JobMemo }> = [];
  const gateway = {
    startUploadJob: async (input: UploadJobInput, _ipsType: string, memo: JobMemo) => void started.push({ input, memo }),
    listRunning: async (): Promise<JobExecution[]> => [],
    progress: async () => undefined,
  } as unknown as JobGateway;
  const jobLogs = { endedJobHandles: async () => new Set<string>(), find: async () => undefined } as unknown as JobLogRepository;
  const storage = {
    putStream: async (_key: string, source: Readable) => {
      let size = 0;
      for await (const chunk of source) size += (chunk as Buffer).length;
      return { size };
    },
    delete: async () => {},
  } as unknown as StorageDriver;
  const running = new RunningJobs({ gateway, jobLogs, ttlMs: 60_000, staleMs: 0 });
  const checkDeps = unusedSubmitCheckDeps();
  const uploads = new UploadService({
    ...checkDeps,
    auth: new AuthService({ users: {} as never, hasher: {} as never, cacheSeconds: 0 }),
    companies: { findByHandle: async () => ({ company_handle: COMPANY, root_path: 'acme/' }) } as never,
    storage,
    gateway,
    running,
    config: loadConfig({ DATA_DIR: '/srv/ips' }),
    logger: {} as never,
  });
  const jobs = new JobService({
    ...checkDeps,
    gateway,
    users: {} as never,
    jobLogs,
    auth: {} as never,
    itemProgress: { forJob: async () => [] },
    urlSecrets: {} as never,
    lanes: { lanes: async () => 2 },
    running,
    config: { timezone: 'UTC', progressCacheMs: 60_000 },
  });
  return { uploads, jobs, started };
}

describe('an upload job started through this process', () => {
  it('is listed by getActiveJobs at once, before Temporal lists it', async () => {
    const { uploads, jobs, started } = setup();
    // A listing before the upload: its (empty) answer is the one shared for the next minute.
    expect((await jobs.getActiveJobs(caller, { companyHandle: COMPANY })).jobArray.items).toEqual([]);

    const { jobHandle } = await uploads.uploadAs(caller, post(), { companyHandle: COMPANY, jobName: 'drop' });
    expect(started.map((s) => s.input.job.jobHandle)).toEqual([jobHandle]);

    const { items } = (await jobs.getActiveJobs(caller, { companyHandle: COMPANY })).jobArray;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      jobHandle,
      companyHandle: COMPANY,
      originalName: 'drop',
      type: 'UploadPost',
      state: 'Running',
      submitUserEmail: caller.email,
    });
    expect(items[0]!.name).toBe(started[0]!.memo.runName);
    // Another company's listing does not show it.
    expect((await jobs.getActiveJobs(caller, { companyHandle: 'c|other' })).jobArray.items).toEqual([]);
  });
});
