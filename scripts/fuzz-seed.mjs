#!/usr/bin/env node
/**
 * Seeds a running service for scripts/fuzz-api, so the fuzz run reaches the
 * operations' logic instead of stopping at "company not found": a company with
 * a user, folders, uploaded images, metadata fields with values, a project
 * holding assets and a scheduled job. Writes the handles as JSON to `out`;
 * scripts/fuzz-hooks.py puts them into generated request bodies.
 *   FUZZ_URL=http://127.0.0.1:3000 FUZZ_ADMIN_EMAIL=… FUZZ_ADMIN_PASSWORD=… node scripts/fuzz-seed.mjs <out.json>
 * Every call goes through the public JSON API (POST /api/<operation>) and the
 * UploadFile servlet as the IpsAdmin, so the seed only needs the service itself
 * (no internet). Operations the service does not serve yet (not in
 * /api/docs-json) are skipped with a notice; any other refusal stops the seed.
 */
import fs from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import sharp from 'sharp';

const baseUrl = required('FUZZ_URL');
const authorization = `Basic ${Buffer.from(`${required('FUZZ_ADMIN_EMAIL')}:${required('FUZZ_ADMIN_PASSWORD')}`).toString('base64')}`;
const out = process.argv[2];
if (!out) fail('usage: node scripts/fuzz-seed.mjs <out.json>');

const COMPANY = 'FuzzCo';
const FOLDERS = ['photos', 'photos/summer', 'archive'];
const IMAGES = [
  { name: 'fuzz-red.png', color: { r: 200, g: 30, b: 30 }, format: 'png' },
  { name: 'fuzz-green.jpg', color: { r: 30, g: 180, b: 60 }, format: 'jpeg' },
  { name: 'fuzz-blue.png', color: { r: 20, g: 40, b: 210 }, format: 'png' },
  { name: 'fuzz-grey.jpg', color: { r: 128, g: 128, b: 128 }, format: 'jpeg' },
];
/** One field of each storage kind (text, number, date, fixed and free tags, boolean), each with a value on every asset. */
const FIELDS = [
  { name: 'FuzzNote', fieldType: 'String', defaultValue: 'none', update: { value: 'seeded note' } },
  { name: 'FuzzCount', fieldType: 'Int', update: { value: '42' } },
  { name: 'FuzzDate', fieldType: 'Date', update: { value: '2024-05-01T12:00:00Z' } },
  { name: 'FuzzSeason', fieldType: 'SingleFixedTag', initialTagValue: 'Fall', update: { value: 'Fall' } },
  { name: 'FuzzTags', fieldType: 'MultiTag', update: { addTagValueArray: { items: ['red', 'sale'] } } },
  { name: 'FuzzFlag', fieldType: 'Boolean', update: { value: 'true' } },
];

const served = await servedOperations();
const seed = {};

const company = await call('addCompany', { companyName: COMPANY });
const companyHandle = company.companyInfo.companyHandle;
seed.companyHandle = companyHandle;
const rootPath = company.companyInfo.rootPath;

const user = await call('addUser', {
  firstName: 'Fuzz',
  lastName: 'User',
  email: 'fuzz-user@fuzzco.test',
  password: 'Fuzz-User-Pass-1',
  isValid: true,
  isIpsAdmin: false,
  membershipArray: { items: [{ companyHandle, role: 'IpsUser', isActive: true }] },
});
seed.userHandles = [user.userHandle];

seed.folderHandles = [];
for (const folderPath of FOLDERS) seed.folderHandles.push((await call('createFolder', { companyHandle, folderPath })).folderHandle);
// Both spellings a caller may use: relative (`photos/summer`) and company-rooted (`FuzzCo/photos/summer/`).
seed.folderPaths = [...FOLDERS, ...FOLDERS.map((f) => `${rootPath}${f}/`)];

const upload = await uploadImages(companyHandle, 'photos/summer');
await waitForJob(companyHandle, upload.jobHandle);
const found = await call('searchAssets', { companyHandle, folder: 'photos/summer', includeSubfolders: true, recordsPerPage: 100 });
seed.assetHandles = (found.assetArray?.items ?? []).map((a) => a.assetHandle);
if (seed.assetHandles.length !== IMAGES.length)
  fail(`expected ${IMAGES.length} uploaded assets, found ${seed.assetHandles.length}: see the job log of ${upload.jobHandle}`);

seed.fieldHandles = [];
if (skipUnless('createMetadataField', 'setAssetMetadata')) {
  for (const field of FIELDS) {
    const { name, fieldType, defaultValue, initialTagValue } = field;
    const created = await call('createMetadataField', { companyHandle, assetType: 'Asset', name, fieldType, defaultValue, initialTagValue });
    seed.fieldHandles.push(created.fieldHandle);
    field.fieldHandle = created.fieldHandle;
  }
  for (const assetHandle of seed.assetHandles) {
    await call('setAssetMetadata', { companyHandle, assetHandle, updateArray: { items: FIELDS.map((f) => ({ fieldHandle: f.fieldHandle, ...f.update })) } });
  }
}

seed.projectHandles = [];
if (skipUnless('createProject', 'addProjectAssets')) {
  const project = await call('createProject', { companyHandle, projectName: 'Fuzz Project' });
  seed.projectHandles.push(project.projectHandle);
  const added = await call('addProjectAssets', {
    companyHandle,
    projectHandle: project.projectHandle,
    assetHandleArray: { items: seed.assetHandles.slice(0, 3) },
  });
  if (added.errorCount) fail(`addProjectAssets refused assets: ${JSON.stringify(added.errorDetailArray)}`);
  await call('createProject', { companyHandle, projectName: 'Empty Fuzz Project' }).then((p) => seed.projectHandles.push(p.projectHandle));
}

// A recurring job far in the future: pauseJob, resumeJob, executeJob and deleteJob find it waiting.
const scheduled = await call('submitJob', {
  companyHandle,
  jobName: 'fuzz-scheduled',
  execSchedule: '0 0 3 1 1 ?',
  optimizeImagesJob: { emailSetting: 'None' },
});
seed.jobHandles = [upload.jobHandle, scheduled.jobHandle];

await fs.writeFile(out, `${JSON.stringify(seed, null, 2)}\n`);
console.error(
  `[fuzz-seed] ${companyHandle}: ${seed.folderHandles.length} folders, ${seed.assetHandles.length} assets, ${seed.fieldHandles.length} metadata fields, ${seed.projectHandles.length} projects, ${seed.jobHandles.length} jobs -> ${out}`,
);

function required(name) {
  const value = process.env[name];
  if (!value) fail(`${name} is not set`);
  return value;
}

function fail(message) {
  console.error(`[fuzz-seed] ${message}`);
  process.exit(1);
}

async function call(operation, body) {
  const res = await fetch(`${baseUrl}/api/${operation}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status !== 200) fail(`${operation} answered ${res.status}: ${text}`);
  return text ? JSON.parse(text) : {};
}

async function servedOperations() {
  const res = await fetch(`${baseUrl}/api/docs-json`);
  if (res.status !== 200) fail(`/api/docs-json answered ${res.status}`);
  const { paths } = await res.json();
  return new Set(Object.keys(paths).map((p) => p.replace(/^\/api\//, '')));
}

/** True when every operation is served; otherwise prints which are missing, so the run says what it did not seed. */
function skipUnless(...operations) {
  const missing = operations.filter((o) => !served.has(o));
  if (missing.length) console.error(`[fuzz-seed] notice: ${missing.join(', ')} not served; skipping that seed step`);
  return missing.length === 0;
}

async function uploadImages(companyHandle, destFolder) {
  const form = new FormData();
  form.append('uploadParams', JSON.stringify({ companyHandle, jobName: 'fuzz-seed', destFolder, endJob: true }));
  for (const image of IMAGES) {
    const bytes = await sharp({ create: { width: 64, height: 48, channels: 3, background: image.color } })
      .toFormat(image.format)
      .toBuffer();
    form.append('file', new Blob([bytes]), image.name);
  }
  const res = await fetch(`${baseUrl}/scene7/UploadFile`, { method: 'POST', headers: { authorization }, body: form });
  const text = await res.text();
  if (res.status !== 200) fail(`UploadFile answered ${res.status}: ${text}`);
  return JSON.parse(text);
}

/** Waits until the job is no longer active and its log has an end date. */
async function waitForJob(companyHandle, jobHandle) {
  for (let i = 0; i < 240; i++) {
    const active = await call('getActiveJobs', { companyHandle, jobHandle });
    if (!active.jobArray?.items?.length) {
      const logs = await call('getJobLogDetails', { companyHandle, jobHandle, recordsPerPage: 1 });
      const log = logs.jobLogArray?.items?.[0];
      if (log?.endDate) {
        if (log.fileErrorCount) fail(`the seed upload job ${jobHandle} had ${log.fileErrorCount} file errors`);
        return;
      }
    }
    await sleep(500);
  }
  fail(`the seed upload job ${jobHandle} did not end within 2 minutes`);
}
