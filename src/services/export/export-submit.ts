import type { AssetRepository, AssetRow } from '../../adapters/repositories/asset.repository.js';
import type { ImageFormatRepository } from '../../adapters/repositories/image-format.repository.js';
import { FaultCode, IpsFault, faults } from '../../domain/faults.js';
import { nameKey } from '../../domain/handles.js';
import { EXPORT_MAX_BYTES, type ExportJob } from '../../domain/schemas/job.schema.js';
import { companyMacros, parseExportRequest } from './export-query.js';
import { UNEXPORTABLE_TYPES } from './export.service.js';

/**
 * What submitJob can know about an export before it runs, refused with a
 * fault naming the field: handles that are not live assets of the company,
 * a request where no asset is exportable (only sets, eCatalogs, templates:
 * the job could only fail; mixed requests run and log the refusals), an
 * original export over the 1 GB limit, and a conversion request Image
 * Serving would refuse (bad is_modifier, unknown preset, unknown ICC profile).
 */
export async function checkExportJob(
  assets: AssetRepository,
  formats: ImageFormatRepository,
  companyHandle: string,
  job: ExportJob,
  field = 'exportJob',
): Promise<void> {
  const unique = [...new Set(job.assetHandleArray)];
  const rows = new Map((await assets.findByHandles(companyHandle, unique)).map((a) => [a.asset_handle, a]));
  const exportable: AssetRow[] = [];
  for (const [i, handle] of job.assetHandleArray.entries()) {
    const asset = rows.get(handle);
    // Unknown, trashed and other companies' handles look alike.
    if (!asset || asset.trash_state !== 'NotInTrash') throw faults.notFound(`${field}.assetHandleArray[${i}]`, 'asset', handle);
    if (!UNEXPORTABLE_TYPES.has(asset.type)) exportable.push(asset);
  }
  if (exportable.length === 0) {
    throw faults.invalid(
      `${field}.assetHandleArray`,
      'at least one exportable asset (sets, eCatalogs and templates cannot be exported)',
      `only ${[...new Set([...rows.values()].map((a) => a.type))].join(', ')} assets`,
    );
  }
  if (job.fmt === 'orig') {
    const total = [...new Map(exportable.map((a) => [a.asset_handle, a.file_size])).values()].reduce((n, s) => n + s, 0);
    if (total > EXPORT_MAX_BYTES) {
      throw new IpsFault(
        FaultCode.InvalidParameter,
        `${field}.assetHandleArray: the originals add up to ${total} bytes, over the export limit of ${EXPORT_MAX_BYTES} bytes (1 GB) per job; split the export into several jobs`,
        `${field}.assetHandleArray`,
      );
    }
    return;
  }
  const req = parseExportRequest(field, job, await companyMacros(formats, companyHandle));
  if (req.icc) {
    const profile = await assets.findLiveByName(companyHandle, nameKey(req.icc.profile));
    if (profile?.type !== 'IccProfile') {
      throw new IpsFault(
        FaultCode.InvalidParameter,
        `${field}.is_modifier: icc: expected the name of one of the company's ICC profile assets, received '${req.icc.profile}'`,
        `${field}.is_modifier`,
      );
    }
  }
}
