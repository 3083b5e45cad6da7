/**
 * SOAP vs JSON: what IPS's wire format costs over the JSON API for the same
 * operation, the same data and the same service, measured in one run.
 *
 *   getActiveJobs  10 active jobs: ReprocessAssetsJobs (10 assets each, manual
 *                  crop + unsharp mask) submitted with execTime a day ahead, so
 *                  they stay listed (state New, "Waiting until …") for the whole
 *                  run without depending on how fast the worker is, and no
 *                  progress query to the worker makes some calls dearer than
 *                  others;
 *   searchAssets   1,000 images (64×48 JPEGs uploaded through /scene7/UploadFile
 *                  in posts of 50, as bench/soak does) with recordsPerPage 1000.
 *
 * SOAP: SOAP 1.1 (`POST /scene7/services/IpsApiService`, text/xml, SOAPAction)
 * in the 2014-04-03 namespace, credentials in its authHeader (with the appName
 * and appVersion that version requires). JSON: `POST /api/<op>` with HTTP Basic.
 * Both as the same IpsUser, over one keep-alive connection, one call at a time,
 * no Accept-Encoding (neither reply is gzipped; the JSON API never is). A call
 * is timed from the request to the last byte of the reply (the client's parse
 * is not in it). SOAP and JSON calls alternate in a random order per pair, so
 * whatever the host does meanwhile hits both series alike; each operation is
 * warmed up first. Every reply is checked (HTTP 200; 1,000 assets or 10 jobs:
 * the `<items>` children of assetArray / jobArray in SOAP), so a fault cannot be
 * measured as a fast reply.
 *
 * Target: SOAP p95 ≤ 1.2 × JSON p95, for each operation.
 *
 *   npm run build && node bench/soap.mjs
 *
 * BENCH_SOAP_SAMPLES (default 300) calls per series, BENCH_SOAP_WARMUP (default
 * 50) unmeasured pairs per operation before them.
 */
import http from 'node:http';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { basic, cpuTimes, log, originals, startService, waitFor } from './lib/service.mjs';

const samples = Number(process.env.BENCH_SOAP_SAMPLES ?? 300);
const warmup = Number(process.env.BENCH_SOAP_WARMUP ?? 50);
const ASSETS = 1000;
const JOBS = 10;
const NS = 'http://www.scene7.com/IpsApi/xsd/2014-04-03';
const SOAP11 = 'http://schemas.xmlsoap.org/soap/envelope/';

function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const escapeXml = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

/** A SOAP 1.1 request: authHeader (2014-04-03 order: user, password, appName, appVersion) and `<op>Param` holding `fields` (already in the XSD's order). */
function envelope(who, operation, fields) {
  const children = Object.entries(fields)
    .map(([name, value]) => `<ips:${name}>${escapeXml(value)}</ips:${name}>`)
    .join('');
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<soapenv:Envelope xmlns:soapenv="${SOAP11}" xmlns:ips="${NS}">` +
    `<soapenv:Header><ips:authHeader><ips:user>${escapeXml(who.email)}</ips:user><ips:password>${escapeXml(who.password)}</ips:password>` +
    `<ips:appName>ips-bench</ips:appName><ips:appVersion>1.0</ips:appVersion></ips:authHeader></soapenv:Header>` +
    `<soapenv:Body><ips:${operation}Param>${children}</ips:${operation}Param></soapenv:Body>` +
    `</soapenv:Envelope>`
  );
}

/**
 * How many `items` elements are direct children of the first `<parent>` in an
 * XML reply (nested arrays, e.g. a job's assetHandleArray, are not counted).
 * A tag scanner is enough: the service escapes `<` and `>` in text and attributes.
 */
function itemsUnder(xml, parent) {
  const tag = /<(\/?)(?:[\w.-]+:)?([\w.-]+)[^>]*?(\/?)>/g;
  let depth = 0;
  let parentDepth = -1;
  let count = 0;
  for (let m = tag.exec(xml); m; m = tag.exec(xml)) {
    const [, closing, local, selfClosing] = m;
    if (closing) {
      depth--;
      if (depth === parentDepth) return count;
      continue;
    }
    if (parentDepth < 0 && local === parent) {
      if (selfClosing) return 0;
      parentDepth = depth;
    } else if (parentDepth >= 0 && depth === parentDepth + 1 && local === 'items') {
      count++;
    }
    if (!selfClosing) depth++;
  }
  return count;
}

/** One POST over `agent`; resolves with the status, the body and the milliseconds from the request to its last byte. */
function post(agent, url, headers, body) {
  return new Promise((resolve, reject) => {
    const payload = Buffer.from(body);
    const started = process.hrtime.bigint();
    const req = http.request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': payload.length } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks), ms: Number(process.hrtime.bigint() - started) / 1e6 }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/**
 * The two calls of one operation: `soap()` and `json()`, each checking its
 * reply (HTTP 200, `expected` entries under `arrayName`) and returning
 * { ms, bytes }.
 */
function calls(agent, base, who, operation, param, arrayName, expected) {
  const soapBody = envelope(who, operation, param);
  const jsonBody = JSON.stringify(param);
  const soapHeaders = { 'content-type': 'text/xml; charset=UTF-8', soapaction: `"${operation}"` };
  const jsonHeaders = { 'content-type': 'application/json', authorization: basic(who) };
  const fail = (format, r, what) => {
    throw new Error(`${operation} over ${format}: ${what} (HTTP ${r.status}): ${r.body.toString('utf8').slice(0, 400)}`);
  };
  return {
    async soap() {
      const r = await post(agent, `${base}/scene7/services/IpsApiService`, soapHeaders, soapBody);
      if (r.status !== 200) fail('SOAP', r, 'not 200');
      const found = itemsUnder(r.body.toString('utf8'), arrayName);
      if (found !== expected) fail('SOAP', r, `${found} <items> in ${arrayName}, expected ${expected}`);
      return { ms: r.ms, bytes: r.body.length };
    },
    async json() {
      const r = await post(agent, `${base}/api/${operation}`, jsonHeaders, jsonBody);
      if (r.status !== 200) fail('JSON', r, 'not 200');
      const found = JSON.parse(r.body.toString('utf8'))[arrayName]?.items?.length;
      if (found !== expected) fail('JSON', r, `${found} ${arrayName} items, expected ${expected}`);
      return { ms: r.ms, bytes: r.body.length };
    },
  };
}

/** Warm-up pairs, then `samples` pairs, SOAP and JSON in a random order in each pair. */
async function measure(pair) {
  for (let i = 0; i < warmup; i++) {
    await pair.soap();
    await pair.json();
  }
  const soap = [];
  const json = [];
  const soapBytes = new Set();
  const jsonBytes = new Set();
  for (let i = 0; i < samples; i++) {
    const order = Math.random() < 0.5 ? ['soap', 'json'] : ['json', 'soap'];
    for (const format of order) {
      const r = await pair[format]();
      (format === 'soap' ? soap : json).push(r.ms);
      (format === 'soap' ? soapBytes : jsonBytes).add(r.bytes);
    }
  }
  const stats = (ms, bytes) => {
    ms.sort((a, b) => a - b);
    return { p50: percentile(ms, 50), p95: percentile(ms, 95), bytes: [...bytes].sort((a, b) => a - b) };
  };
  return { soap: stats(soap, soapBytes), json: stats(json, jsonBytes) };
}

const signed = (ms) => `${ms < 0 ? '-' : '+'}${Math.abs(ms).toFixed(2)}`;

function report(operation, r) {
  const size = (s) => s.bytes.join('–');
  log(`[soap] ${operation}  SOAP: p50 ${r.soap.p50.toFixed(2)} ms, p95 ${r.soap.p95.toFixed(2)} ms, reply ${size(r.soap)} bytes`);
  log(`[soap] ${operation}  JSON: p50 ${r.json.p50.toFixed(2)} ms, p95 ${r.json.p95.toFixed(2)} ms, reply ${size(r.json)} bytes`);
  const p95 = r.soap.p95 / r.json.p95;
  log(
    `[soap] ${operation}  SOAP/JSON: p50 ${(r.soap.p50 / r.json.p50).toFixed(2)} (${signed(r.soap.p50 - r.json.p50)} ms), p95 ${p95.toFixed(2)} (${signed(r.soap.p95 - r.json.p95)} ms), size ${(r.soap.bytes.at(-1) / r.json.bytes.at(-1)).toFixed(2)}`,
  );
  return p95;
}

async function main() {
  log(`[soap] ${samples} calls per series after ${warmup} warm-up pairs, ${os.availableParallelism()} CPUs`);
  const files = await originals(ASSETS, { width: 64, height: 48 });
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-bench-soap-'));
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  let service;
  try {
    const seedStarted = Date.now();
    service = await startService(work);
    const { base, call, companyHandle, user, upload, finished } = service;
    const uploads = [];
    for (let i = 0; i < files.length; i += 50) uploads.push(await upload(files.slice(i, i + 50), `seed-${i}`));
    for (const job of uploads) await waitFor(`upload job ${job}`, () => finished(job), 10 * 60_000);
    const found = await call('searchAssets', { companyHandle, includeSubfolders: true, recordsPerPage: ASSETS }, user);
    const images = (found.assetArray?.items ?? []).map((a) => a.assetHandle);
    if (images.length !== ASSETS) throw new Error(`expected ${ASSETS} assets after the upload, found ${images.length}`);

    const tomorrow = new Date(Date.now() + 24 * 3600_000).toISOString();
    for (let j = 0; j < JOBS; j++) {
      await call(
        'submitJob',
        {
          companyHandle,
          jobName: `soap-bench-${j}`,
          execTime: tomorrow,
          reprocessAssetsJob: {
            assetHandleArray: images.slice(j * 10, j * 10 + 10),
            createMask: false,
            emailSetting: 'None',
            manualCropOptions: { left: 4, right: 4, top: 3, bottom: 3 },
            unsharpMaskOptions: { amount: 1.2, radius: 1.0, threshold: 3, monochrome: 0 },
          },
        },
        user,
      );
    }
    log(`[soap] seeded ${ASSETS} assets and ${JOBS} delayed jobs in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s (service start included)`);

    const started = Date.now();
    const cpu0 = await cpuTimes();
    const active = await measure(calls(agent, base, user, 'getActiveJobs', { companyHandle }, 'jobArray', JOBS));
    const search = await measure(
      calls(agent, base, user, 'searchAssets', { companyHandle, includeSubfolders: true, recordsPerPage: ASSETS }, 'assetArray', ASSETS),
    );
    const cpu1 = await cpuTimes();
    // Other processes on the host widen both series alike (interleaved), but they widen the p95s: say how busy the machine was.
    log(
      `[soap] measured in ${((Date.now() - started) / 1000).toFixed(1)} s; machine busy ${(cpu1.busy - cpu0.busy).toFixed(1)} / idle ${(cpu1.idle - cpu0.idle).toFixed(1)} CPU-s, load average ${os.loadavg()[0].toFixed(1)}`,
    );

    const activeP95 = report(`getActiveJobs (${JOBS} jobs)    `, active);
    const searchP95 = report(`searchAssets (${ASSETS} assets)`, search);
    log('[soap] target: SOAP ≤ 1.2 × JSON at p95');
    log(`[soap]   getActiveJobs: ${activeP95.toFixed(2)} × JSON  ${activeP95 <= 1.2 ? 'PASS' : 'FAIL'}`);
    log(`[soap]   searchAssets:  ${searchP95.toFixed(2)} × JSON  ${searchP95 <= 1.2 ? 'PASS' : 'FAIL'}`);
  } finally {
    agent.destroy();
    await service?.stop();
    await fs.rm(work, { recursive: true, force: true });
  }
}

await main();
