import { describe, expect, it } from 'vitest';
import { byproductFlag, publishFlag, publishRule } from '../../src/domain/publish-state.js';
import { IpsFault } from '../../src/domain/faults.js';
import { getCompanySettingsReturn, setCompanySettingsParam } from '../../src/domain/schemas/account.schema.js';
import { parseInput } from '../../src/domain/validate.js';
import { type ImageProcessingOptions, imageOptionsNotApplied, optionWarnings, requestedImageOptions } from '../../src/services/render-plan.js';
import { pageCropAt } from '../../src/services/rip/document-rip.service.js';
import { imageOptionTarget } from '../../src/services/ingest/ingest.service.js';

describe('the publish flag of assets a job writes', () => {
  it('fills an absent preservePublishState with the company setting, and only then', () => {
    expect(publishRule({}, true)).toEqual({ preserve: true });
    expect(publishRule({}, false)).toEqual({ preserve: false });
    expect(publishRule({ preservePublishState: false }, true)).toEqual({ preserve: false });
    expect(publishRule({ preservePublishState: true, readyForPublish: false }, false)).toEqual({ preserve: true, readyForPublish: false });
  });

  it('updated assets: preserve keeps the flag, else readyForPublish sets it, absent keeps it', () => {
    for (const current of [0, 1]) {
      expect(publishFlag({ preserve: true, readyForPublish: true }, current)).toBe(current);
      expect(publishFlag({ preserve: true, readyForPublish: false }, current)).toBe(current);
      expect(publishFlag({ preserve: false, readyForPublish: true }, current)).toBe(1);
      expect(publishFlag({ preserve: false, readyForPublish: false }, current)).toBe(0);
      expect(publishFlag({ preserve: false }, current)).toBe(current);
    }
  });

  it('new assets: readyForPublish whatever preserve says; absent, what they inherit (nothing: unmarked)', () => {
    for (const preserve of [true, false]) {
      expect(publishFlag({ preserve, readyForPublish: true }, undefined, 0)).toBe(1);
      expect(publishFlag({ preserve, readyForPublish: false }, undefined, 1)).toBe(0);
      expect(publishFlag({ preserve }, undefined, 1)).toBe(1);
      expect(publishFlag({ preserve }, undefined, 0)).toBe(0);
      expect(publishFlag({ preserve }, undefined)).toBe(0);
    }
  });

  it('byproducts follow their source when the job says nothing, and the rule otherwise', () => {
    const silent = { rule: publishRule({}, false), sourceFlag: 1 };
    expect(byproductFlag(silent, undefined)).toBe(1); // a new page of a marked document
    expect(byproductFlag(silent, 0)).toBe(0); // an existing page keeps its own flag
    const unmark = { rule: publishRule({ readyForPublish: false }, false), sourceFlag: 0 };
    expect(byproductFlag(unmark, 1)).toBe(0);
    const keep = { rule: publishRule({ readyForPublish: false }, true), sourceFlag: 1 };
    expect(byproductFlag(keep, 1)).toBe(1); // the company retains publish state
    expect(byproductFlag(keep, undefined)).toBe(0); // new: readyForPublish
  });
});

describe('image options on assets they do not apply to', () => {
  const none: ImageProcessingOptions = { createMask: false };
  const all: ImageProcessingOptions = {
    createMask: true,
    knockoutBackgroundOptions: { corner: 'UpperLeft', tolerance: 0.1, fillMethod: 'FloodFill' },
    manualCropOptions: { left: 1, right: 0, top: 0, bottom: 0 },
    colorManagementOptions: { colorManagement: 'MaintainOriginal' },
    unsharpMaskOptions: { amount: 1, radius: 1, threshold: 6, monochrome: 0 },
  };

  it('counts only options that would change an image', () => {
    expect(requestedImageOptions(none)).toEqual([]);
    expect(
      requestedImageOptions({
        createMask: false,
        preserveCrop: false,
        manualCropOptions: { left: 0, right: 0, top: 0, bottom: 0 },
        colorManagementOptions: { colorManagement: 'Default' },
        unsharpMaskOptions: { amount: 0, radius: 2, threshold: 6, monochrome: 0 },
      }),
    ).toEqual([]);
    expect(requestedImageOptions(all)).toEqual([
      'createMask',
      'knockoutBackgroundOptions',
      'manualCropOptions',
      'colorManagementOptions',
      'unsharpMaskOptions',
    ]);
    expect(requestedImageOptions({ createMask: false, autoColorCropOptions: { corner: 'UpperLeft', tolerance: 0 } })).toEqual(['autoColorCropOptions']);
    expect(requestedImageOptions({ createMask: false, autoTransparentCropOptions: { tolerance: 0 } })).toEqual(['autoTransparentCropOptions']);
  });

  it('applies everything to images and ripped pages, colour to a document thumbnail, nothing elsewhere', () => {
    expect(imageOptionsNotApplied(all, 'Image')).toEqual([]);
    expect(imageOptionsNotApplied(all, 'RasterisedDocument')).toEqual([]);
    expect(imageOptionsNotApplied(all, 'DocumentThumbnail')).toEqual(['createMask', 'knockoutBackgroundOptions', 'manualCropOptions', 'unsharpMaskOptions']);
    for (const target of ['UnrasterisedDocument', 'UploadedDocument', 'Video', 'Other'] as const) {
      expect(imageOptionsNotApplied(all, target)).toEqual(requestedImageOptions(all));
    }
  });

  it('writes one warning row per option, naming the option and the asset type', () => {
    const rows = optionWarnings(all, 'Video', { path: 'Acme/clip.mp4', type: 'Video', fileType: 'Video', handle: 'a|1' });
    expect(rows).toHaveLength(5);
    expect(rows[2]).toEqual({
      logType: 'UploadWarning',
      messageKey: 'optionNotApplied',
      messageArgs: { path: 'Acme/clip.mp4', option: 'manualCropOptions', assetType: 'Video' },
      assetName: 'Acme/clip.mp4',
      assetType: 'Video',
      assetHandle: 'a|1',
    });
    expect(optionWarnings(all, 'UploadedDocument', { path: 'Acme/a.pdf', type: 'Pdf', fileType: 'MasterImage' }).map((r) => r.messageKey)).toEqual(
      Array(5).fill('optionNotAppliedAtUpload'),
    );
    expect(optionWarnings(all, 'UnrasterisedDocument', { path: 'Acme/a.pdf', type: 'Pdf', fileType: 'MasterImage' })[0]).not.toHaveProperty('assetHandle');
    expect(optionWarnings(all, 'RasterisedDocument', { path: 'Acme/a.pdf', type: 'Pdf', fileType: 'MasterImage' })).toEqual([]);
    expect(optionWarnings(none, 'Video', { path: 'Acme/clip.mp4', type: 'Video', fileType: 'Video' })).toEqual([]);
  });

  it('sees every uploaded format as an image, a stored document, a video or something else', () => {
    const targets = Object.fromEntries(
      (['jpeg', 'png', 'tiff', 'webp', 'gif', 'psd', 'pdf', 'postscript', 'eps', 'illustrator', 'icc', 'mp4', 'mov', 'webm', 'mkv', 'avi'] as const).map(
        (f) => [f, imageOptionTarget(f)],
      ),
    );
    expect(targets).toEqual({
      jpeg: 'Image',
      png: 'Image',
      tiff: 'Image',
      webp: 'Image',
      gif: 'Image',
      psd: 'Image',
      pdf: 'UploadedDocument',
      postscript: 'UploadedDocument',
      eps: 'UploadedDocument',
      illustrator: 'UploadedDocument',
      icc: 'Other',
      mp4: 'Video',
      mov: 'Video',
      webm: 'Video',
      mkv: 'Video',
      avi: 'Video',
    });
    expect(
      optionWarnings({ createMask: true }, imageOptionTarget('icc'), { path: 'Acme/sRGB.icc', type: 'IccProfile', fileType: 'MasterImage' })[0]!.messageArgs,
    ).toEqual({
      path: 'Acme/sRGB.icc',
      option: 'createMask',
      assetType: 'IccProfile',
    });
  });
});

describe('a ripped page keeps its crop at another resolution', () => {
  it('scales the stored crop box by the resolution ratio', () => {
    const crop = JSON.stringify({ left: 10, top: 20, width: 100, height: 50, source: 'manual' });
    expect(pageCropAt({ crop_json: crop, resolution: 72 }, 72)).toBe(crop);
    expect(JSON.parse(pageCropAt({ crop_json: crop, resolution: 72 }, 144)!)).toEqual({ left: 20, top: 40, width: 200, height: 100, source: 'manual' });
    expect(pageCropAt({ crop_json: null, resolution: 72 }, 150)).toBeNull();
  });
});

describe('CompanySettings', () => {
  const refusal = (body: unknown) => {
    try {
      parseInput(setCompanySettingsParam, body);
    } catch (err) {
      return err as IpsFault;
    }
    throw new Error('accepted');
  };

  it('accepts retainPublishState and the values this server has', () => {
    expect(
      parseInput(setCompanySettingsParam, {
        companyHandle: 'c|1',
        retainPublishState: true,
        overwriteMode: 'OverwriteAnyExtAnyFolder',
        emailTrashCleanupWarning: false,
      }),
    ).toEqual({
      companyHandle: 'c|1',
      retainPublishState: true,
      overwriteMode: 'OverwriteAnyExtAnyFolder',
      emailTrashCleanupWarning: false,
    });
  });

  it('refuses every setting it does not have with 30001 naming it', () => {
    for (const [field, value] of [
      ['defaultSourceProfileHandle', 'a|1'],
      ['defaultDisplayProfileHandle', 'a|2'],
      ['iptcExifMappingXsltHandle', 'a|3'],
      ['xmpMappingXsltHandle', 'a|4'],
      ['diskSpaceWarningMin', 100000],
    ] as const) {
      const fault = refusal({ companyHandle: 'c|1', [field]: value });
      expect(fault).toMatchObject({ code: 30001, field });
      expect(fault.message).toMatch(new RegExp(`^${field}: expected no ${field} \\(this server`));
    }
    expect(refusal({ companyHandle: 'c|1', overwriteMode: 'OverwriteFullName' }).message).toBe(
      "overwriteMode: expected OverwriteAnyExtAnyFolder (the only overwrite mode of this server: asset names are unique per company, so a file of the same name replaces the asset in any folder, with any extension), received 'OverwriteFullName'",
    );
    expect(refusal({ companyHandle: 'c|1', overwriteMode: 'Sometimes' })).toMatchObject({ code: 30001, field: 'overwriteMode' });
    expect(refusal({ companyHandle: 'c|1', emailTrashCleanupWarning: true })).toMatchObject({ code: 30001, field: 'emailTrashCleanupWarning' });
  });

  it('answers in XSD order', () => {
    const settings = getCompanySettingsReturn.parse({
      settings: { overwriteMode: 'OverwriteAnyExtAnyFolder', retainPublishState: false, emailTrashCleanupWarning: false },
    }).settings;
    expect(Object.keys(settings)).toEqual(['overwriteMode', 'retainPublishState', 'emailTrashCleanupWarning']);
  });
});
