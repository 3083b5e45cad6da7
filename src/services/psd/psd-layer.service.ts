import { createHash } from 'node:crypto';
import { openPsdLayers } from '../../adapters/media/psd-layers.js';
import type { AssetRepository, AssetRow } from '../../adapters/repositories/asset.repository.js';
import { AssetNotLiveError } from '../../adapters/repositories/asset-not-live.error.js';
import type { DerivationRepository } from '../../adapters/repositories/derivation.repository.js';
import type { NewDetail } from '../../adapters/repositories/job-log.repository.js';
import type { Scratch } from '../../adapters/storage/scratch.js';
import type { StorageDriver } from '../../adapters/storage/storage.driver.js';
import { nameKey, newHandle, nowIso } from '../../domain/handles.js';
import { anchorPoint, layerAssetNames, psdTemplate } from '../../domain/psd-layer-naming.js';
import type { PhotoshopOptions } from '../../domain/schemas/options.schema.js';
import type { JobIdentity } from '../../jobs/contracts.js';
import { freeAssetName, upsertSetByproduct } from '../byproduct-names.js';
import { newAssetVersion } from '../assets/asset-version.js';
import { OPTIMIZER_VERSION } from '../assets/pyramid.js';
import { ITEM_WARNING_TYPE, itemLogTypes } from '../job-items.js';
import { type ByproductPublish, byproductFlag } from '../../domain/publish-state.js';
import { keyPart } from '../assets/storage-keys.js';

/** IPS ExcludeByproductCondition engine of PSD layer images. */
export const LAYER_ENGINE = 'PhotoshopLayers';

type LayerOptions = NonNullable<PhotoshopOptions['layerOptions']>;
const DEFAULT_LAYER_OPTIONS: LayerOptions = { layerNaming: 'LayerName', anchor: 'Center', createTemplate: false, extractText: false, extendLayers: false };

export interface PsdLayerDeps {
  storage: StorageDriver;
  scratch: Scratch;
  assets: AssetRepository;
  derivations: DerivationRepository;
  /** the largest layer image decoded, in pixels (MAX_IMAGE_PIXELS) */
  limits: { maxPixels: number };
}

/**
 * photoshopOptions.process MaintainLayers (Adobe IPS: data-types/r-photoshop-options): one image asset
 * per PSD layer (an IPS byproduct of the PSD, engine PhotoshopLayers), named by
 * `layerNaming`, with the layer's bounds, anchor point and (extractText) text
 * recorded; `createTemplate` adds a PsdTemplate asset describing the layers'
 * placement. Layers are committed one at a time and skipped when this job
 * already made them, so a retried or resumed activity does not redo them.
 */
export class PsdLayerService {
  constructor(private readonly deps: PsdLayerDeps) {}

  /** Writes the layer assets of `doc` and returns the job-log details naming them. */
  async extract(
    job: JobIdentity,
    doc: AssetRow,
    input: string,
    options: PhotoshopOptions,
    publish: ByproductPublish,
    signal?: AbortSignal,
  ): Promise<NewDetail[]> {
    const o = { ...DEFAULT_LAYER_OPTIONS, ...options.layerOptions };
    const psd = await openPsdLayers(input, { maxPixels: this.deps.limits.maxPixels, extractText: o.extractText });
    const layers = psd.document.layers;
    const names = layerAssetNames(doc.name, layers, o.layerNaming);
    const existing = new Map((await this.deps.derivations.bySource(doc.asset_handle, LAYER_ENGINE)).map((d) => [d.position, d]));
    const tag = createHash('sha256').update(job.jobHandle).digest('hex').slice(0, 16);
    const details: NewDetail[] = [];
    const made: Array<{ handle: string; name: string; folder?: string; layer: (typeof layers)[number] }> = [];

    for (const [i, layer] of layers.entries()) {
      if (signal?.aborted) throw signal.reason ?? new Error('stopped');
      const wanted = names[i]!;
      const folder = `${doc.folder}${wanted.folder ?? ''}`;
      const d = existing.get(layer.index);
      const previous = d ? await this.deps.assets.findByHandle(doc.company_handle, d.asset_handle) : undefined;
      if (previous && d!.job_handle === job.jobHandle && previous.trash_state === 'NotInTrash') {
        made.push({ handle: previous.asset_handle, name: previous.name, folder: wanted.folder, layer });
        details.push(this.detail(job, previous, folder));
        continue;
      }
      const handle = previous?.asset_handle ?? newHandle.asset();
      const name =
        previous && nameKey(previous.name) === nameKey(wanted.name) ? previous.name : await freeAssetName(this.deps.assets, doc.company_handle, wanted.name);
      const keys = {
        original: `layers/${keyPart(doc.company_handle)}/${keyPart(doc.asset_handle)}/${tag}/${layer.index}.tif`,
        optimized: `optimized/${keyPart(doc.company_handle)}/${keyPart(handle)}/ly-${tag}.ptif`,
      };
      const { placed, size, sha256 } = await this.deps.scratch.withFile('.ptif', async (tmp) => {
        const rendered = await psd.renderLayer(layer.index, { extendLayers: o.extendLayers }, tmp);
        const file = { placed: rendered, size: await this.deps.scratch.size(tmp), sha256: await this.deps.scratch.sha256(tmp) };
        // The layer image is both the asset's master (read-only) and its optimised pyramid.
        await this.deps.storage.putFile(keys.optimized, tmp);
        await this.deps.storage.putFile(keys.original, tmp, { readOnly: true });
        return file;
      });
      const anchor = anchorPoint(o.anchor, placed);
      const row = newAssetVersion(previous, job, {
        asset_handle: handle,
        company_handle: doc.company_handle,
        type: 'Image',
        name,
        file_name: `${name}.tif`,
        folder,
        ready_for_publish: byproductFlag(publish, previous?.ready_for_publish),
        format: 'tiff',
        original_key: keys.original,
        file_size: size,
        sha256,
        optimized_key: keys.optimized,
        width: placed.width,
        height: placed.height,
        resolution: placed.resolution,
        optimizer_version: OPTIMIZER_VERSION,
      });
      try {
        await this.deps.derivations.commitDerived(row, previous !== undefined, {
          asset_handle: handle,
          company_handle: doc.company_handle,
          source_handle: doc.asset_handle,
          engine: LAYER_ENGINE,
          position: layer.index,
          job_handle: job.jobHandle,
          data_json: JSON.stringify({
            layer: layer.index,
            layerName: layer.name,
            folderPath: layer.folderPath,
            kind: layer.kind,
            bounds: { left: layer.left, top: layer.top, width: layer.width, height: layer.height },
            placed: { left: placed.left, top: placed.top, width: placed.width, height: placed.height },
            anchor,
            hidden: layer.hidden,
            opacity: layer.opacity,
            blendMode: layer.blendMode,
            ...(layer.text !== undefined ? { text: layer.text } : {}),
          }),
        });
      } catch (err) {
        // The PSD went to the trash while the layer was made: the layer has no asset to belong to.
        if (err instanceof AssetNotLiveError)
          for (const key of [keys.original, keys.optimized])
            if (key !== previous?.original_key && key !== previous?.optimized_key) await this.deps.storage.delete(key);
        throw err;
      }
      if (previous)
        for (const key of [previous.original_key, previous.optimized_key])
          if (key && key !== keys.original && key !== keys.optimized) await this.deps.storage.delete(key);
      made.push({ handle, name, folder: wanted.folder, layer });
      details.push(this.detail(job, row, folder));
    }

    // Layers of an earlier extraction that this PSD no longer has go to the trash.
    const current = new Set(layers.map((l) => l.index));
    for (const [position, d] of existing) {
      if (!current.has(position))
        await this.deps.assets.update(d.asset_handle, { trash_state: 'InTrash', last_modified: nowIso(), last_modify_user: job.submitUserEmail });
    }
    for (const s of psd.document.skipped) {
      details.push({
        logType: ITEM_WARNING_TYPE,
        messageKey: 'fileWarning',
        messageArgs: { path: `${doc.folder}${doc.file_name}`, reason: `layer ${s.index} "${s.name}" gives no image (${s.reason})` },
        assetName: `${doc.folder}${doc.file_name}`,
        assetType: 'MasterImage',
        assetHandle: doc.asset_handle,
      });
    }
    if (o.createTemplate) details.push(await this.template(job, doc, psd.document, made, o, publish));
    return details;
  }

  /** createTemplate: a PsdTemplate asset `<psd>_template` holding the layers' placement (PsdTemplate JSON) and listing them as members. */
  private async template(
    job: JobIdentity,
    doc: AssetRow,
    canvas: { width: number; height: number },
    made: Array<{
      handle: string;
      name: string;
      folder?: string;
      layer: { index: number; left: number; top: number; width: number; height: number; hidden: boolean; opacity: number; blendMode: string; text?: string };
    }>,
    o: LayerOptions,
    publish: ByproductPublish,
  ): Promise<NewDetail> {
    const spec = psdTemplate(
      canvas,
      made.map((m) => ({
        name: m.name,
        ...(m.folder ? { folder: m.folder } : {}),
        index: m.layer.index,
        bounds: { left: m.layer.left, top: m.layer.top, width: m.layer.width, height: m.layer.height },
        hidden: m.layer.hidden,
        opacity: m.layer.opacity,
        blendMode: m.layer.blendMode,
        ...(m.layer.text !== undefined ? { text: m.layer.text } : {}),
      })),
      { anchor: o.anchor, extendLayers: o.extendLayers },
    );
    const byHandle = new Map(made.map((m) => [m.layer.index, m.handle]));
    const row = await upsertSetByproduct(this.deps, job, doc, {
      engine: 'PsdTemplate',
      type: 'PsdTemplate',
      suffix: '_template',
      members: spec.layers.map((l) => byHandle.get(l.index)!),
      data: spec,
      size: canvas,
      readyForPublish: (current) => byproductFlag(publish, current),
    });
    return this.detail(job, row, doc.folder, 'PsdTemplate');
  }

  private detail(job: JobIdentity, row: AssetRow, folder: string, assetType = 'Image'): NewDetail {
    const p = `${folder}${row.name}`;
    return {
      logType: itemLogTypes(job).success,
      messageKey: 'fileProcessed',
      messageArgs: { path: p },
      assetName: p,
      assetType,
      assetHandle: row.asset_handle,
    };
  }
}
