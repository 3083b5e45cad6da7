import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, companyWithUser, startHarness } from '../support/harness.js';

/**
 * The names the IPS documents use where the XSD differs (docs/api.md#documented-aliases)
 * are accepted, and the job is echoed under the XSD names: a client that
 * reads back getActiveJobs / getScheduledJobs sees what IPS itself returns.
 */
let h: Harness;
let acme: Awaited<ReturnType<typeof companyWithUser>>;
const knockout = { corner: 'UpperRight', tolerance: 0.25, fillMethod: 'MatchPixel' };

beforeAll(async () => {
  h = await startHarness();
  acme = await companyWithUser(h, 'Acme', 'IpsUser');
}, 120_000);

afterAll(async () => {
  await h?.close();
});

describe('documented aliases', () => {
  it('takes knockoutBackground and echoes it as knockoutBackgroundOptions', async () => {
    const execTime = new Date(Date.now() + 3_600_000).toISOString();
    const submitted = await h.api(
      'submitJob',
      {
        companyHandle: acme.companyHandle,
        jobName: 'knock',
        execTime,
        reprocessAssetsJob: { assetHandleArray: ['a|one'], createMask: true, emailSetting: 'None', knockoutBackground: knockout },
      },
      acme.who,
    );
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
    const { jobHandle } = submitted.body;
    const active = await h.api('getActiveJobs', { companyHandle: acme.companyHandle, jobHandle }, acme.who);
    const echo = active.body.jobArray.items[0].reprocessAssetsJob;
    expect(echo.knockoutBackgroundOptions).toEqual(knockout);
    expect(echo).not.toHaveProperty('knockoutBackground');
    expect((await h.api('stopJob', { companyHandle: acme.companyHandle, jobHandle }, acme.who)).status).toBe(200);
  });

  it("takes the documents' emailSettings and colorSpace and echoes emailSetting and colorspace", async () => {
    const directory = await h.api(
      'submitJob',
      {
        companyHandle: acme.companyHandle,
        jobName: 'nightly-dir',
        execSchedule: '0 0 4 * * ?',
        serverDirectoryPublishJob: { emailSettings: 'ErrorAndWarning' },
      },
      acme.who,
    );
    expect(directory.status, JSON.stringify(directory.body)).toBe(200);
    const rip = await h.api(
      'submitJob',
      {
        companyHandle: acme.companyHandle,
        jobName: 'nightly-rip',
        execSchedule: '0 0 5 * * ?',
        reprocessAssetsJob: { assetHandleArray: ['a|doc'], createMask: false, emailSetting: 'None', illustratorOptions: { colorSpace: 'Gray' } },
      },
      acme.who,
    );
    expect(rip.status, JSON.stringify(rip.body)).toBe(200);
    const scheduled = await h.api('getScheduledJobs', { companyHandle: acme.companyHandle }, acme.who);
    const byName = new Map<string, any>(scheduled.body.jobArray.items.map((j: { originalName: string }) => [j.originalName, j]));
    expect(byName.get('nightly-dir')).toMatchObject({ serverDirectoryPublishJob: { emailSetting: 'ErrorAndWarning' } });
    expect(byName.get('nightly-dir').serverDirectoryPublishJob).not.toHaveProperty('emailSettings');
    expect(byName.get('nightly-rip').reprocessAssetsJob.illustratorOptions).toEqual({
      process: 'Rasterize',
      resolution: 150,
      colorspace: 'Gray',
      alpha: false,
    });
    for (const job of [directory, rip]) await h.api('deleteJob', { companyHandle: acme.companyHandle, jobHandle: job.body.jobHandle }, acme.who);
  });
});
