import { describe, expect, it } from 'vitest';
import { parseInput } from '../../src/domain/validate.js';
import { uploadPostParam } from '../../src/domain/schemas/upload.schema.js';
import { submitJobParam } from '../../src/jobs/submit-job.schema.js';
import { faultOf } from '../support/faults.js';

/**
 * The fields IPS clients send that this server once accepted and ignored:
 * each is now refused with 30001 naming it (credentials without echoing the
 * value), and the documents' aliases are accepted under the XSD name.
 */
const COMPANY = 'c|acme';
const MARKER = 'S3cr3t-Marker-7f1c';
const jobs: Record<string, Record<string, unknown>> = {
  reprocessAssetsJob: { assetHandleArray: ['a|1'], createMask: false, emailSetting: 'None' },
  uploadUrlsJob: {
    urlArray: [{ sourceUrl: 'https://example.com/a.jpg', destPath: 'in/' }],
    overwrite: true,
    readyForPublish: false,
    createMask: false,
    emailSetting: 'None',
  },
  uploadDirectoryJob: {
    serverDir: 'drop',
    includeSubfolders: false,
    processMetadataFiles: false,
    overwrite: true,
    readyForPublish: false,
    createMask: false,
    emailSetting: 'None',
  },
  automatedSetGenerationJob: { assetHandleArray: ['a|1'], readyForPublish: true, autoSetCreationOptions: { autoSetsArray: ['s|1'] }, emailSetting: 'None' },
};
const submit = (element: string, extra: Record<string, unknown>) =>
  parseInput(submitJobParam, { companyHandle: COMPANY, jobName: 'j', [element]: { ...jobs[element], ...extra } });
const servlet = (extra: Record<string, unknown>) =>
  parseInput(uploadPostParam, {
    companyHandle: COMPANY,
    jobName: 'u',
    uploadParams: { overwrite: true, readyForPublish: true, createMask: false, emailSetting: 'None', ...extra },
  });

const OFFENDERS: Array<[string, string, unknown]> = [
  ['reprocessAssetsJob', 'synchronizationComplete', true],
  ['reprocessAssetsJob', 'overwriteAVS', false],
  ['reprocessAssetsJob', 'excludeMasterVideoFromAVS', true],
  ['reprocessAssetsJob', 'ignoreSmartCropGeneration', true],
  ['reprocessAssetsJob', 'preserveSmartCrop', false],
  ['uploadUrlsJob', 'synchronizationComplete', false],
  ['uploadUrlsJob', 'excludeMasterVideoFromAVS', false],
  ['uploadUrlsJob', 'ignoreSmartCropGeneration', true],
  ['uploadDirectoryJob', 'preserveSmartCrop', true],
  ['automatedSetGenerationJob', 'synchronizationComplete', true],
];

describe('fields IPS defines and this server cannot honour', () => {
  it.each(OFFENDERS)('%s.%s is refused with 30001 naming it', (element, field, value) => {
    const fault = faultOf(() => submit(element, { [field]: value }));
    expect(fault).toMatchObject({ code: 30001, field: `${element}.${field}` });
    expect(fault.reason).toContain(field);
  });

  it.each(['synchronizationComplete', 'excludeMasterVideoFromAVS', 'preserveSmartCrop'])('the UploadFile servlet refuses %s too', (field) => {
    expect(faultOf(() => servlet({ [field]: true }))).toMatchObject({ code: 30001, field: `uploadParams.${field}` });
  });

  it('VideoEncoding.playbackTarget is refused: one MP4 serves every player', () => {
    const mediaOptions = { videoEncodingArray: [{ name: 'web', fileSuffix: '_web', videoBitrate: 800, audioBitrate: 128, playbackTarget: 'Mobile' }] };
    expect(faultOf(() => submit('reprocessAssetsJob', { mediaOptions }))).toMatchObject({
      code: 30001,
      field: 'reprocessAssetsJob.mediaOptions.videoEncodingArray[0].playbackTarget',
    });
  });
});

describe('credentials sent in job fields', () => {
  it.each(['jwtToken', 'imsOrg', 'apikey'])('%s is refused and its value never appears in the fault', (field) => {
    for (const element of ['reprocessAssetsJob', 'uploadUrlsJob', 'uploadDirectoryJob']) {
      const fault = faultOf(() => submit(element, { [field]: MARKER }));
      expect(fault).toMatchObject({ code: 30001, field: `${element}.${field}` });
      expect(JSON.stringify(fault.toJSON())).not.toContain(MARKER);
    }
    const fault = faultOf(() => servlet({ [field]: MARKER }));
    expect(JSON.stringify(fault.toJSON())).not.toContain(MARKER);
  });

  it('a refused URL is named without its query string or fragment', () => {
    const fault = faultOf(() => submit('reprocessAssetsJob', { postHttpUrl: `ftp://hooks.example/cb?token=${MARKER}#${MARKER}` }));
    expect(fault).toMatchObject({ code: 30001, field: 'reprocessAssetsJob.postHttpUrl' });
    expect(fault.reason).toContain('ftp://hooks.example/cb?[redacted]#[redacted]');
    expect(fault.reason).not.toContain(MARKER);
  });
});

describe("the documents' aliases (docs/api.md#documented-aliases)", () => {
  const knockout = { corner: 'UpperLeft', tolerance: 0.1, fillMethod: 'FloodFill' };

  it.each(['reprocessAssetsJob', 'uploadUrlsJob', 'uploadDirectoryJob'])('%s takes knockoutBackground as knockoutBackgroundOptions', (element) => {
    const parsed = submit(element, { knockoutBackground: knockout }) as unknown as Record<string, Record<string, unknown>>;
    expect(parsed[element]!.knockoutBackgroundOptions).toEqual(knockout);
    expect(parsed[element]).not.toHaveProperty('knockoutBackground');
  });

  it('the servlet and ripPdfsJob take it too', () => {
    expect(servlet({ knockoutBackground: knockout }).uploadParams).toMatchObject({ knockoutBackgroundOptions: knockout });
    const rip = parseInput(submitJobParam, {
      companyHandle: COMPANY,
      jobName: 'r',
      ripPdfsJob: { pdfHandleArray: ['a|1'], createMask: false, emailSetting: 'None', knockoutBackground: knockout },
    });
    expect(rip.ripPdfsJob).toMatchObject({ knockoutBackgroundOptions: knockout });
  });

  it('giving both names is refused, naming the alias', () => {
    const fault = faultOf(() => submit('reprocessAssetsJob', { knockoutBackground: knockout, knockoutBackgroundOptions: knockout }));
    expect(fault).toMatchObject({ code: 30001, field: 'reprocessAssetsJob.knockoutBackground' });
    expect(fault.reason).toContain('either knockoutBackgroundOptions or its documented alias knockoutBackground');
  });

  it('UploadDirectoryJob takes autoColorOptions as autoColorCropOptions', () => {
    const parsed = submit('uploadDirectoryJob', { autoColorOptions: { corner: 'BottomRight', tolerance: 0.2 } });
    expect(parsed.uploadDirectoryJob).toMatchObject({ autoColorCropOptions: { corner: 'BottomRight', tolerance: 0.2 } });
  });

  it('IllustratorOptions takes colorSpace as colorspace', () => {
    const parsed = submit('reprocessAssetsJob', { illustratorOptions: { colorSpace: 'Cmyk' } });
    expect(parsed.reprocessAssetsJob).toMatchObject({ illustratorOptions: { colorspace: 'Cmyk', process: 'Rasterize' } });
  });

  it('ServerDirectoryPublishJob takes emailSettings as emailSetting', () => {
    const parsed = parseInput(submitJobParam, { companyHandle: COMPANY, jobName: 's', serverDirectoryPublishJob: { emailSettings: 'Error' } });
    expect(parsed.serverDirectoryPublishJob).toEqual({ emailSetting: 'Error' });
  });
});
