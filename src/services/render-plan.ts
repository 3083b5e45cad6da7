import type { AssetRepository } from '../adapters/repositories/asset.repository.js';
import type { ColorPlan, RenderPlan } from '../adapters/media/media.repository.js';
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

/**
 * The image options upload and reprocess jobs share (ips-reference §5.2 and
 * §5.5 list the same ones): one per-asset pipeline for both.
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
 * preserveCrop (§5.2): manual crop values other than all-zero always apply;
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
  return plan.crop !== undefined || plan.knockout !== undefined || plan.mask || (plan.usm !== undefined && plan.usm.amount > 0) || (plan.color !== undefined && plan.color.mode !== 'Default');
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
export async function checkProfileHandles(assets: AssetRepository, companyHandle: string, field: string, cm: ColorManagementOptions | undefined): Promise<void> {
  if (!cm) return;
  for (const key of ['sourceProfileHandle', 'outputProfileHandle'] as const) {
    const handle = cm[key];
    if (!handle) continue;
    const asset = await assets.findByHandle(companyHandle, handle);
    if (!asset || asset.trash_state !== 'NotInTrash') throw faults.notFound(`${field}.${key}`, 'ICC profile asset', handle);
    if (asset.type !== 'IccProfile') throw faults.invalid(`${field}.${key}`, 'the handle of an IccProfile asset', `a ${asset.type} asset`);
  }
}

/**
 * colorManagementOptions with the profile handles resolved to local files.
 * Submit checked they were IccProfile assets of the company; one deleted since
 * fails each asset with the returned reason. Resolved once per job and
 * remembered for its next assets (a job's options never change).
 */
export class ColorProfiles {
  private readonly byJob = new Map<string, Promise<ColorPlan | undefined | string>>();

  constructor(
    private readonly assets: AssetRepository,
    private readonly storage: StorageDriver,
    private readonly remembered = 64,
  ) {}

  resolve(job: { jobHandle: string; companyHandle: string }, cm: ColorManagementOptions | undefined): Promise<ColorPlan | undefined | string> {
    if (!cm || cm.colorManagement === 'Default') return Promise.resolve(undefined);
    let plan = this.byJob.get(job.jobHandle);
    if (!plan) {
      plan = this.lookUp(job.companyHandle, cm);
      // An I/O failure must not stick to the job: the next asset asks again.
      plan.catch(() => this.byJob.delete(job.jobHandle));
      this.byJob.set(job.jobHandle, plan);
      if (this.byJob.size > this.remembered) this.byJob.delete(this.byJob.keys().next().value!);
    }
    return plan;
  }

  private async lookUp(companyHandle: string, cm: ColorManagementOptions): Promise<ColorPlan | string> {
    const plan: ColorPlan = { mode: cm.colorManagement };
    for (const [handle, key] of [[cm.sourceProfileHandle, 'sourceProfile'], [cm.outputProfileHandle, 'outputProfile']] as const) {
      if (!handle) continue;
      const profile = await this.assets.findByHandle(companyHandle, handle);
      if (!profile || profile.type !== 'IccProfile' || profile.trash_state !== 'NotInTrash') return `colorManagementOptions: the ICC profile asset '${handle}' no longer exists`;
      plan[key] = await this.storage.localPath(profile.original_key);
    }
    return plan;
  }
}
