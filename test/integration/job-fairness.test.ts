import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, basic, companyWithUser, startHarness } from '../support/harness.js';
import { makeJpeg, uploadPost } from '../support/fixtures.js';

/**
 * Every job workflow carries its company as Temporal fairness key (jobPriority
 * in job.gateway.ts), so the dev server, started with fairness on, hands worker
 * slots out in turn between companies: read back from the real server.
 */
describe(`a job's Temporal fairness key is its company (${process.env.IPS_TEST_DB})`, () => {
  let h: Harness;
  let dir: string;
  let acme: Awaited<ReturnType<typeof companyWithUser>>;
  let globex: Awaited<ReturnType<typeof companyWithUser>>;

  const fairnessKeyOf = async (workflowId: string) =>
    (await h.client.workflow.getHandle(workflowId).describe()).raw.workflowExecutionInfo?.priority?.fairnessKey;

  beforeAll(async () => {
    h = await startHarness({ IPS_TIMEZONE: 'UTC' });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-fairness-'));
    acme = await companyWithUser(h, 'Acme', 'IpsUser');
    globex = await companyWithUser(h, 'Globex', 'IpsUser');
  });
  afterAll(async () => {
    await h?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('submitJob: the workflow carries the company, its activities inherit it', async () => {
    const r = await h.api('submitJob', { companyHandle: acme.companyHandle, jobName: 'optimize', optimizeImagesJob: { emailSetting: 'None' } }, acme.who);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const { jobHandle } = r.body;
    expect(await fairnessKeyOf(jobHandle)).toBe(acme.companyHandle);
    await h.client.workflow.getHandle(jobHandle).result();
    // The history holds only what an activity sets itself; none sets a fairness key, so each
    // inherits the workflow's when matching dispatches it (Temporal's Priority inheritance).
    const history = await h.client.workflow.getHandle(jobHandle).fetchHistory();
    const scheduled = (history.events ?? []).map((e) => e.activityTaskScheduledEventAttributes).filter((a) => a);
    expect(scheduled.length).toBeGreaterThan(0);
    for (const a of scheduled) expect(a?.priority?.fairnessKey ?? '', a?.activityType?.name ?? '').toBe('');
  });

  it('a delayed job and a scheduled job carry the company', async () => {
    const later = await h.api(
      'submitJob',
      {
        companyHandle: globex.companyHandle,
        jobName: 'later',
        execTime: new Date(Date.now() + 3_600_000).toISOString(),
        optimizeImagesJob: { emailSetting: 'None' },
      },
      globex.who,
    );
    expect(later.status, JSON.stringify(later.body)).toBe(200);
    expect(await fairnessKeyOf(later.body.jobHandle)).toBe(globex.companyHandle);
    await h.client.workflow.getHandle(later.body.jobHandle).terminate('test over');

    const nightly = await h.api(
      'submitJob',
      { companyHandle: globex.companyHandle, jobName: 'nightly', execSchedule: '0 0 3 * * ?', optimizeImagesJob: { emailSetting: 'None' } },
      globex.who,
    );
    expect(nightly.status, JSON.stringify(nightly.body)).toBe(200);
    const schedule = h.client.schedule.getHandle(nightly.body.jobHandle);
    try {
      expect((await schedule.describe()).action.priority?.fairnessKey).toBe(globex.companyHandle);
    } finally {
      await schedule.delete();
    }
  });

  it('an upload job carries the company', async () => {
    const photo = await makeJpeg(path.join(dir, 'photo.jpg'), 320, 240);
    const up = await uploadPost(h.baseUrl, {
      params: { companyHandle: acme.companyHandle, jobName: 'upload', endJob: true },
      files: [{ path: photo, name: 'photo.jpg' }],
      authorization: basic(acme.who),
    });
    expect(up.status, JSON.stringify(up.body)).toBe(200);
    expect(await fairnessKeyOf(up.body.jobHandle)).toBe(acme.companyHandle);
    await h.client.workflow.getHandle(up.body.jobHandle).result();
  });
});
