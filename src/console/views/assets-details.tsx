import type { Chrome } from './chrome.js';
import { Layout } from './layout.js';
import { type AssetCard, Thumbnail } from './assets.js';
import { formatDate } from './format.js';

export interface AssetDetails extends AssetCard {
  folder?: string;
  /** bytes of the original file, when known */
  size?: number;
  width?: number;
  height?: number;
  modified: string;
}

/** An asset made from this one (mask, page, layer…) or belonging to it (a set's members). */
export interface Derivative extends AssetCard {
  /** how it came about: the generating engine (PhotoshopLayers, PostScriptRip…) or the relation */
  relation: string;
}

export interface AssetJobRow {
  jobHandle: string;
  jobName: string;
  type: string;
  message: string;
  date: string;
}

export interface AssetDetailsView {
  chrome: Chrome;
  asset: AssetDetails;
  derivatives: readonly Derivative[];
  /** undefined: the role may not read job logs (getAssetJobLogs), so the section is left out */
  history?: readonly AssetJobRow[];
}

/** The asset page's picture edge (one of the thumbnail route's sizes). */
const DETAILS_THUMBNAIL = 320;
const DERIVATIVE_THUMBNAIL = 96;

export function AssetDetailsPage(view: AssetDetailsView) {
  const { t, locale } = view.chrome;
  const { asset } = view;
  const number = new Intl.NumberFormat(locale);
  return (
    <Layout chrome={view.chrome} title={t('asset.title', { name: asset.name })}>
      <p>
        <a href={asset.folder ? `/console/assets?folder=${encodeURIComponent(asset.folder)}` : '/console/assets'}>{t('asset.back')}</a>
      </p>
      <h1>{t('asset.title', { name: asset.name })}</h1>
      <div class="card asset-summary">
        <Thumbnail t={t} asset={asset} size={DETAILS_THUMBNAIL} />
        <dl class="props">
          <dt>{t('asset.name')}</dt>
          <dd>{asset.name}</dd>
          <dt>{t('asset.type')}</dt>
          <dd>{asset.type}</dd>
          <dt>{t('asset.folder')}</dt>
          <dd>{asset.folder ?? '—'}</dd>
          <dt>{t('asset.size')}</dt>
          <dd>{asset.size !== undefined ? byteSize(asset.size, locale) : '—'}</dd>
          <dt>{t('asset.dimensions')}</dt>
          <dd>{asset.width !== undefined && asset.height !== undefined ? `${number.format(asset.width)} × ${number.format(asset.height)}` : '—'}</dd>
          <dt>{t('asset.modified')}</dt>
          <dd>
            <time dateTime={asset.modified}>{formatDate(locale, asset.modified)}</time>
          </dd>
        </dl>
      </div>
      <section aria-labelledby="derivatives-heading">
        <h2 id="derivatives-heading">{t('asset.derivatives')}</h2>
        {view.derivatives.length === 0 ? (
          <p class="empty">{t('asset.noDerivatives')}</p>
        ) : (
          <ul class="grid">
            {view.derivatives.map((d) => (
              <li data-asset={d.assetHandle}>
                <a href={`/console/assets/${encodeURIComponent(d.assetHandle)}`} aria-label={t('assets.details', { name: d.name })}>
                  <Thumbnail t={t} asset={d} size={DERIVATIVE_THUMBNAIL} />
                </a>
                <a href={`/console/assets/${encodeURIComponent(d.assetHandle)}`} class="name">
                  {d.name}
                </a>
                <span class="type">
                  {d.type} · {d.relation}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
      {view.history && (
        <section aria-labelledby="history-heading">
          <h2 id="history-heading">{t('asset.history')}</h2>
          {view.history.length === 0 ? (
            <p class="empty">{t('asset.noHistory')}</p>
          ) : (
            <table id="asset-history">
              <thead>
                <tr>
                  <th scope="col">{t('asset.job')}</th>
                  <th scope="col">{t('asset.type')}</th>
                  <th scope="col">{t('asset.message')}</th>
                  <th scope="col">{t('asset.date')}</th>
                </tr>
              </thead>
              <tbody>
                {view.history.map((row) => (
                  <tr>
                    <th scope="row">
                      <a href={`/console/logs/${encodeURIComponent(row.jobHandle)}`}>{row.jobName}</a>
                    </th>
                    <td>{row.type}</td>
                    <td>{row.message}</td>
                    <td>
                      <time dateTime={row.date}>{formatDate(locale, row.date)}</time>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}
    </Layout>
  );
}

/** 1 234 567 bytes → "1.2 MB" in the page's language. */
function byteSize(bytes: number, locale: string): string {
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte'] as const;
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return new Intl.NumberFormat(locale, { style: 'unit', unit: units[unit], unitDisplay: 'short', maximumFractionDigits: unit === 0 ? 0 : 1 }).format(value);
}
