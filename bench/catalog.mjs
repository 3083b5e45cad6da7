/**
 * Catalog queries at scale: the read operations people page through, on
 * PostgreSQL with 10,000 and with 1,000,000 assets (issue 19).
 *
 * For each size a fresh database and service: 10 companies (the bench's own and
 * nine more), 100 folders each (1,000 in all), the assets spread evenly over the
 * companies and their folders (9 in 10 Image, 1 in 10 Pdf), and one job log of
 * the bench's company with 100,000 detail rows. The rows are generated inside
 * PostgreSQL (INSERT … SELECT over generate_series: a few seconds per million),
 * then ANALYZE. Then, as the bench's IpsUser through the API, `BENCH_CATALOG_CALLS`
 * (60) calls of each, with varying arguments, one at a time after 5 unmeasured:
 *
 *   searchAssets       one folder, Image only, name starts with "img-", sorted by name, 100 a page
 *   getAssetsByName    10 names
 *   getAssets          50 handles
 *   getJobLogDetails   page 50 of 1,000-row pages of the 100,000-row log
 *   getJobLogs         the company's logs
 *
 * Targets: every p95 ≤ 50 ms, and p95 at 1M ≤ 3 × p95 at 10k.
 *
 *   bash bench/catalog.sh      (starts a throw-away PostgreSQL unless DATABASE_URL names one)
 *   node bench/catalog.mjs     (after npm run build, DATABASE_URL naming a PostgreSQL server)
 *
 * BENCH_CATALOG_SIZES (default 10000,1000000).
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freshDatabase } from './lib/infra.mjs';
import { log, percentile, startService } from './lib/service.mjs';

const sizes = (process.env.BENCH_CATALOG_SIZES ?? '10000,1000000').split(',').map(Number);
const calls = Number(process.env.BENCH_CATALOG_CALLS ?? 60);
const COMPANIES = 10;
const FOLDERS_PER_COMPANY = 100;
const DETAIL_ROWS = 100_000;
const LOG_JOB = 'j|bench-catalog-log';

const folderOf = (root, f) => `${root}f${String(f).padStart(4, '0')}/`;
const nameOf = (i) => `img-${String(i).padStart(7, '0')}`;
const handleOf = (i) => `a|bench-${i}`;
/** SQL for an ISO UTC text timestamp, as the catalog stores them. */
const iso = (expr) => `to_char((${expr}) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** Generates the catalog inside PostgreSQL: folders, `size` assets, one job log with DETAIL_ROWS rows. */
async function load(url, companies, size) {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const handles = companies.map((c) => c.companyHandle);
    const roots = companies.map((c) => c.rootPath);
    await db.query(
      `insert into folders (company_handle, path_key, path, parent_key, created, last_modified)
       select c.handle, lower(c.root || 'f' || lpad(f::text, 4, '0') || '/'), c.root || 'f' || lpad(f::text, 4, '0') || '/', lower(c.root), ${iso('now()')}, ${iso('now()')}
       from unnest($1::text[], $2::text[]) as c(handle, root), generate_series(0, ${FOLDERS_PER_COMPANY - 1}) as f
       on conflict do nothing`,
      [handles, roots],
    );
    // Asset i: company i mod 10, folder (i div 10) mod 100 of it; every tenth a Pdf.
    await db.query(
      `insert into assets (asset_handle, company_handle, type, sub_type, name, name_key, file_name, folder, ready_for_publish, trash_state,
                           created, create_user, last_modified, last_modify_user, format, original_key, file_size, sha256,
                           optimized_key, mask_key, width, height, resolution, version, optimizer_version, crop_json)
       select 'a|bench-' || i, ($1::text[])[1 + i % ${COMPANIES}], case when i % 10 = 9 then 'Pdf' else 'Image' end, null,
              'img-' || lpad(i::text, 7, '0'), 'img-' || lpad(i::text, 7, '0'), 'img-' || lpad(i::text, 7, '0') || '.jpg',
              ($2::text[])[1 + i % ${COMPANIES}] || 'f' || lpad(((i / ${COMPANIES}) % ${FOLDERS_PER_COMPANY})::text, 4, '0') || '/',
              1, 'NotInTrash', ${iso("timestamp '2026-01-01' + i * interval '1 second'")}, 'bench@ips.local',
              ${iso("timestamp '2026-01-01' + i * interval '1 second'")}, 'bench@ips.local', 'jpeg', 'originals/bench/' || i || '.jpg',
              100000 + i % 5000, md5(i::text), null, null, 2000, 1500, 72, 1, 0, null
       from generate_series(0, $3::int - 1) as i`,
      [handles, roots, size],
    );
    await db.query(
      `insert into job_logs (job_handle, company_handle, job_type, job_name, original_job_name, submit_user_email, submit_user_handle, locale, description,
                             log_type, job_sub_type, start_date, end_date, file_success_count, file_error_count, file_warning_count, file_duplicate_count,
                             file_update_count, total_file_count, transfer_success_count, transfer_error_count, transfer_warning_count, fatal_error)
       values ($1, $2, 'ReprocessAssets', 'bench-log', 'bench-log', 'bench@ips.local', 'u|bench', null, null, 'BeginReprocess', 'ReprocessAssets',
               ${iso('now()')}, ${iso('now()')}, ${DETAIL_ROWS}, 0, 0, 0, 0, ${DETAIL_ROWS}, 0, 0, 0, 0)`,
      [LOG_JOB, handles[0]],
    );
    await db.query(
      `insert into job_log_details (job_handle, company_handle, log_type, message_key, message_args, asset_name, asset_type, asset_handle, date_created)
       select $1, $2, 'ReprocessSuccess', 'fileUpdated', json_build_object('path', 'img-' || i || '.jpg', 'name', 'img-' || i)::text,
              'img-' || i, 'Image', 'a|bench-' || i, ${iso("timestamp '2026-01-01' + i * interval '1 millisecond'")}
       from generate_series(1, ${DETAIL_ROWS}) as i`,
      [LOG_JOB, handles[0]],
    );
    await db.query('analyze');
  } finally {
    await db.end();
  }
}

/**
 * `calls` timed calls of `body(n)` (after 5 unmeasured), one at a time:
 * milliseconds. `rows(reply)` counts what a reply holds, and every reply must
 * hold `expected` rows, so a query that finds nothing cannot pass for a fast one.
 */
async function time(service, operation, body, rows, expected) {
  const took = [];
  for (let n = -5; n < calls; n++) {
    const started = process.hrtime.bigint();
    const reply = await service.call(operation, body(n), service.user);
    if (n >= 0) took.push(Number(process.hrtime.bigint() - started) / 1e6);
    const got = rows(reply);
    if (got !== expected) throw new Error(`${operation} (call ${n}): ${got} rows, expected ${expected}`);
  }
  return { p50: percentile(took, 50), p95: percentile(took, 95) };
}

async function measure(size) {
  const database = await freshDatabase(process.env.DATABASE_URL, 'catalog');
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-bench-catalog-'));
  let service;
  try {
    service = await startService(work, { DATABASE_URL: database.url });
    const own = (await service.call('getCompanyInfo', { companyHandle: service.companyHandle })).companyInfo;
    const companies = [own];
    for (let c = 1; c < COMPANIES; c++) companies.push((await service.call('addCompany', { companyName: `Catalog ${c}` })).companyInfo);
    const started = Date.now();
    await load(database.url, companies, size);
    log(
      `[catalog] ${size.toLocaleString('en')} assets, ${COMPANIES * FOLDERS_PER_COMPANY} folders, ${DETAIL_ROWS.toLocaleString('en')} log rows loaded in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );

    const companyHandle = service.companyHandle;
    const root = own.rootPath;
    // The bench company's assets are i ≡ 0 (mod 10); pick them spread over the catalog.
    // Distinct per call (k < 50 < size / 10): no call asks for one asset twice.
    const ownAsset = (n, k) => (((n + 5) * 50 + k) % Math.floor(size / COMPANIES)) * COMPANIES;
    // Each folder of the bench's company holds size / 1,000 assets, nine in ten of them images (asset i is a Pdf when i ≡ 9 mod 10: never the bench's, i ≡ 0).
    const perFolderImages = size / (COMPANIES * FOLDERS_PER_COMPANY);
    const results = {
      searchAssets: await time(
        service,
        'searchAssets',
        (n) => ({
          companyHandle,
          folder: folderOf(root, ((n + 5) * 37) % FOLDERS_PER_COMPANY),
          includeSubfolders: false,
          assetTypeArray: ['Image'],
          systemFieldConditionArray: [{ field: 'Name', op: 'StartsWith', value: 'img-' }],
          sortBy: 'Name',
          sortDirection: 'Ascending',
          recordsPerPage: 100,
          resultsPage: 1,
        }),
        (r) => r.assetArray?.items?.length ?? 0,
        Math.min(100, perFolderImages),
      ),
      getAssetsByName: await time(
        service,
        'getAssetsByName',
        (n) => ({ companyHandle, nameArray: Array.from({ length: 10 }, (_, k) => nameOf(ownAsset(n, k))) }),
        (r) => r.assetArray?.items?.length ?? 0,
        10,
      ),
      getAssets: await time(
        service,
        'getAssets',
        (n) => ({ companyHandle, assetHandleArray: Array.from({ length: 50 }, (_, k) => handleOf(ownAsset(n, k))) }),
        (r) => r.assetArray?.items?.length ?? 0,
        50,
      ),
      getJobLogDetails: await time(
        service,
        'getJobLogDetails',
        () => ({ companyHandle, jobHandle: LOG_JOB, recordsPerPage: 1000, resultsPage: 50 }),
        (r) => r.jobLogArray?.items?.[0]?.detailArray?.items?.length ?? 0,
        1000,
      ),
      getJobLogs: await time(
        service,
        'getJobLogs',
        () => ({ companyHandle }),
        (r) => (r.jobLogArray?.items ?? []).filter((l) => l.jobHandle === LOG_JOB).length,
        1,
      ),
    };
    for (const [op, r] of Object.entries(results))
      log(`[catalog] ${size.toLocaleString('en')} assets  ${op.padEnd(17)} p50 ${r.p50.toFixed(1)} ms, p95 ${r.p95.toFixed(1)} ms`);
    return results;
  } finally {
    await service?.stop();
    await database.drop();
    await fs.rm(work, { recursive: true, force: true });
  }
}

if (!process.env.DATABASE_URL?.startsWith('postgres')) throw new Error('DATABASE_URL must name a PostgreSQL server (bench/catalog.sh starts one)');
const bySize = [];
for (const size of sizes) bySize.push(await measure(size));
if (bySize.length >= 2) {
  const [small, large] = [bySize[0], bySize.at(-1)];
  for (const op of Object.keys(small)) {
    const ratio = large[op].p95 / small[op].p95;
    log(
      `[catalog] ${op.padEnd(17)} p95 ${small[op].p95.toFixed(1)} → ${large[op].p95.toFixed(1)} ms: × ${ratio.toFixed(2)} (targets: p95 ≤ 50 ms ${large[op].p95 <= 50 ? 'met' : 'NOT met'}, ≤ 3 × ${ratio <= 3 ? 'met' : 'NOT met'})`,
    );
  }
}
