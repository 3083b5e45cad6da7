import { describe, expect, it } from 'vitest';
import { JOB_ELEMENTS } from '../../src/domain/schemas/job.schema.js';
import { parseInput } from '../../src/domain/validate.js';
import { objectShape } from '../../src/domain/schemas/introspect.js';
import { OPERATION_ACCESS } from '../../src/domain/roles.js';
import { JOB_TYPES, SUBMIT_CHECKS, assertRegistryComplete, jobTypeByElement, jobTypeByIpsType } from '../../src/jobs/job-registry.js';
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
    // IPS's own PDF-rip family (Adobe IPS: sting-constants/r-job-log-types), not the reprocess one
    expect(rip.logTypes).toEqual({ begin: 'BeginPdfRip', end: 'EndPdfRip', success: 'PdfRipSuccess', failure: 'PdfRipError' });
    expect(jobTypeByIpsType('RipPdfs')).toBe(rip);
    const options = rip.options.parse({ pdfHandleArray: { items: ['a|1'] }, createMask: true, emailSetting: 'None' });
    expect(reprocess.options.parse(rip.workflowOptions!(options))).toEqual(rip.workflowOptions!(options));
    expect(rip.workflowOptions!(options)).toMatchObject({ assetHandleArray: ['a|1'], createMask: true, preserveCrop: true });
  });

  it('checks profiles and set scripts at submit for every job type whose options carry them', () => {
    for (const j of JOB_TYPES) {
      const fields = Object.keys(objectShape(j.options) ?? {});
      const checks = j.checks ?? [];
      expect({ element: j.element, profiles: checks.includes('profiles') }).toEqual({
        element: j.element,
        profiles: fields.includes('colorManagementOptions'),
      });
      expect({ element: j.element, setScripts: checks.includes('setScripts') }).toEqual({
        element: j.element,
        setScripts: fields.includes('autoSetCreationOptions'),
      });
      expect({ element: j.element, projects: checks.includes('projects') }).toEqual({ element: j.element, projects: fields.includes('projectHandleArray') });
      expect({ element: j.element, metadata: checks.includes('metadata') }).toEqual({ element: j.element, metadata: fields.includes('metadataOptions') });
    }
    expect(jobTypeByElement('ripPdfsJob')!.checks).toEqual(['documents', 'profiles', 'projects']);
    expect(jobTypeByElement('exportJob')!.checks).toEqual(['exportJob']);
    expect(jobTypeByElement('uploadDirectoryJob')!.checks).toEqual(['profiles', 'setScripts', 'projects', 'metadata', 'serverDir']);
  });

  it("lists each type's checks once, in the one order every type shares (the first field at fault is the one reported)", () => {
    for (const j of JOB_TYPES) {
      const checks = j.checks ?? [];
      expect(new Set(checks).size).toBe(checks.length);
      expect([...checks].sort((a, b) => SUBMIT_CHECKS.indexOf(a) - SUBMIT_CHECKS.indexOf(b))).toEqual(checks);
    }
  });

  it("narrows only exportJob below submitJob's roles: a contribution-only portal user takes no files out", () => {
    expect(JOB_TYPES.filter((j) => j.roles).map((j) => j.element)).toEqual(['exportJob']);
    const submit = OPERATION_ACCESS.submitJob.roles;
    expect(jobTypeByElement('exportJob')!.roles).toEqual(submit.filter((r) => r !== 'ImagePortalContribUser'));
    expect(submit).toContain('ImagePortalContribUser');
  });

  it('lets submitJob run every job element of the XSD, each through its own schema', () => {
    const minimal: Record<string, Record<string, unknown>> = {
      optimizeImagesJob: { emailSetting: 'None' },
      reprocessAssetsJob: { assetHandleArray: ['a|1'], createMask: false, emailSetting: 'None' },
      ripPdfsJob: { pdfHandleArray: ['a|1'], createMask: false, emailSetting: 'None' },
      exportJob: { assetHandleArray: ['a|1'], fmt: 'orig', emailSetting: 'None' },
      uploadUrlsJob: {
        urlArray: [{ sourceUrl: 'https://example.com/a.jpg', destPath: 'web/' }],
        overwrite: true,
        readyForPublish: true,
        createMask: false,
        emailSetting: 'None',
      },
      uploadDirectoryJob: {
        serverDir: 'incoming',
        includeSubfolders: true,
        processMetadataFiles: false,
        overwrite: true,
        readyForPublish: true,
        createMask: false,
        emailSetting: 'None',
      },
      imageServingPublishJob: { publishType: 'Incremental', emailSetting: 'None' },
      imageRenderingPublishJob: { emailSetting: 'None' },
      serverDirectoryPublishJob: { emailSetting: 'None' },
      videoPublishJob: { emailSetting: 'None' },
      metadataPublishJob: { forcePublish: true, emailSetting: 'None' },
      automatedSetGenerationJob: {
        assetHandleArray: ['a|1'],
        readyForPublish: false,
        autoSetCreationOptions: { autoSetsArray: ['ps|1'] },
        emailSetting: 'None',
      },
      createVideoSitemapJob: { forceUpdate: true, emailSetting: 'None' },
    };
    const submittable = JOB_TYPES.filter((j) => j.submittable).map((j) => j.element);
    expect(Object.keys(minimal).sort()).toEqual([...submittable].sort());
    expect([...JOB_ELEMENTS].sort()).toEqual([...submittable].sort());
    for (const element of JOB_ELEMENTS) {
      const body = { companyHandle: 'c|1', jobName: 'j', [element]: minimal[element] };
      expect(parseInput(submitJobParam, body)).toMatchObject({ [element]: { emailSetting: 'None' } });
    }
  });

  it('takes imageServingPublishJob with httpCompletionUrl and refuses a contextHandle, naming it', () => {
    const base = { companyHandle: 'c|1', jobName: 'pub' };
    const ok = parseInput(submitJobParam, {
      ...base,
      imageServingPublishJob: { publishType: 'Full', emailSetting: 'None', httpCompletionUrl: 'https://hooks.example.test/done' },
    });
    expect(ok).toMatchObject({ imageServingPublishJob: { publishType: 'Full', httpCompletionUrl: 'https://hooks.example.test/done' } });
    expect(jobTypeByElement('imageServingPublishJob')).toMatchObject({
      ipsType: 'ImageServingPublish',
      workflow: 'imageServingPublishWorkflow',
      submittable: true,
    });
    const context = faultOf(() =>
      parseInput(submitJobParam, { ...base, imageServingPublishJob: { publishType: 'Full', emailSetting: 'None', contextHandle: 'ctx|1' } }),
    );
    expect(context).toMatchObject({ code: 30001, field: 'imageServingPublishJob.contextHandle' });
    expect(context.reason).toContain('one Image Serving context per company');
    const type = faultOf(() => parseInput(submitJobParam, { ...base, imageServingPublishJob: { publishType: 'Sometimes', emailSetting: 'None' } }));
    expect(type).toMatchObject({ field: 'imageServingPublishJob.publishType' });
    const url = faultOf(() =>
      parseInput(submitJobParam, { ...base, imageServingPublishJob: { publishType: 'Full', emailSetting: 'None', httpCompletionUrl: 'ftp://x.test/' } }),
    );
    expect(url).toMatchObject({ field: 'imageServingPublishJob.httpCompletionUrl' });
  });

  it('registers the Image Rendering, server-directory, video and metadata publishes with their IPS type and log family', () => {
    expect(jobTypeByElement('videoPublishJob')).toMatchObject({
      ipsType: 'VideoPublish',
      workflow: 'videoPublishWorkflow',
      submittable: true,
      logTypes: { begin: 'BeginVideoPublish', end: 'EndVideoPublish', success: 'VideoPublishSuccess', failure: 'VideoPublishError' },
    });
    expect(jobTypeByElement('imageRenderingPublishJob')).toMatchObject({
      ipsType: 'ImageRenderingPublish',
      workflow: 'imageRenderingPublishWorkflow',
      submittable: true,
      logTypes: {
        begin: 'BeginImageRenderingPublish',
        end: 'EndImageRenderingPublish',
        success: 'ImageRenderingPublishSuccess',
        failure: 'ImageRenderingPublishError',
      },
    });
    expect(jobTypeByElement('serverDirectoryPublishJob')).toMatchObject({
      ipsType: 'ServerDirectoryPublish',
      workflow: 'serverDirectoryPublishWorkflow',
      submittable: true,
      logTypes: {
        begin: 'BeginServerDirectoryPublish',
        end: 'EndServerDirectoryPublish',
        success: 'ServerDirectoryPublishSuccess',
        failure: 'ServerDirectoryPublishError',
      },
    });
    expect(jobTypeByElement('metadataPublishJob')).toMatchObject({
      ipsType: 'MetadataPublish',
      workflow: 'metadataPublishWorkflow',
      submittable: true,
      // IPS's Metadata family (Adobe IPS: sting-constants/r-job-log-types)
      logTypes: { begin: 'BeginMetadata', end: 'EndMetadata', success: 'MetadataSuccess', failure: 'MetadataFailure' },
    });
    const base = { companyHandle: 'c|1', jobName: 'pub' };
    // The XSD's MetadataPublishJob has only forcePublish: accepted as it is.
    expect(parseInput(submitJobParam, { ...base, metadataPublishJob: {} })).toMatchObject({ metadataPublishJob: {} });
    expect(faultOf(() => parseInput(submitJobParam, { ...base, metadataPublishJob: { forcePublish: 'yes' } }))).toMatchObject({
      field: 'metadataPublishJob.forcePublish',
    });
    const context = faultOf(() => parseInput(submitJobParam, { ...base, imageRenderingPublishJob: { emailSetting: 'None', contextHandle: 'ctx|1' } }));
    expect(context).toMatchObject({ code: 30001, field: 'imageRenderingPublishJob.contextHandle' });
    expect(context.reason).toContain('one Image Rendering context per company');
    expect(faultOf(() => parseInput(submitJobParam, { ...base, serverDirectoryPublishJob: { emailSetting: 'None', contextHandle: 'ctx|1' } }))).toMatchObject({
      field: 'serverDirectoryPublishJob.contextHandle',
    });
    expect(
      faultOf(() => parseInput(submitJobParam, { ...base, serverDirectoryPublishJob: { emailSetting: 'None', httpCompletionUrl: 'https://u:p@x.test/' } })),
    ).toMatchObject({ field: 'serverDirectoryPublishJob.httpCompletionUrl' });
  });
});
