import type { Asset } from '../../domain/schemas/asset.schema.js';
import type { Folder } from '../../domain/schemas/folder.schema.js';
import { type AssetCard, AssetGrid, AssetsPage, type FolderLink, type GridView } from '../../console/views/assets.js';
import { renderFragment, renderPage } from '../../console/views/render.js';
import type { SignedIn } from './console-gate.js';
import { type ConsoleReply, html } from './console-reply.js';

/** Grid cells per page. */
export const PAGE_SIZE = 48;
/** How many of the company's newest job logs are looked through for an upload job the grid waits for. */
const RECENT_JOBS = 50;

/** The Assets page: the drop zone (for roles that may upload), the folders, one page of the grid. */
export async function assetsPage(s: SignedIn): Promise<ConsoleReply> {
  const folder = s.request.query.folder || undefined;
  if (!s.companyHandle || !s.may('searchAssets')) return html(renderPage(AssetsPage({ chrome: s.chrome, folders: [], grid: emptyGrid(), canUpload: false })));
  const [grid, folders] = await Promise.all([gridOf(s, s.companyHandle, folder, pageOf(s.request.query.page)), foldersOf(s, s.companyHandle, folder)]);
  return html(renderPage(AssetsPage({ chrome: s.chrome, ...(folder ? { folder } : {}), folders, grid, canUpload: s.may('uploadFile') })));
}

/** The grid alone (?folder, ?page, ?job = an upload job to wait for), swapped in by upload.js and by its own polling. */
export async function assetGridFragment(s: SignedIn): Promise<ConsoleReply> {
  const { query } = s.request;
  const folder = query.folder || undefined;
  const grid = s.companyHandle && s.may('searchAssets') ? await gridOf(s, s.companyHandle, folder, pageOf(query.page), query.job) : emptyGrid();
  return html(renderFragment(AssetGrid({ t: s.chrome.t, grid })));
}

async function gridOf(s: SignedIn, companyHandle: string, folder: string | undefined, page: number, job?: string): Promise<GridView> {
  const [found, pending] = await Promise.all([
    s.run('searchAssets', {
      companyHandle,
      ...(folder ? { folder, includeSubfolders: false } : { includeSubfolders: true }),
      trashState: 'NotInTrash',
      recordsPerPage: PAGE_SIZE,
      resultsPage: page,
      sortBy: 'Name',
      sortDirection: 'Ascending',
    }),
    job ? stillRunning(s, companyHandle, job) : Promise.resolve(false),
  ]);
  return {
    assets: found.assetArray.items.map(cardOf),
    total: found.totalRows,
    page,
    pages: Math.max(1, Math.ceil(found.totalRows / PAGE_SIZE)),
    ...(folder ? { folder } : {}),
    ...(pending && job ? { pendingJob: job } : {}),
  };
}

/**
 * Whether an upload job has yet to end: its log has no end date, or it has no
 * log yet (the workflow writes it when it begins). A job this caller may not
 * see never appears among the logs, so it would be waited for as long as the
 * page stays open; polling costs one request a second, as the jobs table does.
 */
async function stillRunning(s: SignedIn, companyHandle: string, jobHandle: string): Promise<boolean> {
  if (!s.may('getJobLogs')) return false;
  const logs = await s.run('getJobLogs', { companyHandle, sortBy: 'StartDate', sortDirection: 'Descending', numRows: RECENT_JOBS });
  const log = logs.jobLogArray.items.find((l) => l.jobHandle === jobHandle);
  return !log?.endDate;
}

export function cardOf(asset: Asset): AssetCard {
  return { assetHandle: asset.assetHandle, name: asset.name, type: asset.type, hasPicture: hasPicture(asset) };
}

/** What ConsoleThumbnailService can draw: an image, or a video with its thumbnail; other types show their type. */
function hasPicture(asset: Asset): boolean {
  return asset.type === 'Image' || asset.videoInfo?.imageFile !== undefined;
}

/** The folders of the side list (every level when the role may read the tree, else the top level), when the company has any. */
async function foldersOf(s: SignedIn, companyHandle: string, current: string | undefined): Promise<FolderLink[]> {
  let folders: Folder[];
  if (s.may('getFolderTree')) {
    const tree = await s.run('getFolderTree', { companyHandle, depth: -1 });
    folders = tree.folders ? flatten(tree.folders.subfolderArray?.items ?? []) : [];
  } else if (s.may('getFolders')) {
    folders = (await s.run('getFolders', { companyHandle })).folderArray?.items ?? [];
  } else folders = [];
  return folders.map((f) => ({ path: f.path, label: labelOf(f.path), current: sameFolder(f.path, current) }));
}

function flatten(folders: readonly Folder[]): Folder[] {
  return folders.flatMap((f) => [f, ...flatten(f.subfolderArray?.items ?? [])]);
}

/** 'acme/photos/2024/' → 'photos/2024': the company's root folder is the same on every path. */
function labelOf(path: string): string {
  return path.replace(/\/$/, '').split('/').slice(1).join('/');
}

function sameFolder(a: string, b: string | undefined): boolean {
  return b !== undefined && a.replace(/\/$/, '') === b.replace(/\/$/, '');
}

function pageOf(raw: string | undefined): number {
  const n = Number(raw);
  return Number.isInteger(n) && n >= 1 ? n : 1;
}

function emptyGrid(): GridView {
  return { assets: [], total: 0, page: 1, pages: 1 };
}
