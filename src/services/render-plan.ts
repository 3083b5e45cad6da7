import type { AssetRepository } from '../adapters/repositories/asset.repository.js';
import type { NewDetail } from '../adapters/repositories/job-log.repository.js';
import type { ColorPlan, RenderPlan } from '../adapters/media/media-types.js';
import type { Box } from '../adapters/media/pixel-ops.js';
import type { StorageDriver } from '../adapters/storage/storage.driver.js';
import { faults } from '../domain/faults.js';
import type {
  AutoColorCropOptions,
  AutoTransparentCropOptions,
  ColorManagementOptions,
  KnockoutBackgroundOptions,
  ManualCropOptions,
  UnsharpMaskOptions,
} from '../domain/schemas/options.schema.js';
import { ITEM_WARNING_TYPE } from './job-items.js';

/**
 * The image options upload and reprocess jobs share (Adobe's pages for
 * ReprocessAssetsJob and the upload jobs list the same ones, e.g.
 * Adobe IPS: data-types/r-upload-urls-job): one per-asset pipeline for both.
 */
export interface ImageProcessingOptions {
  createMask: boolean;
  preserveCrop?: boolean;
  knockoutBackgroundOptions?: KnockoutBackgroundOptions;
  manualCropOptions?: ManualCropOptions;
  autoColorCropOptions?: AutoColorCropOptions;
  autoTransparentCropOptions?: AutoTransparentCropOptions;
  colorManagementOptions?: ColorManagementOptions;
  unsharpMaskOptions?: UnsharpMaskOptions;
}

/** The crop kept on an asset (assets.crop_json), so a later job can preserve it. */
export interface StoredCrop extends Box {
  source: 'manual' | 'autoColor' | 'autoTransparent';
}

/**
 * preserveCrop (Adobe IPS: data-types/r-reprocess-assets-job): manual crop values other than all-zero always apply;
 * an auto crop asked for in this job applies; otherwise preserveCrop=true
 * (the default) keeps the crop stored on the asset, false removes it.
 */
export function renderPlanFor(o: ImageProcessingOptions, storedCrop: string | null): RenderPlan {
  const manual = o.manualCropOptions;
  const manualNonZero = manual && manual.left + manual.right + manual.top + manual.bottom > 0;
  const stored = storedCrop ? (JSON.parse(storedCrop) as StoredCrop) : undefined;
  const preserve = o.preserveCrop ?? true;
  const crop: RenderPlan['crop'] = manualNonZero
    ? { manual: manual! }
    : o.autoColorCropOptions
      ? { autoColor: o.autoColorCropOptions }
      : o.autoTransparentCropOptions
        ? { autoTransparent: o.autoTransparentCropOptions }
        : preserve && stored
          ? { box: stored }
          : undefined;
  return {
    ...(crop ? { crop } : {}),
    ...(o.knockoutBackgroundOptions ? { knockout: o.knockoutBackgroundOptions } : {}),
    mask: o.createMask,
    ...(o.unsharpMaskOptions ? { usm: o.unsharpMaskOptions } : {}),
  };
}

/** Whether a plan changes anything the plain optimiser would not do. */
export function planChangesPixels(plan: RenderPlan): boolean {
  return (
    plan.crop !== undefined ||
    plan.knockout !== undefined ||
    plan.mask ||
    (plan.usm !== undefined && plan.usm.amount > 0) ||
    (plan.color !== undefined && plan.color.mode !== 'Default')
  );
}

/** The image options that change pixels, by their XSD names, in XSD order (Adobe IPS: data-types/r-reprocess-assets-job). */
export const IMAGE_OPTIONS = [
  'createMask',
  'knockoutBackgroundOptions',
  'manualCropOptions',
  'autoColorCropOptions',
  'autoTransparentCropOptions',
  'colorManagementOptions',
  'unsharpMaskOptions',
] as const;
export type ImageOption = (typeof IMAGE_OPTIONS)[number];

/**
 * What a job does to an asset, as far as the image options care: they are
 * IPS's options for still images (Adobe IPS: data-types/r-reprocess-assets-job), and IPS says nothing of other
 * types, so where they go is this server's reading.
 */
export type ImageOptionTarget =
  /** an image (a PSD: its composite; layers are extracted as they are) */
  | 'Image'
  /** a PDF, PostScript or Illustrator asset ripped into page images by a reprocess job */
  | 'RasterisedDocument'
  /** a document whose page 1 became its own thumbnail (process Thumbnail) */
  | 'DocumentThumbnail'
  /** a document a reprocess job kept as it is (process None, or more pages than MAX_RIP_PAGES) */
  | 'UnrasterisedDocument'
  /** a document uploaded: stored, never rasterised at upload */
  | 'UploadedDocument'
  | 'Video'
  /** anything else a job stores (ICC profiles) */
  | 'Other';

/**
 * Where each image option is applied; everywhere else it is reported, one
 * warning row per option and asset, never silently skipped.
 *
 * | option                                  | Image | RasterisedDocument | DocumentThumbnail | UnrasterisedDocument, UploadedDocument, Video, Other |
 * |-----------------------------------------|-------|--------------------|-------------------|------------------------------------------------------|
 * | createMask                              | yes   | each page image    | warning           | warning                                              |
 * | knockoutBackgroundOptions               | yes   | each page image    | warning           | warning                                              |
 * | manual/autoColor/autoTransparentCrop…   | yes   | each page image    | warning           | warning                                              |
 * | colorManagementOptions (not Default)    | yes   | each page image    | the thumbnail     | warning                                              |
 * | unsharpMaskOptions (amount > 0)         | yes   | each page image    | warning           | warning                                              |
 *
 * Why: page images are images the job makes, and each goes through the same
 * renderDerivatives step as a reprocessed image, at the cost of one image
 * per page (what IPS users expect of crops and masks on ripped pages). A
 * document's thumbnail is its own preview, not an image asset with a crop
 * or mask of its own, so only colour applies to it. A video's pixels are
 * frames encoded by ffmpeg: none of these options has a meaning there, and
 * its thumbnail is a frame taken as it is. An upload stores documents
 * unrasterised (pdfOptions on upload are refused: rasterising needs the
 * asset), so their pages do not exist yet.
 */
const APPLIES: Readonly<Record<ImageOption, readonly ImageOptionTarget[]>> = {
  createMask: ['Image', 'RasterisedDocument'],
  knockoutBackgroundOptions: ['Image', 'RasterisedDocument'],
  manualCropOptions: ['Image', 'RasterisedDocument'],
  autoColorCropOptions: ['Image', 'RasterisedDocument'],
  autoTransparentCropOptions: ['Image', 'RasterisedDocument'],
  colorManagementOptions: ['Image', 'RasterisedDocument', 'DocumentThumbnail'],
  unsharpMaskOptions: ['Image', 'RasterisedDocument'],
};

/**
 * The image options a job gave that would change an image: createMask true,
 * a knockout, a crop (manual values other than all-zero), colour management
 * other than Default, an unsharp mask with an amount. preserveCrop only says
 * what to do with a stored crop, so it is not one of them.
 */
export function requestedImageOptions(o: ImageProcessingOptions): ImageOption[] {
  const m = o.manualCropOptions;
  const given: Record<ImageOption, boolean> = {
    createMask: o.createMask,
    knockoutBackgroundOptions: o.knockoutBackgroundOptions !== undefined,
    manualCropOptions: m !== undefined && m.left + m.right + m.top + m.bottom > 0,
    autoColorCropOptions: o.autoColorCropOptions !== undefined,
    autoTransparentCropOptions: o.autoTransparentCropOptions !== undefined,
    colorManagementOptions: o.colorManagementOptions !== undefined && o.colorManagementOptions.colorManagement !== 'Default',
    unsharpMaskOptions: o.unsharpMaskOptions !== undefined && o.unsharpMaskOptions.amount > 0,
  };
  return IMAGE_OPTIONS.filter((k) => given[k]);
}

/** The requested image options that do not apply to `target` (see APPLIES). */
export function imageOptionsNotApplied(o: ImageProcessingOptions, target: ImageOptionTarget): ImageOption[] {
  return requestedImageOptions(o).filter((k) => !APPLIES[k].includes(target));
}

const NOT_APPLIED_MESSAGE: Readonly<Record<Exclude<ImageOptionTarget, 'Image' | 'RasterisedDocument'>, string>> = {
  DocumentThumbnail: 'optionNotAppliedNoPages',
  UnrasterisedDocument: 'optionNotAppliedNoPages',
  UploadedDocument: 'optionNotAppliedAtUpload',
  Video: 'optionNotApplied',
  Other: 'optionNotApplied',
};

/**
 * One warning row per image option that does not apply to this asset,
 * naming the option and the asset's type ("manualCropOptions does not apply
 * to Video assets"). `fileType` is the row's job-log file type (Adobe IPS: sting-constants/r-job-log-file-types).
 */
export function optionWarnings(
  o: ImageProcessingOptions,
  target: ImageOptionTarget,
  asset: { path: string; type: string; fileType: string; handle?: string },
): NewDetail[] {
  if (target === 'Image' || target === 'RasterisedDocument') return [];
  return imageOptionsNotApplied(o, target).map((option) => ({
    logType: ITEM_WARNING_TYPE,
    messageKey: NOT_APPLIED_MESSAGE[target],
    messageArgs: { path: asset.path, option, assetType: asset.type },
    assetName: asset.path,
    assetType: asset.fileType,
    ...(asset.handle ? { assetHandle: asset.handle } : {}),
  }));
}

/** What the stored crop says made it: a preserved crop keeps its origin. */
export function cropSource(plan: RenderPlan): StoredCrop['source'] {
  const c = plan.crop;
  if (!c) return 'manual';
  if ('autoColor' in c) return 'autoColor';
  if ('autoTransparent' in c) return 'autoTransparent';
  if ('box' in c) return (c.box as StoredCrop).source ?? 'manual';
  return 'manual';
}

/**
 * Submit-time check of colorManagementOptions' profile handles: each must be a
 * live IccProfile asset of the company. `field` is how the caller sent them
 * (e.g. `reprocessAssetsJob.colorManagementOptions`).
 */
export async function checkProfileHandles(
  assets: AssetRepository,
  companyHandle: string,
  field: string,
  cm: ColorManagementOptions | undefined,
): Promise<void> {
  if (!cm) return;
  for (const key of ['sourceProfileHandle', 'outputProfileHandle'] as const) {
    const handle = cm[key];
    if (!handle) continue;
    const asset = await assets.findByHandle(companyHandle, handle);
    if (!asset || asset.trash_state !== 'NotInTrash') throw faults.notFound(`${field}.${key}`, 'ICC profile asset', handle);
    if (asset.type !== 'IccProfile') throw faults.invalid(`${field}.${key}`, 'the handle of an IccProfile asset', `a ${asset.type} asset`);
  }
}

export interface ColorProfilesDeps {
  assets: AssetRepository;
  storage: StorageDriver;
}

/** Jobs whose resolved profiles are kept: the jobs a worker runs at once, with room to spare. */
const REMEMBERED_JOBS = 64;

/**
 * colorManagementOptions with the profile handles resolved to local files.
 * Submit checked they were IccProfile assets of the company; one deleted since
 * fails each asset with the returned reason. Resolved once per job and
 * remembered for its next assets (a job's options never change).
 */
export class ColorProfiles {
  private readonly byJob = new Map<string, Promise<ColorPlan | undefined | string>>();

  constructor(private readonly deps: ColorProfilesDeps) {}

  resolve(job: { jobHandle: string; companyHandle: string }, cm: ColorManagementOptions | undefined): Promise<ColorPlan | undefined | string> {
    if (!cm || cm.colorManagement === 'Default') return Promise.resolve(undefined);
    let plan = this.byJob.get(job.jobHandle);
    if (!plan) {
      plan = this.lookUp(job.companyHandle, cm);
      // An I/O failure must not stick to the job: the next asset asks again.
      plan.catch(() => this.byJob.delete(job.jobHandle));
      this.byJob.set(job.jobHandle, plan);
      if (this.byJob.size > REMEMBERED_JOBS) this.byJob.delete(this.byJob.keys().next().value!);
    }
    return plan;
  }

  private async lookUp(companyHandle: string, cm: ColorManagementOptions): Promise<ColorPlan | string> {
    const plan: ColorPlan = { mode: cm.colorManagement };
    for (const [handle, key] of [
      [cm.sourceProfileHandle, 'sourceProfile'],
      [cm.outputProfileHandle, 'outputProfile'],
    ] as const) {
      if (!handle) continue;
      const profile = await this.deps.assets.findByHandle(companyHandle, handle);
      if (!profile || profile.type !== 'IccProfile' || profile.trash_state !== 'NotInTrash')
        return `colorManagementOptions: the ICC profile asset '${handle}' no longer exists`;
      plan[key] = await this.deps.storage.localPath(profile.original_key);
    }
    return plan;
  }
}
