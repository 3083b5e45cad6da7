import { faults } from '../../domain/faults.js';
import type { Asset } from '../../domain/schemas/asset.schema.js';
import { type AssetDetails, AssetDetailsPage, type AssetJobRow, type Derivative } from '../../console/views/assets-details.js';
import { renderPage } from '../../console/views/render.js';
import { cardOf } from './assets-page.js';
import type { SignedIn } from './console-gate.js';
import { type ConsoleReply, html } from './console-reply.js';

/**
 * An asset's page: its properties, what was made from it (masks, pages,
 * layers) or belongs to it (a set's members), and the jobs that touched it.
 * Another company's asset is not found, as through the API.
 */
export async function assetDetailsPage(s: SignedIn, assetHandle: string): Promise<ConsoleReply> {
  if (!s.companyHandle || !s.may('getAssets')) throw faults.notFound('assetHandle', 'asset', assetHandle);
  const companyHandle = s.companyHandle;
  const found = await s.run('getAssets', { companyHandle, assetHandleArray: [assetHandle] });
  const asset = found.assetArray.items[0];
  if (!asset) throw faults.notFound('assetHandle', 'asset', assetHandle);
  const [derivatives, history] = await Promise.all([
    s.may('getAssociatedAssets') ? derivativesOf(s, companyHandle, assetHandle) : Promise.resolve([]),
    s.may('getAssetJobLogs') ? historyOf(s, companyHandle, assetHandle) : Promise.resolve(undefined),
  ]);
  return html(renderPage(AssetDetailsPage({ chrome: s.chrome, asset: detailsOf(asset), derivatives, ...(history ? { history } : {}) })));
}

async function derivativesOf(s: SignedIn, companyHandle: string, assetHandle: string): Promise<Derivative[]> {
  const { t } = s.chrome;
  const associated = await s.run('getAssociatedAssets', { companyHandle, assetHandle });
  const all: Derivative[] = [
    ...associated.generatedArray.items.map((g) => ({ ...cardOf(g.generated), relation: g.engine })),
    ...associated.derivedArray.items.map((a) => ({ ...cardOf(a), relation: t('asset.derived') })),
    ...associated.memberArray.items.map((a) => ({ ...cardOf(a), relation: t('asset.member') })),
  ];
  // An asset can be both generated and derived: listed once, under its first relation.
  const seen = new Set<string>();
  return all.filter((d) => d.assetHandle !== assetHandle && !seen.has(d.assetHandle) && seen.add(d.assetHandle));
}

async function historyOf(s: SignedIn, companyHandle: string, assetHandle: string): Promise<AssetJobRow[]> {
  const logs = await s.run('getAssetJobLogs', { companyHandle, assetHandle });
  return logs.jobLogArray.items.map((l) => ({ jobHandle: l.jobHandle, jobName: l.jobName, type: l.logType, message: l.logMessage, date: l.logDate }));
}

function detailsOf(asset: Asset): AssetDetails {
  const info = asset.imageInfo ?? asset.videoInfo ?? asset.pdfInfo ?? asset.postScriptInfo ?? asset.illustratorInfo;
  const pixels = asset.imageInfo ?? asset.videoInfo;
  return {
    ...cardOf(asset),
    ...(asset.folder ? { folder: asset.folder } : {}),
    ...(info?.fileSize !== undefined ? { size: info.fileSize } : {}),
    ...(pixels?.width !== undefined ? { width: pixels.width } : {}),
    ...(pixels?.height !== undefined ? { height: pixels.height } : {}),
    modified: asset.lastModified,
  };
}
