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
const image = (name, format, r, g, b) => ({ name, format, color: { r, g, b } });
/**
 * One field of each storage kind (text, number, date, fixed and free tags, boolean), each with a
 * value on every asset, set through each value form of MetadataUpdate.
 */
const FIELDS = [
  { name: 'FuzzNote', fieldType: 'String', defaultValue: 'none', update: { value: 'seeded note' } },
  { name: 'FuzzCount', fieldType: 'Int', update: { longVal: 42 } },
  { name: 'FuzzWeight', fieldType: 'Float', update: { doubleVal: 2.5 } },
  { name: 'FuzzDate', fieldType: 'Date', update: { dateVal: '2024-05-01T12:00:00Z' } },
  { name: 'FuzzSeason', fieldType: 'SingleFixedTag', initialTagValue: 'Fall', update: { value: 'Fall' } },
  { name: 'FuzzTags', fieldType: 'MultiTag', update: { addTagValueArray: { items: ['red', 'sale'] } } },
  { name: 'FuzzFlag', fieldType: 'Boolean', update: { boolVal: true } },
];
/**
 * Two pools: the operations that take things away for good or change their handles (purge,
 * delete, move or rename a folder, ...) get the spare one (scripts/fuzz-hooks.py), so the kept
 * pool stays there for every other operation however the run is ordered.
 */
const POOLS = {
  kept: {
    folders: ['photos', 'photos/summer', 'archive'],
    assetFolder: 'photos/summer',
    images: [
      image('fuzz-red.png', 'png', 200, 30, 30),
      image('fuzz-green.jpg', 'jpeg', 30, 180, 60),
      image('fuzz-blue.png', 'png', 20, 40, 210),
      image('fuzz-grey.jpg', 'jpeg', 128, 128, 128),
    ],
    fields: FIELDS,
    projects: ['Fuzz Project', 'Empty Fuzz Project'],
  },
  spare: {
    folders: ['spare', 'spare/old'],
    assetFolder: 'spare/old',
    images: [image('spare-a.png', 'png', 90, 90, 20), image('spare-b.jpg', 'jpeg', 20, 90, 90)],
    fields: [{ name: 'FuzzSpare', fieldType: 'String', update: { value: 'spare' } }],
    projects: ['Spare Project'],
  },
};

const served = await servedOperations();
const company = await call('addCompany', { companyName: COMPANY });
const companyHandle = company.companyInfo.companyHandle;
const user = await call('addUser', {
  firstName: 'Fuzz',
  lastName: 'User',
  email: 'fuzz-user@fuzzco.test',
  password: 'Fuzz-User-Pass-1',
  isValid: true,
  isIpsAdmin: false,
  membershipArray: { items: [{ companyHandle, role: 'IpsUser', isActive: true }] },
});
const seed = { companyHandle, userHandles: [user.userHandle] };
const withMetadata = skipUnless('createMetadataField', 'setAssetMetadata');
const withProjects = skipUnless('createProject', 'addProjectAssets');
for (const [name, pool] of Object.entries(POOLS)) seed[name] = await seedPool(name, pool);

await fs.writeFile(out, `${JSON.stringify(seed, null, 2)}\n`);
const count = (key) => seed.kept[key].length + seed.spare[key].length;
console.error(
  `[fuzz-seed] ${companyHandle}: ${count('folderHandles')} folders, ${count('assetHandles')} assets, ${count('fieldHandles')} metadata fields, ${count('projectHandles')} projects, ${count('jobHandles')} jobs -> ${out}`,
);

async function seedPool(name, pool) {
  const seeded = { folderHandles: [], fieldHandles: [], projectHandles: [] };
  for (const folderPath of pool.folders) seeded.folderHandles.push((await call('createFolder', { companyHandle, folderPath })).folderHandle);
  // Both spellings a caller may use: relative (`photos/summer`) and company-rooted (`FuzzCo/photos/summer/`).
  seeded.folderPaths = [...pool.folders, ...pool.folders.map((f) => `${company.companyInfo.rootPath}${f}/`)];

  const upload = await uploadImages(`fuzz-seed-${name}`, pool.assetFolder, pool.images);
  await waitForJob(upload.jobHandle);
  const found = await call('searchAssets', { companyHandle, folder: pool.assetFolder, includeSubfolders: true, recordsPerPage: 100 });
  seeded.assetHandles = (found.assetArray?.items ?? []).map((a) => a.assetHandle);
  if (seeded.assetHandles.length !== pool.images.length) {
    fail(`expected ${pool.images.length} uploaded assets in ${pool.assetFolder}, found ${seeded.assetHandles.length}: see the job log of ${upload.jobHandle}`);
  }

  if (withMetadata) {
    const updates = [];
    for (const field of pool.fields) {
      const { name: fieldName, fieldType, defaultValue, initialTagValue } = field;
      const created = await call('createMetadataField', { companyHandle, assetType: 'Asset', name: fieldName, fieldType, defaultValue, initialTagValue });
      seeded.fieldHandles.push(created.fieldHandle);
      updates.push({ fieldHandle: created.fieldHandle, ...field.update });
    }
    for (const assetHandle of seeded.assetHandles) await call('setAssetMetadata', { companyHandle, assetHandle, updateArray: { items: updates } });
  }

  if (withProjects) {
    for (const [i, projectName] of pool.projects.entries()) {
      const { projectHandle } = await call('createProject', { companyHandle, projectName });
      seeded.projectHandles.push(projectHandle);
      // The first project holds most of the pool's assets, the others stay empty.
      if (i > 0) continue;
      const assetHandleArray = { items: seeded.assetHandles.slice(0, Math.max(1, seeded.assetHandles.length - 1)) };
      const added = await call('addProjectAssets', { companyHandle, projectHandle, assetHandleArray });
      if (added.errorCount) fail(`addProjectAssets refused assets: ${JSON.stringify(added.errorDetailArray)}`);
    }
  }

  // A recurring job far in the future: pauseJob, resumeJob, executeJob and deleteJob find it waiting.
  const scheduled = await call('submitJob', {
    companyHandle,
    jobName: `fuzz-scheduled-${name}`,
    execSchedule: '0 0 3 1 1 ?',
    optimizeImagesJob: { emailSetting: 'None' },
  });
  seeded.jobHandles = [upload.jobHandle, scheduled.jobHandle];
  return seeded;
}

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

async function uploadImages(jobName, destFolder, images) {
  const form = new FormData();
  form.append('uploadParams', JSON.stringify({ companyHandle, jobName, destFolder, endJob: true }));
  for (const file of images) {
    const bytes = await sharp({ create: { width: 64, height: 48, channels: 3, background: file.color } })
      .toFormat(file.format)
      .toBuffer();
    form.append('file', new Blob([bytes]), file.name);
  }
  const res = await fetch(`${baseUrl}/scene7/UploadFile`, { method: 'POST', headers: { authorization }, body: form });
  const text = await res.text();
  if (res.status !== 200) fail(`UploadFile answered ${res.status}: ${text}`);
  return JSON.parse(text);
}

/** Waits until the job is no longer active and its log has an end date. */
async function waitForJob(jobHandle) {
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
