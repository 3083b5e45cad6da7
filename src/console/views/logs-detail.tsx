import type { Chrome } from './chrome.js';
import { formatDate, jobKind } from './format.js';
import { Layout } from './layout.js';
import type { Translate } from '../i18n/index.js';

export interface LogEntryRow {
  type: string;
  date: string;
  message: string;
  assetName?: string;
  /** the asset the row names: its name links to the asset's page */
  assetHandle?: string;
  /** the row is an export's archive: its assetName is the download URL */
  download?: string;
  /** a reprocess job's image: show what it looked like before and after */
  pair?: boolean;
}

export interface LogDetailView {
  chrome: Chrome;
  jobHandle: string;
  name: string;
  type: string;
  startDate?: string;
  endDate?: string;
  submitUser: string;
  counts: { files: number; errors: number; warnings: number };
  /** the chosen filter: a log type, or 'all' */
  filter: string;
  /** the log types this job writes, then every other type getJobLogDetails knows */
  jobTypes: readonly string[];
  otherTypes: readonly string[];
  rows: readonly LogEntryRow[];
  page: number;
  pages: number;
  /** the finished export's archive (signed, expiring URL) */
  exportUrl?: string;
  /** the job is a reprocess job: its rows get a before/after column */
  pictures: boolean;
}

/** One job's log: its counts, a filter by log type, and its entries page by page. */
export function LogDetailPage(view: LogDetailView) {
  const { t } = view.chrome;
  return (
    <Layout chrome={view.chrome} title={t('log.title', { name: view.name })}>
      <p>
        <a href="/console/logs">{t('log.back')}</a>
      </p>
      <h1>{t('log.title', { name: view.name })}</h1>
      {/* A plain list, not dl.props: its two-column grid cannot shrink below a long e-mail address and date on a 375 px screen. */}
      <dl>
        <dt>{t('jobs.type')}</dt>
        <dd>{jobKind(view.type)}</dd>
        <dt>{t('logs.started')}</dt>
        <dd>{view.startDate ? <time dateTime={view.startDate}>{formatDate(view.chrome.locale, view.startDate)}</time> : '—'}</dd>
        <dt>{t('logs.ended')}</dt>
        <dd>{view.endDate ? <time dateTime={view.endDate}>{formatDate(view.chrome.locale, view.endDate)}</time> : '—'}</dd>
        <dt>{t('logs.user')}</dt>
        <dd>{view.submitUser}</dd>
      </dl>
      <p id="log-summary">{t('log.summary', view.counts)}</p>
      {view.exportUrl && (
        <p>
          <a id="export-download" href={view.exportUrl} download>
            {t('log.export')}
          </a>
        </p>
      )}
      <FilterForm view={view} />
      <section aria-labelledby="entries-heading">
        <h2 id="entries-heading">{t('log.entries')}</h2>
        {view.rows.length === 0 ? <p class="empty">{t('log.noRows')}</p> : <Entries view={view} />}
        <Pager view={view} />
      </section>
    </Layout>
  );
}

/** A plain GET form: works without script, and the chosen type stays in the URL (shareable, back button). */
function FilterForm({ view }: { view: LogDetailView }) {
  const { t } = view.chrome;
  return (
    <form method="get" action={`/console/logs/${encodeURIComponent(view.jobHandle)}`} class="filter">
      <label for="log-type">{t('log.filter')}</label>
      <select id="log-type" name="type">
        <option value="all" selected={view.filter === 'all'}>
          {t('log.allTypes')}
        </option>
        <TypeGroup label={t('log.thisJob')} types={view.jobTypes} filter={view.filter} />
        <TypeGroup label={t('log.otherTypes')} types={view.otherTypes} filter={view.filter} />
      </select>
      <button type="submit">{t('log.apply')}</button>
    </form>
  );
}

function TypeGroup({ label, types, filter }: { label: string; types: readonly string[]; filter: string }) {
  if (types.length === 0) return null;
  return (
    <optgroup label={label}>
      {types.map((type) => (
        <option value={type} selected={type === filter}>
          {type}
        </option>
      ))}
    </optgroup>
  );
}

function Entries({ view }: { view: LogDetailView }) {
  const { t } = view.chrome;
  return (
    <table id="log-entries">
      <thead>
        <tr>
          <th scope="col">{t('log.type')}</th>
          <th scope="col">{t('log.message')}</th>
          <th scope="col">{t('log.asset')}</th>
          {view.pictures && <th scope="col">{t('log.pictures')}</th>}
          <th scope="col">{t('log.date')}</th>
        </tr>
      </thead>
      <tbody>
        {view.rows.map((row) => (
          <tr data-type={row.type}>
            <td>{row.type}</td>
            <td>{row.message}</td>
            <td>
              <AssetCell t={t} row={row} />
            </td>
            {view.pictures && (
              <td>
                {row.pair && row.assetHandle && <Pair t={t} jobHandle={view.jobHandle} assetHandle={row.assetHandle} name={row.assetName ?? row.assetHandle} />}
              </td>
            )}
            <td>
              <time dateTime={row.date}>{formatDate(view.chrome.locale, row.date)}</time>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function AssetCell({ t, row }: { t: Translate; row: LogEntryRow }) {
  if (row.download) return <a href={row.download}>{t('log.export')}</a>;
  if (row.assetHandle) return <a href={`/console/assets/${encodeURIComponent(row.assetHandle)}`}>{row.assetName ?? row.assetHandle}</a>;
  return <>{row.assetName ?? ''}</>;
}

/** Before and after side by side, each from the console's thumbnail routes (they check the caller's company again). */
function Pair({ t, jobHandle, assetHandle, name }: { t: Translate; jobHandle: string; assetHandle: string; name: string }) {
  const base = `/console/thumbnails/job/${encodeURIComponent(jobHandle)}/${encodeURIComponent(assetHandle)}`;
  return (
    <div class="pair">
      <figure>
        <img src={`${base}/before?size=96`} alt={t('log.beforeAlt', { name })} width={96} height={96} />
        <figcaption>{t('log.before')}</figcaption>
      </figure>
      <figure>
        <img src={`${base}/after?size=96`} alt={t('log.afterAlt', { name })} width={96} height={96} />
        <figcaption>{t('log.after')}</figcaption>
      </figure>
    </div>
  );
}

/** Previous / next keep the chosen type; the current page is said in words for screen readers. */
function Pager({ view }: { view: LogDetailView }) {
  const { t } = view.chrome;
  if (view.pages <= 1) return null;
  const href = (page: number) => {
    const query = new URLSearchParams({ ...(view.filter !== 'all' ? { type: view.filter } : {}), page: String(page) });
    return `/console/logs/${encodeURIComponent(view.jobHandle)}?${query.toString()}`;
  };
  return (
    <nav class="pager" aria-label={t('log.pages')}>
      {view.page > 1 && (
        <a href={href(view.page - 1)} rel="prev">
          {t('log.previous')}
        </a>
      )}
      <span aria-current="page">{t('log.page', { page: view.page, pages: view.pages })}</span>
      {view.page < view.pages && (
        <a href={href(view.page + 1)} rel="next">
          {t('log.next')}
        </a>
      )}
    </nav>
  );
}
