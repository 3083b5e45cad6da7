import { describe, expect, it } from 'vitest';
import { JOB_ELEMENTS } from '../../src/domain/schemas/job.schema.js';
import { parseInput } from '../../src/domain/validate.js';
import { JOB_TYPES, assertRegistryComplete, jobTypeByElement, jobTypeByIpsType } from '../../src/jobs/job-registry.js';
import { submitJobParam } from '../../src/jobs/submit-job.schema.js';
import * as workflows from '../../workflows/index.js';
import { faultOf } from '../support/faults.js';

describe('job registry', () => {
  it('has a workflow for every registered job type (the worker start-up check passes)', () => {
    expect(() => assertRegistryComplete(workflows as Record<string, unknown>)).not.toThrow();
  });

  it('makes the worker refuse to start when a job type has no workflow', () => {
    const { optimizeImagesWorkflow: _dropped, ...incomplete } = workflows;
    expect(() => assertRegistryComplete(incomplete)).toThrow(/optimizeImagesJob → optimizeImagesWorkflow/);
  });

  it('maps elements and IPS type strings both ways, uniquely', () => {
    expect(new Set(JOB_TYPES.map((j) => j.element)).size).toBe(JOB_TYPES.length);
    expect(new Set(JOB_TYPES.map((j) => j.ipsType)).size).toBe(JOB_TYPES.length);
    for (const j of JOB_TYPES) {
      expect(jobTypeByElement(j.element)).toBe(j);
      expect(jobTypeByIpsType(j.ipsType)).toBe(j);
    }
    expect(jobTypeByElement('optimizeImagesJob')?.ipsType).toBe('ImageOptimization');
  });

  it('runs ripPdfsJob as a reprocess job under its own type, on the reprocess input', () => {
    const rip = jobTypeByElement('ripPdfsJob')!;
    const reprocess = jobTypeByElement('reprocessAssetsJob')!;
    expect(rip).toMatchObject({ ipsType: 'RipPdfs', workflow: reprocess.workflow, submittable: true });
    // IPS's own PDF-rip family (§4.8), not the reprocess one
    expect(rip.logTypes).toEqual({ begin: 'BeginPdfRip', end: 'EndPdfRip', success: 'PdfRipSuccess', failure: 'PdfRipError' });
    expect(jobTypeByIpsType('RipPdfs')).toBe(rip);
    const options = rip.options.parse({ pdfHandleArray: { items: ['a|1'] }, createMask: true, emailSetting: 'None' });
    expect(reprocess.options.parse(rip.workflowOptions!(options))).toEqual(rip.workflowOptions!(options));
    expect(rip.workflowOptions!(options)).toMatchObject({ assetHandleArray: ['a|1'], createMask: true, preserveCrop: true });
  });

  it('lets submitJob accept exactly the submittable types and refuse the rest as not available yet', () => {
    const minimal: Record<string, Record<string, unknown>> = {
      optimizeImagesJob: { emailSetting: 'None' },
      reprocessAssetsJob: { assetHandleArray: ['a|1'], createMask: false, emailSetting: 'None' },
      ripPdfsJob: { pdfHandleArray: ['a|1'], createMask: false, emailSetting: 'None' },
      exportJob: { assetHandleArray: ['a|1'], fmt: 'orig', emailSetting: 'None' },
    };
    const submittable = JOB_TYPES.filter((j) => j.submittable).map((j) => j.element);
    expect(Object.keys(minimal).sort()).toEqual([...submittable].sort());
    for (const element of JOB_ELEMENTS) {
      const body = { companyHandle: 'c|1', jobName: 'j', [element]: minimal[element] ?? { emailSetting: 'None' } };
      if (submittable.includes(element)) {
        expect(parseInput(submitJobParam, body)).toMatchObject({ [element]: { emailSetting: 'None' } });
      } else {
        const fault = faultOf(() => parseInput(submitJobParam, body));
        expect(fault).toMatchObject({ code: 30001, field: element });
        expect(fault.reason).toContain(`${element} is not available yet`);
      }
    }
  });
});
