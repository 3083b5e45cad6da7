import type { Chrome } from './chrome.js';
import { Layout } from './layout.js';
import type { Translate } from '../i18n/index.js';

/** One cell of the grid. */
export interface AssetCard {
  assetHandle: string;
  name: string;
  type: string;
  /** the thumbnail route has a picture for it (images, videos with a thumbnail); other types show their type instead */
  hasPicture: boolean;
}

export interface FolderLink {
  /** the folder path searchAssets and the upload take (company root included) */
  path: string;
  /** the path below the company's root, for people */
  label: string;
  current: boolean;
}

export interface GridView {
  assets: readonly AssetCard[];
  total: number;
  page: number;
  pages: number;
  folder?: string;
  /** an upload job whose assets are still being made: the grid asks again every second until it has ended */
  pendingJob?: string;
}

export interface AssetsView {
  chrome: Chrome;
  folder?: string;
  folders: readonly FolderLink[];
  grid: GridView;
  /** the role may run uploadFile (an upload job: submitJob's roles) */
  canUpload: boolean;
}

/** The grid's thumbnail edge, one of the thumbnail route's sizes. */
export const GRID_THUMBNAIL = 160;

export function AssetsPage(view: AssetsView) {
  const { t } = view.chrome;
  return (
    <Layout chrome={view.chrome} title={t('assets.title')}>
      <h1>{t('assets.title')}</h1>
      {view.canUpload && <UploadZone chrome={view.chrome} folder={view.folder} grid={view.grid} />}
      <div class={view.folders.length > 0 ? 'assets-layout' : undefined}>
        {view.folders.length > 0 && <Folders t={t} folders={view.folders} />}
        <section aria-labelledby="grid-heading">
          <h2 id="grid-heading">{view.folder ? view.folders.find((f) => f.current)?.label || view.folder : t('assets.allFolders')}</h2>
          <AssetGrid t={t} grid={view.grid} />
        </section>
      </div>
    </Layout>
  );
}

function Folders({ t, folders }: { t: Translate; folders: readonly FolderLink[] }) {
  return (
    <nav aria-labelledby="folders-heading" class="folders">
      <h2 id="folders-heading">{t('assets.folders')}</h2>
      <ul>
        <li>
          <a href="/console/assets" aria-current={folders.every((f) => !f.current) ? 'page' : undefined}>
            {t('assets.allFolders')}
          </a>
        </li>
        {folders.map((f) => (
          <li>
            <a href={assetsUrl('/console/assets', f.path, 1)} aria-current={f.current ? 'page' : undefined}>
              {f.label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/**
 * The grid, also served alone (/console/assets/grid) for the upload script
 * to swap in. While an upload job runs, the grid re-fetches itself every
 * second (as the jobs table does) and stops once the job has ended.
 */
export function AssetGrid({ t, grid }: { t: Translate; grid: GridView }) {
  const here = assetsUrl('/console/assets/grid', grid.folder, grid.page);
  const polling = grid.pendingJob ? `${here}${here.includes('?') ? '&' : '?'}job=${encodeURIComponent(grid.pendingJob)}` : undefined;
  return (
    <div
      id="asset-grid"
      data-grid-url={here}
      hx-get={polling}
      hx-trigger={polling ? 'every 1s' : undefined}
      hx-swap={polling ? 'outerHTML' : undefined}
      aria-busy={polling ? 'true' : undefined}
    >
      {grid.pendingJob && (
        <p class="notice" role="status">
          {t('assets.processing')}
        </p>
      )}
      {grid.assets.length === 0 ? (
        <p class="empty">{t('assets.none')}</p>
      ) : (
        <>
          <p class="count">{t('assets.count', { total: grid.total })}</p>
          <ul class="grid">
            {grid.assets.map((a) => (
              <li data-asset={a.assetHandle}>
                <a href={`/console/assets/${encodeURIComponent(a.assetHandle)}`} aria-label={t('assets.details', { name: a.name })}>
                  <Thumbnail t={t} asset={a} size={GRID_THUMBNAIL} />
                </a>
                <a href={`/console/assets/${encodeURIComponent(a.assetHandle)}`} class="name">
                  {a.name}
                </a>
                <span class="type">{a.type}</span>
              </li>
            ))}
          </ul>
        </>
      )}
      {grid.pages > 1 && <Pager t={t} grid={grid} />}
    </div>
  );
}

/** An asset's picture, or for a type without one its type, named for screen readers. */
export function Thumbnail({ t, asset, size }: { t: Translate; asset: AssetCard; size: number }) {
  if (!asset.hasPicture)
    return (
      <span class="thumb no-picture" role="img" aria-label={`${asset.name}: ${t('assets.noThumbnail')}`}>
        {asset.type}
      </span>
    );
  return (
    <img src={`/console/thumbnails/asset/${encodeURIComponent(asset.assetHandle)}?size=${size}`} alt={asset.name} loading="lazy" width={size} height={size} />
  );
}

function Pager({ t, grid }: { t: Translate; grid: GridView }) {
  return (
    <nav class="pager" aria-label={t('assets.pages')}>
      {grid.page > 1 && (
        <a href={assetsUrl('/console/assets', grid.folder, grid.page - 1)} rel="prev">
          {t('assets.previous')}
        </a>
      )}
      <span>{t('assets.pageOf', { page: grid.page, pages: grid.pages })}</span>
      {grid.page < grid.pages && (
        <a href={assetsUrl('/console/assets', grid.folder, grid.page + 1)} rel="next">
          {t('assets.next')}
        </a>
      )}
    </nav>
  );
}

/**
 * The drop zone: upload.js (loaded through data-console) sends each file in
 * its own request with its own progress bar. The texts it shows come from
 * the data attributes, so they are translated like the page.
 */
function UploadZone({ chrome, folder, grid }: { chrome: Chrome; folder?: string; grid: GridView }) {
  const { t } = chrome;
  return (
    <section aria-labelledby="upload-heading">
      <h2 id="upload-heading">{t('assets.upload')}</h2>
      <div
        class="dropzone"
        data-console="upload"
        data-upload-url={folder ? `/console/upload?folder=${encodeURIComponent(folder)}` : '/console/upload'}
        data-csrf={chrome.csrfToken}
        data-grid={assetsUrl('/console/assets/grid', grid.folder, grid.page)}
        data-text-done={t('assets.uploadDone', { name: '{name}' })}
        data-text-failed={t('assets.uploadFailed', { name: '{name}', message: '{message}' })}
        data-text-ended={t('assets.uploadEnded', { done: '{done}', count: '{count}' })}
      >
        <p id="upload-hint">{t('assets.uploadHint')}</p>
        <label for="upload-files">{t('assets.choose')}</label>
        <input id="upload-files" type="file" multiple aria-describedby="upload-hint" />
        <label for="upload-total" class="total-label" hidden>
          {t('assets.uploadTotal')}
        </label>
        <progress id="upload-total" class="total" max={100} value={0} hidden></progress>
        <ul class="uploads" aria-live="polite"></ul>
        <p class="upload-status" role="status"></p>
      </div>
    </section>
  );
}

/** /console/assets(?folder=…&page=…): the first page and no folder leave their parameter out. */
export function assetsUrl(base: string, folder: string | undefined, page: number): string {
  const query = new URLSearchParams();
  if (folder) query.set('folder', folder);
  if (page > 1) query.set('page', String(page));
  const text = query.toString();
  return text ? `${base}?${text}` : base;
}
