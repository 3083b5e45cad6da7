import { describe, expect, it, vi } from 'vitest';
import type { ImageFormatRepository } from '../../src/adapters/repositories/image-format.repository.js';
import type { AssetRepository, AssetRow } from '../../src/adapters/repositories/asset.repository.js';
import type { JobLogRepository } from '../../src/adapters/repositories/job-log.repository.js';
import type { SetRepository } from '../../src/adapters/repositories/set.repository.js';
import type { UserRepository } from '../../src/adapters/repositories/user.repository.js';
import type { JobGateway, JobMemo, JobSchedule } from '../../src/adapters/temporal/job.gateway.js';
import { IpsFault } from '../../src/domain/faults.js';
import { reprocessAssetsJob, ripPdfsAsReprocess, ripPdfsJob } from '../../src/domain/schemas/job.schema.js';
import { parseInput } from '../../src/domain/validate.js';
import { submitJobParam } from '../../src/jobs/submit-job.schema.js';
import type { AuthService } from '../../src/services/auth.service.js';
import { JobService, type JobServiceDeps, echoOf } from '../../src/services/job.service.js';
import type { Principal } from '../../src/services/principal.js';
import { RunningJobs } from '../../src/services/running-jobs.js';
import type { JobRequest } from '../../src/jobs/contracts.js';
import { faultOf } from '../support/faults.js';
import { objectShape } from '../../src/domain/schemas/introspect.js';

const COMPANY = 'c|acme';
const base = { pdfHandleArray: { items: ['a|doc'] }, createMask: false, emailSetting: 'None' };
const submitBody = (job: Record<string, unknown>) => ({ companyHandle: COMPANY, jobName: 'rip', ripPdfsJob: job });
const parse = (job: Record<string, unknown>) => parseInput(submitJobParam, submitBody(job));

describe('ripPdfsJob schema (Adobe IPS: data-types/r-rip-pdfs-job)', () => {
  it('has the RipPdfsJob fields in XSD order', () => {
    expect(Object.keys(objectShape(ripPdfsJob)!)).toEqual([
      'pdfHandleArray',
      'createMask',
      'knockoutBackgroundOptions',
      'manualCropOptions',
      'autoColorCropOptions',
      'autoTransparentCropOptions',
      'autoSmartCropOptionsArray',
      'postScriptOptions',
      'pdfOptions',
      'illustratorOptions',
      'colorManagementOptions',
      'projectHandleArray',
      'emailSetting',
      'postHttpUrl',
      'postImageServingPublishJob',
      'postImageRenderingPublishJob',
      'postVideoPublishJob',
      'inDesignOptions',
    ]);
  });

  it('fills in the option defaults of the schemas it shares with reprocessAssetsJob', () => {
    const p = parse({
      ...base,
      pdfHandleArray: ['a|1', 'a|2'],
      pdfOptions: { resolution: 36 },
      knockoutBackgroundOptions: { corner: 'UpperLeft', fillMethod: 'FloodFill' },
    });
    expect(p.ripPdfsJob).toEqual({
      pdfHandleArray: ['a|1', 'a|2'],
      createMask: false,
      emailSetting: 'None',
      pdfOptions: { process: 'Rasterize', resolution: 36, colorspace: 'Auto', pdfCatalog: true, extractSearchWords: false, extractLinks: false },
      knockoutBackgroundOptions: { corner: 'UpperLeft', tolerance: 0, fillMethod: 'FloodFill' },
    });
  });

  const { createMask: _m, ...noMask } = base;
  const { emailSetting: _e, ...noEmail } = base;
  const { pdfHandleArray: _h, ...noHandles } = base;
  it.each([
    ['createMask missing', noMask, 30002, 'ripPdfsJob.createMask'],
    ['emailSetting missing', noEmail, 30002, 'ripPdfsJob.emailSetting'],
    ['pdfHandleArray empty', { ...base, pdfHandleArray: [] }, 30002, 'ripPdfsJob.pdfHandleArray'],
    ['a reprocess-only field (assetHandleArray)', { ...base, assetHandleArray: ['a|1'] }, 30001, 'ripPdfsJob.assetHandleArray'],
    ['a reprocess-only field (preserveCrop)', { ...base, preserveCrop: false }, 30001, 'ripPdfsJob.preserveCrop'],
    ['a reprocess-only field (photoshopOptions)', { ...base, photoshopOptions: { process: 'None' } }, 30001, 'ripPdfsJob.photoshopOptions'],
    [
      'two crops',
      { ...base, manualCropOptions: { left: 1, right: 1, top: 1, bottom: 1 }, autoTransparentCropOptions: { tolerance: 0 } },
      30001,
      'ripPdfsJob.autoTransparentCropOptions',
    ],
    [
      'two follow-on publishes',
      { ...base, postImageRenderingPublishJob: { emailSetting: 'None' }, postVideoPublishJob: { emailSetting: 'None' } },
      30001,
      'ripPdfsJob.postVideoPublishJob',
    ],
    ['an InDesign process', { ...base, inDesignOptions: { process: 'Process' } }, 30001, 'ripPdfsJob.inDesignOptions.process'],
    ['a bad pdfOptions value', { ...base, pdfOptions: { resolution: 0 } }, 30001, 'ripPdfsJob.pdfOptions.resolution'],
    ['a projectHandleArray that is no handle array', { ...base, projectHandleArray: 'p|1' }, 30001, 'ripPdfsJob.projectHandleArray'],
    ['smart crops', { ...base, autoSmartCropOptionsArray: [] }, 30001, 'ripPdfsJob.autoSmartCropOptionsArray'],
    ['a non-http postHttpUrl', { ...base, postHttpUrl: 'ftp://example.com/x' }, 30001, 'ripPdfsJob.postHttpUrl'],
  ])('refuses %s with a fault naming the field as sent', (_what, job, code, field) => {
    expect(faultOf(() => parse(job))).toMatchObject({ code, field });
  });

  it('names pdfHandleArray when it is missing', () => {
    // Code not asserted: a missing *Array field is reported through its union schema (validate.ts), as for assetHandleArray.
    const fault = faultOf(() => parse(noHandles));
    expect(fault).toMatchObject({ field: 'ripPdfsJob.pdfHandleArray' });
    expect(fault.reason).toContain('received nothing');
  });
});

describe('ripPdfsAsReprocess', () => {
  it('runs pdfHandleArray as the asset handles and gives reprocess-only fields their reprocess defaults', () => {
    const options = {
      createMask: true,
      autoColorCropOptions: { corner: 'BottomRight', tolerance: 0.1 },
      postScriptOptions: { colorspace: 'Gray' },
      illustratorOptions: { resolution: 72 },
      colorManagementOptions: { colorManagement: 'MaintainOriginal' },
      emailSetting: 'Error',
      postHttpUrl: 'https://example.com/done',
      postImageServingPublishJob: { publishType: 'Incremental', emailSetting: 'None' },
      inDesignOptions: { process: 'None' },
    };
    const rip = ripPdfsJob.parse({ pdfHandleArray: ['a|1', 'a|2'], ...options });
    const mapped = ripPdfsAsReprocess(rip);
    expect(mapped).toEqual(reprocessAssetsJob.parse({ assetHandleArray: ['a|1', 'a|2'], ...options }));
    expect(mapped).toMatchObject({ assetHandleArray: ['a|1', 'a|2'], preserveCrop: true, createMask: true, emailSetting: 'Error' });
    expect(mapped).not.toHaveProperty('pdfHandleArray');
  });
});

describe('echoOf', () => {
  it('puts *Array values back in their items wrapper, at any depth, and leaves other arrays alone', () => {
    expect(echoOf({ pdfHandleArray: ['a|1'], pdfOptions: { resolution: 36 }, nested: { autoSetsArray: [] }, list: [1, 2] })).toEqual({
      pdfHandleArray: { items: ['a|1'] },
      pdfOptions: { resolution: 36 },
      nested: { autoSetsArray: { items: [] } },
      list: [1, 2],
    });
  });
});

describe('JobService.submit with a ripPdfsJob', () => {
  const caller: Principal = {
    userHandle: 'u|1',
    email: 'ann@acme.test',
    isIpsAdmin: false,
    memberships: [{ companyHandle: COMPANY, role: 'IpsUser', isActive: true }],
  };
  const asset = (handle: string, type: string, trash_state = 'NotInTrash') =>
    ({ asset_handle: handle, company_handle: COMPANY, type, trash_state }) as AssetRow;
  const library = [
    asset('a|doc', 'Pdf'),
    asset('a|eps', 'PostScript'),
    asset('a|ai', 'Illustrator'),
    asset('a|jpg', 'Image'),
    asset('a|old', 'Pdf', 'InTrash'),
    asset('a|icc', 'IccProfile'),
  ];

  /** The parts a submit or a listing reaches here; the others are never called. */
  function jobServiceDeps(parts: Pick<JobServiceDeps, 'gateway'> & Partial<JobServiceDeps>): JobServiceDeps {
    return {
      users: {} as UserRepository,
      jobLogs: {} as JobLogRepository,
      auth: {} as AuthService,
      assets: {} as AssetRepository,
      imageFormats: {} as ImageFormatRepository,
      sets: {} as SetRepository,
      projects: {} as JobServiceDeps['projects'],
      metadata: {} as JobServiceDeps['metadata'],
      directoryUploads: {} as JobServiceDeps['directoryUploads'],
      itemProgress: { forJob: async () => [] },
      // URLs go in as given: no secret box here.
      urlSecrets: { sealOptions: async (_company, options) => options },
      lanes: { lanes: async () => 2 },
      running: new RunningJobs({ gateway: parts.gateway, jobLogs: {} as JobLogRepository, ttlMs: 0, staleMs: 0 }),
      config: { timezone: 'UTC' },
      ...parts,
    };
  }

  function setup() {
    const started: Array<{ workflow: string; request: JobRequest; memo: JobMemo }> = [];
    const gateway = {
      startJob: vi.fn(async (workflow: string, _id: string, request: JobRequest, memo: JobMemo) => void started.push({ workflow, request, memo })),
      createSchedule: vi.fn(),
    };
    const assets = {
      findByHandles: vi.fn(async (company: string, handles: readonly string[]) =>
        library.filter((a) => a.company_handle === company && handles.includes(a.asset_handle)),
      ),
      findByHandle: vi.fn(async (company: string, handle: string) => library.find((a) => a.company_handle === company && a.asset_handle === handle)),
    };
    const service = new JobService(jobServiceDeps({ gateway: gateway as unknown as JobGateway, assets: assets as unknown as AssetRepository }));
    return { service, started, gateway, assets };
  }

  it('starts the reprocess workflow with the mapped options and keeps its own names for the echo', async () => {
    const { service, started } = setup();
    await service.submit(caller, parse({ ...base, pdfHandleArray: ['a|doc', 'a|eps', 'a|ai'], pdfOptions: { resolution: 36 } }));
    expect(started).toHaveLength(1);
    const [{ workflow, request, memo }] = started as [(typeof started)[number]];
    expect(workflow).toBe('reprocessAssetsWorkflow');
    expect(request).toMatchObject({
      jobType: 'RipPdfs',
      element: 'ripPdfsJob',
      options: { assetHandleArray: ['a|doc', 'a|eps', 'a|ai'], preserveCrop: true, pdfOptions: { resolution: 36 } },
    });
    expect(request.options).not.toHaveProperty('pdfHandleArray');
    expect(memo).toMatchObject({
      element: 'ripPdfsJob',
      options: { pdfHandleArray: ['a|doc', 'a|eps', 'a|ai'], pdfOptions: { resolution: 36, process: 'Rasterize' } },
    });
    expect(memo.options).not.toHaveProperty('assetHandleArray');
    expect(memo.options).not.toHaveProperty('preserveCrop');
  });

  it.each([
    ['an unknown handle', ['a|doc', 'a|eps', 'a|nope'], 'ripPdfsJob.pdfHandleArray[2]', 404, "no PDF, PostScript or Illustrator asset with handle 'a|nope'"],
    ['a trashed document', ['a|old'], 'ripPdfsJob.pdfHandleArray[0]', 404, "handle 'a|old'"],
    ['an image', ['a|jpg', 'a|doc'], 'ripPdfsJob.pdfHandleArray[0]', 400, "received 'an asset of type Image'"],
    ['an ICC profile after a document', ['a|doc', 'a|icc'], 'ripPdfsJob.pdfHandleArray[1]', 400, "received 'an asset of type IccProfile'"],
  ])('refuses %s at submit, naming the entry as sent', async (_what, handles, field, status, reason) => {
    const { service, started } = setup();
    const err = await service.submit(caller, parse({ ...base, pdfHandleArray: handles })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IpsFault);
    expect(err).toMatchObject({ code: 30001, field, httpStatus: status });
    expect((err as IpsFault).reason).toContain(reason);
    expect(started).toHaveLength(0);
  });

  it('checks handles a thousand per query, reporting the position in the whole array', async () => {
    const { service, assets } = setup();
    const handles = [...Array.from({ length: 1500 }, () => 'a|doc'), 'a|jpg'];
    await expect(service.submit(caller, parse({ ...base, pdfHandleArray: handles }))).rejects.toMatchObject({ field: 'ripPdfsJob.pdfHandleArray[1500]' });
    expect(assets.findByHandles).toHaveBeenCalledTimes(2);
  });

  it('checks colour profile handles under the ripPdfsJob field names', async () => {
    const { service } = setup();
    const cm = { colorManagement: 'Convert', outputProfileHandle: 'a|doc' };
    await expect(service.submit(caller, parse({ ...base, colorManagementOptions: cm }))).rejects.toMatchObject({
      code: 30001,
      field: 'ripPdfsJob.colorManagementOptions.outputProfileHandle',
    });
  });

  it('echoes a scheduled rip job under ripPdfsJob with its own field names', async () => {
    const { service, gateway } = setup();
    await service.submit(caller, parseInput(submitJobParam, { ...submitBody({ ...base, pdfOptions: { resolution: 36 } }), execSchedule: '0 0 12 * * ?' }));
    const [, , , , request, memo] = gateway.createSchedule.mock.calls[0] as [string, unknown, string, string, JobRequest, JobMemo];
    expect(request.jobType).toBe('RipPdfs');
    const schedule: JobSchedule = {
      scheduleId: 's|1',
      companyHandle: COMPANY,
      jobType: request.jobType,
      jobName: 'rip',
      submitUser: caller.email,
      memo,
      paused: false,
      nextActionTimes: [],
    };
    const scheduled = new JobService(jobServiceDeps({ gateway: { describeSchedule: async () => schedule } as unknown as JobGateway }));
    const { items } = (await scheduled.getScheduledJobs(caller, { companyHandle: COMPANY, jobHandle: 's|1' })).jobArray;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      type: 'RipPdfs',
      ripPdfsJob: { pdfHandleArray: { items: ['a|doc'] }, createMask: false, emailSetting: 'None', pdfOptions: { resolution: 36, pdfCatalog: true } },
    });
    expect(items[0]).not.toHaveProperty('reprocessAssetsJob');
  });
});
