import { reprocessAssetsJob } from '../../src/domain/schemas/job.schema.js';
import type { ItemProgress } from '../../src/services/item-progress.js';
import type { Harness, companyWithUser } from './harness.js';

type Company = Awaited<ReturnType<typeof companyWithUser>>;
type ReprocessArgs = Parameters<Harness['ctx']['services']['reprocess']['reprocess']>;

export interface LifecycleJobsOptions {
  /** Read when called: the harness and company are made in beforeAll, after these helpers. */
  h: () => Harness;
  acme: () => Company;
}

/**
 * What the tests of items racing the trash or a rename share
 * (docs/assets.md#jobs-and-the-trash): items run directly through the
 * services, with a progress hook that acts on the asset once the item
 * reaches a given step, so the race is hit every time rather than by luck.
 */
export function lifecycleJobs({ h, acme }: LifecycleJobsOptions) {
  /** Runs `during` once the item reaches `step`; the returned promise settles when it has run. */
  const at = (step: string, during: () => Promise<unknown>) => {
    let done: Promise<unknown> = Promise.resolve();
    const progress: ItemProgress = {
      step: (s) => {
        if (s === step) done = during();
      },
    };
    return { progress, settled: () => done };
  };

  return {
    at,
    row: async (handle: string) => (await h().ctx.repositories.assets.findByHandle(acme().companyHandle, handle))!,
    /** A job identity for calling a service directly, outside any workflow. */
    directJob: (key: string, jobType = 'ReprocessAssets') => ({
      jobHandle: `j|${key}-${Date.now()}`,
      companyHandle: acme().companyHandle,
      jobName: key,
      originalName: key,
      submitUserHandle: acme().userHandle,
      submitUserEmail: acme().who.email,
      jobType,
    }),
    /** A reprocess job's options as its schema parses them (with `pdfOptions` when given). */
    reprocessOptions: (pdfOptions?: Record<string, unknown>) => {
      const { assetHandleArray: _, ...parsed } = reprocessAssetsJob.parse({
        assetHandleArray: ['x'],
        createMask: false,
        emailSetting: 'None',
        ...(pdfOptions ? { pdfOptions } : {}),
      });
      return parsed;
    },
    /** Moves the asset to the trash through the API, as a user would while the job runs. */
    trash: (handle: string) => () => h().api('deleteAssets', { companyHandle: acme().companyHandle, assetHandleArray: [handle] }, acme().who),
    /** Reprocesses one item, running `during` once it reaches `step`; resolves with the item's result once both are done. */
    reprocessAt: async (step: string, during: () => Promise<unknown>, job: ReprocessArgs[0], options: ReprocessArgs[1], ref: ReprocessArgs[2]) => {
      const hook = at(step, during);
      const result = await h().ctx.services.reprocess.reprocess(job, options, ref, undefined, hook.progress);
      await hook.settled();
      return result;
    },
  };
}
