import { z } from 'zod';
import { dateTime, handle } from '../domain/schemas/common.schema.js';
import { JOB_ELEMENTS, type JobElement, jobName, locale } from '../domain/schemas/job.schema.js';
import { JOB_TYPES } from './job-registry.js';

/**
 * submitJobParam (Adobe IPS: operation-methods/operation-parameters/r-submit-job),
 * built from the registry: every job
 * element is validated by its own schema. An element without a registry entry
 * stops the process at start-up rather than being accepted and not run.
 */
const elementSchemas = Object.fromEntries(
  JOB_ELEMENTS.map((element) => {
    const entry = JOB_TYPES.find((j) => j.element === element && j.submittable);
    if (!entry) throw new Error(`submitJob element ${element} has no job type in the registry (src/jobs/job-registry.ts)`);
    return [element, entry.options.optional()];
  }),
) as Record<JobElement, z.ZodOptional<z.ZodType>>;

export const submitJobParam = z
  .strictObject({
    companyHandle: handle,
    userHandle: handle.optional(),
    jobName,
    locale: locale.optional(),
    execTime: dateTime.optional(),
    execSchedule: z.string().max(256).optional(),
    description: z.string().max(4096).optional(),
    ...elementSchemas,
  })
  .superRefine((p, ctx) => {
    const given = JOB_ELEMENTS.filter((e) => (p as Record<string, unknown>)[e] !== undefined);
    if (given.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['optimizeImagesJob'], message: `exactly one job element (${JOB_ELEMENTS.join(', ')})`, params: { missing: true } });
    } else if (given.length > 1) {
      ctx.addIssue({ code: 'custom', path: [given[1]!], message: 'exactly one job element', input: given.join(' and ') });
    }
    if (p.execTime !== undefined && p.execSchedule !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['execSchedule'], message: 'at most one of execTime and execSchedule', input: 'both' });
    }
  });
export type SubmitJobParam = z.output<typeof submitJobParam>;

/** The one job element present in a validated param, with its options. */
export function jobElementOf(p: SubmitJobParam): { element: JobElement; options: unknown } {
  const element = JOB_ELEMENTS.find((e) => (p as Record<string, unknown>)[e] !== undefined)!;
  return { element, options: (p as Record<string, unknown>)[element] };
}
