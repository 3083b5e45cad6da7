/**
 * Catalog queries at scale: the read operations people page through, on
 * PostgreSQL with 10,000 and with 1,000,000 assets (issue 19).
 *
 * For each size a fresh database and service: 10 companies (the bench's own and
 * nine more), 100 folders each (1,000 in all), the assets spread evenly over the
 * companies and their folders, each folder holding the same mix: 7 in 10 images,
 * 1 in 10 image sets, 1 in 10 images ripped from a Pdf (a byproduct), 1 in 10
 * Pdfs; Keywords, Description and a company field on a share of them, a project
 * holding 1 in 20; one job log of the bench's company with 100,000 detail rows
 * (lib/catalog-load.mjs: generated inside PostgreSQL, then VACUUM ANALYZE).
 * Then, as the bench's IpsUser through the API, `BENCH_CATALOG_CALLS` (60) calls
 * of each, with varying arguments, one at a time after 5 unmeasured:
 *
 *   searchAssets       one folder, Image only, no byproducts, name starts with "img-", sorted by name, 100 a page
 *   getAssetsByName    10 names
 *   getAssets          50 handles
 *   getJobLogDetails   page 50 of 1,000-row pages of the 100,000-row log
 *   getJobLogs         the company's logs
 *
 * With BENCH_CATALOG_PLANS naming a file, one more call of each (untimed) runs
 * with PostgreSQL's auto_explain on (lib/auto-explain.mjs), and the plans of
 * every statement the API ran for it are written to that file (Markdown).
 *
 * Targets: every p95 ≤ 50 ms, and p95 at 1M ≤ 3 × p95 at 10k.
 *
 *   bash bench/catalog.sh      (starts a throw-away PostgreSQL unless DATABASE_URL names one)
 *   node bench/catalog.mjs     (after npm run build, DATABASE_URL naming a PostgreSQL server)
 *
 * BENCH_CATALOG_SIZES (default 10000,1000000), BENCH_CATALOG_PLANS (a file; none by default).
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { explainCalls, explainedUrl } from './lib/auto-explain.mjs';
import { COMPANIES, FOLDERS_PER_COMPANY, LISTED_IMAGE_SHARE, LOG_JOB, folderOf, handleOf, loadCatalog, nameOf } from './lib/catalog-load.mjs';
import { freshDatabase } from './lib/infra.mjs';
import { log, percentile, startService } from './lib/service.mjs';

const sizes = (process.env.BENCH_CATALOG_SIZES ?? '10000,1000000').split(',').map(Number);
const calls = Number(process.env.BENCH_CATALOG_CALLS ?? 60);
const planFile = process.env.BENCH_CATALOG_PLANS;

/**
 * The timed operations: `body(n)` is the n-th call's request, `rows(reply)`
 * counts what a reply holds, and every reply must hold `expected` rows, so a
 * query that finds nothing cannot pass for a fast one.
 */
function operations(size, companyHandle, root) {
  // The bench company's assets are i ≡ 0 (mod 10): the m-th is asset 10 m, of kind (m div 100) mod 10. Each call starts
  // elsewhere in the catalog and steps 101 (prime to size / 10: no call asks for one asset twice), so a call meets the kinds in turn.
  const ownAsset = (n, k) => (((n + 5) * 1237 + k * 101) % Math.floor(size / COMPANIES)) * COMPANIES;
  const listedPerFolder = Math.round((size / (COMPANIES * FOLDERS_PER_COMPANY)) * LISTED_IMAGE_SHARE);
  const items = (r) => r.assetArray?.items?.length ?? 0;
  return [
    {
      operation: 'searchAssets',
      body: (n) => ({
        companyHandle,
        folder: folderOf(root, ((n + 5) * 37) % FOLDERS_PER_COMPANY),
        includeSubfolders: false,
        assetTypeArray: ['Image'],
        excludeByproducts: true,
        systemFieldConditionArray: [{ field: 'Name', op: 'StartsWith', value: 'img-' }],
        sortBy: 'Name',
        sortDirection: 'Ascending',
        recordsPerPage: 100,
        resultsPage: 1,
      }),
      rows: items,
      expected: Math.min(100, listedPerFolder),
    },
    {
      operation: 'getAssetsByName',
      body: (n) => ({ companyHandle, nameArray: Array.from({ length: 10 }, (_, k) => nameOf(ownAsset(n, k))) }),
      rows: items,
      expected: 10,
    },
    {
      operation: 'getAssets',
      body: (n) => ({ companyHandle, assetHandleArray: Array.from({ length: 50 }, (_, k) => handleOf(ownAsset(n, k))) }),
      rows: items,
      expected: 50,
    },
    {
      operation: 'getJobLogDetails',
      body: () => ({ companyHandle, jobHandle: LOG_JOB, recordsPerPage: 1000, resultsPage: 50 }),
      rows: (r) => r.jobLogArray?.items?.[0]?.detailArray?.items?.length ?? 0,
      expected: 1000,
    },
    {
      operation: 'getJobLogs',
      body: () => ({ companyHandle }),
      rows: (r) => (r.jobLogArray?.items ?? []).filter((l) => l.jobHandle === LOG_JOB).length,
      expected: 1,
    },
  ];
}

/** One checked call of `op` (its n-th request): the reply's row count must be the expected one. */
async function call(service, op, n) {
  const got = op.rows(await service.call(op.operation, op.body(n), service.user));
  if (got !== op.expected) throw new Error(`${op.operation} (call ${n}): ${got} rows, expected ${op.expected}`);
}

/** `calls` timed calls of `op` (after 5 unmeasured), one at a time: p50 and p95 in milliseconds. */
async function time(service, op) {
  const took = [];
  for (let n = -5; n < calls; n++) {
    const started = process.hrtime.bigint();
    await call(service, op, n);
    if (n >= 0) took.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return { p50: percentile(took, 50), p95: percentile(took, 95) };
}

/** A plan's node lines without their figures: two plans of one shape read the same indexes the same way. */
const shapeOf = (plan) =>
  plan
    .split('\n')
    .filter((l) => l.includes('(cost='))
    .map((l) => l.replace(/\s*\(cost=.*$/, ''))
    .join('\n');
/** Long lines (a 50-handle IN list) cut to 180 characters. */
const cut = (line) => (line.length > 180 ? `${line.slice(0, 179)}…` : line);

/**
 * One more call of each operation (untimed) with auto_explain on, appended to
 * the BENCH_CATALOG_PLANS file as Markdown: per operation, each statement the
 * API ran, its time and its plan; a statement already shown for an earlier
 * operation with a plan of the same shape (the sign-in lookups) is named only.
 */
async function writePlans(url, size, service, ops) {
  const explained = await explainCalls(
    url,
    ops.map((op) => [op.operation, () => call(service, op, calls)]),
  );
  const heading = `## ${size.toLocaleString('en')} assets (${new Date().toISOString()})\n\n`;
  if (explained.unavailable) {
    log(`[catalog] no plans: ${explained.unavailable}`);
    await fs.appendFile(planFile, `${heading}No plans: ${explained.unavailable}\n\n`);
    return;
  }
  const shown = new Map();
  const sections = explained.plans.map(({ label, statements }) => {
    const parts = statements.map((s) => {
      const key = `${s.query}\n${shapeOf(s.plan)}`;
      const title = `${s.ms.toFixed(3)} ms: \`${cut(s.query)}\``;
      if (shown.has(key)) return `- ${title}: the plan shown under ${shown.get(key)}`;
      shown.set(key, label);
      return `- ${title}\n\n${s.plan
        .split('\n')
        .map((l) => `      ${cut(l)}`)
        .join('\n')}\n`;
    });
    return [`### ${label}`, ...parts].join('\n\n');
  });
  await fs.appendFile(planFile, `${heading}${sections.join('\n\n')}\n\n`);
  log(`[catalog] ${size.toLocaleString('en')} assets: plans of ${explained.plans.map((p) => `${p.label} (${p.statements.length})`).join(', ')} → ${planFile}`);
}

async function measure(size) {
  const database = await freshDatabase(process.env.DATABASE_URL, 'catalog');
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-bench-catalog-'));
  let service;
  try {
    // Only the API's sessions load auto_explain (when plans are asked for); the worker's never log a plan.
    const apiUrl = planFile ? explainedUrl(database.url) : database.url;
    service = await startService(work, { DATABASE_URL: apiUrl }, { workers: [{ name: 'worker', env: { DATABASE_URL: database.url } }] });
    const own = (await service.call('getCompanyInfo', { companyHandle: service.companyHandle })).companyInfo;
    const companies = [own];
    for (let c = 1; c < COMPANIES; c++) companies.push((await service.call('addCompany', { companyName: `Catalog ${c}` })).companyInfo);
    const started = Date.now();
    const added = await loadCatalog(database.url, companies, size);
    log(
      `[catalog] ${size.toLocaleString('en')} assets loaded in ${((Date.now() - started) / 1000).toFixed(1)} s: ${Object.entries(added)
        .map(([part, n]) => `${n.toLocaleString('en')} ${part}`)
        .join(', ')}`,
    );

    const ops = operations(size, service.companyHandle, own.rootPath);
    const results = {};
    for (const op of ops) results[op.operation] = await time(service, op);
    for (const [op, r] of Object.entries(results))
      log(`[catalog] ${size.toLocaleString('en')} assets  ${op.padEnd(17)} p50 ${r.p50.toFixed(1)} ms, p95 ${r.p95.toFixed(1)} ms`);
    if (planFile) await writePlans(database.url, size, service, ops);
    return results;
  } finally {
    await service?.stop();
    await database.drop();
    await fs.rm(work, { recursive: true, force: true });
  }
}

if (!process.env.DATABASE_URL?.startsWith('postgres')) throw new Error('DATABASE_URL must name a PostgreSQL server (bench/catalog.sh starts one)');
if (planFile) await fs.writeFile(planFile, '');
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
