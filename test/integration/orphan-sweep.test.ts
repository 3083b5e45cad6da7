import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, basic, companyWithUser, startHarness } from '../support/harness.js';
import { makeJpeg, makePng, uploadPost } from '../support/fixtures.js';

/**
 * The orphan-object sweep on the real service: files uploaded through the
 * UploadFile servlet are referenced by their rows and stay; objects planted
 * without a row go (dry run: only reported); rejected/, folders that are not
 * the service's and objects inside the grace period stay. On local disk the
 * planted objects are made old with utimes; S3 sets LastModified itself, so
 * there the sweep runs with grace 0. Runs on SQLite and PostgreSQL, each on
 * local disk and (TEST_S3_ENDPOINT set, as in scripts/test.sh) on SeaweedFS.
 */

const DAY_MS = 24 * 60 * 60 * 1000;
const backends = [{ name: 'local disk', s3: false }, ...(process.env.TEST_S3_ENDPOINT ? [{ name: 'S3 (SeaweedFS)', s3: true }] : [])];

for (const backend of backends) {
  describe(`orphan-object sweep (${process.env.IPS_TEST_DB}, ${backend.name})`, () => {
    let h: Harness;
    let dir: string;
    let referenced: string[];
    const planted = {
      orphans: [
        'originals/c_ghost/a_ghost/item1/lost.jpg',
        'optimized/c_ghost/a_ghost/item1.ptif',
        'staging/post-crashed/0',
        'published/c_ghost/a_ghost/abc.tif',
      ],
      /** past its URL's expiry (24 h) and the grace: only local disk can make one that old */
      oldExport: 'exports/c_ghost/j_ghost/archive.zip',
      kept: ['rejected/c_ghost/item9/refused.jpg', 'not-ours/notes.txt'],
      /** written just now: inside the grace period (local disk only; S3 runs with grace 0) */
      young: 'originals/c_ghost/a_young/item2/new.jpg',
    };
    const graceMs = backend.s3 ? 0 : DAY_MS;
    const exists = (key: string) => h.ctx.storage.exists(key);

    beforeAll(async () => {
      const before = process.env.IPS_TEST_STORAGE;
      if (backend.s3) process.env.IPS_TEST_STORAGE = 's3';
      try {
        h = await startHarness();
      } finally {
        if (before === undefined) delete process.env.IPS_TEST_STORAGE;
        else process.env.IPS_TEST_STORAGE = before;
      }
      dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-orphans-'));
      const acme = await companyWithUser(h, 'Acme', 'IpsUser');
      const up = await uploadPost(h.baseUrl, {
        params: { companyHandle: acme.companyHandle, jobName: 'sweep-seed', endJob: true },
        files: [{ path: await makeJpeg(path.join(dir, 'beach.jpg'), 400, 300) }, { path: await makePng(path.join(dir, 'logo.png'), 64, 64) }],
        authorization: basic(acme.who),
      });
      expect(up.status).toBe(200);
      await h.client.workflow.getHandle(up.body.jobHandle).result();
      const rows = await h.ctx.database.db.selectFrom('assets').select(['original_key', 'optimized_key', 'mask_key']).execute();
      referenced = rows.flatMap((r) => [r.original_key, r.optimized_key, r.mask_key]).filter((k): k is string => !!k);
      expect(referenced.length).toBeGreaterThanOrEqual(4);

      const put = (key: string) => h.ctx.storage.putStream(key, Readable.from([Buffer.from(`planted ${key}`)]));
      for (const key of [...planted.orphans, planted.oldExport, ...planted.kept, ...youngOnes()]) await put(key);
      if (!backend.s3) {
        const root = h.ctx.config.storage.root;
        const old = new Date(Date.now() - 3 * DAY_MS);
        for (const key of [...planted.orphans, planted.oldExport, ...planted.kept, ...referenced]) await fs.utimes(path.join(root, key), old, old);
      }
    });

    afterAll(async () => {
      await h?.close();
      if (dir) await fs.rm(dir, { recursive: true, force: true });
    });

    /** What this backend's sweep must take: on S3 the export archive is still inside its URL's lifetime (LastModified is now). */
    const youngOnes = () => (backend.s3 ? [] : [planted.young]);
    const expectedOrphans = () => [...planted.orphans, ...(backend.s3 ? [] : [planted.oldExport])].sort();

    it('a dry run reports the orphans, with their sizes, and removes nothing', async () => {
      const report = await h.ctx.services.orphanSweep.sweep({ dryRun: true, graceMs });
      expect(report.dryRun).toBe(true);
      expect(report.orphans.map((o) => o.key)).toEqual(expectedOrphans());
      expect(report.orphans.every((o) => o.size === `planted ${o.key}`.length)).toBe(true);
      expect(report.orphanBytes).toBe(report.orphans.reduce((sum, o) => sum + o.size, 0));
      expect(report.scanned).toBeGreaterThanOrEqual(referenced.length + expectedOrphans().length);
      for (const key of [...expectedOrphans(), ...referenced]) expect(await exists(key), key).toBe(true);
    });

    it('the sweep-orphans command (dist/src/main.js) runs the same dry run with the service settings', async () => {
      const config = h.ctx.config;
      const db = config.database;
      const storage = config.storage;
      const env: Record<string, string> = {
        PATH: process.env.PATH ?? '',
        DATA_DIR: config.dataDir,
        DATABASE_URL: db.kind === 'sqlite' ? `sqlite:${db.file}` : db.url,
        LOG_LEVEL: 'silent',
        STORAGE_DRIVER: storage.driver,
        STORAGE_ROOT: storage.root,
        ...(storage.driver === 's3'
          ? {
              S3_BUCKET: storage.s3.bucket,
              S3_ENDPOINT: storage.s3.endpoint ?? '',
              S3_REGION: storage.s3.region,
              AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? '',
              AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? '',
            }
          : {}),
      };
      const run = promisify(execFile);
      const args = ['dist/src/main.js', 'sweep-orphans', '--dry-run', '--grace-hours', String(graceMs / 3_600_000)];
      const { stdout } = await run(process.execPath, args, { env, cwd: process.cwd() });
      const lines = stdout.trim().split('\n');
      expect(lines.slice(0, -1)).toEqual(expectedOrphans().map((key) => `would remove ${key} (${`planted ${key}`.length} bytes)`));
      expect(lines.at(-1)).toMatch(
        new RegExp(`^orphan sweep \\(dry run, nothing removed\\): \\d+ objects scanned, ${expectedOrphans().length} orphans of \\d+ bytes found`),
      );
      for (const key of expectedOrphans()) expect(await exists(key), key).toBe(true);

      const refused = await run(process.execPath, ['dist/src/main.js', 'sweep-orphans', '--grace-hours', '-1'], { env }).catch(
        (err: { code: number; stdout: string }) => err,
      );
      expect(refused).toMatchObject({ code: 2, stdout: expect.stringContaining('usage: main.js sweep-orphans') });
    });

    it('removes the orphans and keeps every referenced object, rejected/, folders not its own and young objects', async () => {
      const report = await h.ctx.services.orphanSweep.sweep({ dryRun: false, graceMs });
      expect(report.orphans.map((o) => o.key)).toEqual(expectedOrphans());
      for (const key of expectedOrphans()) expect(await exists(key), key).toBe(false);
      for (const key of [...referenced, ...planted.kept, ...youngOnes()]) expect(await exists(key), key).toBe(true);
      if (backend.s3) expect(await exists(planted.oldExport)).toBe(true);

      // The assets still serve: their originals and derivatives were all kept.
      expect((await h.ctx.services.orphanSweep.sweep({ dryRun: true, graceMs })).orphans).toEqual([]);
    });

    it('takes the files a purge interrupted by a crash left behind: an asset emptied from the trash references nothing', async () => {
      const asset = await h.ctx.database.db.selectFrom('assets').select(['asset_handle', 'original_key']).executeTakeFirstOrThrow();
      // What purgeAsset's first step leaves when the process dies before it removed the files.
      await h.ctx.database.db
        .updateTable('assets')
        .set({ trash_state: 'InEmptiedTrash', optimized_key: null, mask_key: null })
        .where('asset_handle', '=', asset.asset_handle)
        .execute();
      if (!backend.s3)
        await fs.utimes(path.join(h.ctx.config.storage.root, asset.original_key), new Date(Date.now() - 3 * DAY_MS), new Date(Date.now() - 3 * DAY_MS));
      const report = await h.ctx.services.orphanSweep.sweep({ dryRun: false, graceMs });
      expect(report.orphans.map((o) => o.key)).toContain(asset.original_key);
      expect(await exists(asset.original_key)).toBe(false);
      const others = await h.ctx.database.db.selectFrom('assets').select('original_key').where('asset_handle', '!=', asset.asset_handle).execute();
      for (const { original_key } of others) expect(await exists(original_key), original_key).toBe(true);
    });

    it('keeps an object a row starts to reference while the sweep runs (looked up again just before the delete)', async () => {
      const key = 'optimized/c_ghost/a_late/item3.ptif';
      await h.ctx.storage.putStream(key, Readable.from([Buffer.from('late')]));
      if (!backend.s3) await fs.utimes(path.join(h.ctx.config.storage.root, key), new Date(Date.now() - 3 * DAY_MS), new Date(Date.now() - 3 * DAY_MS));
      const references = h.ctx.services.orphanSweep['deps'].storageReferences;
      const all = references.all.bind(references);
      // The row lands after the sweep read the references, before it deletes.
      references.all = async function* () {
        yield* all();
        const asset = await h.ctx.database.db.selectFrom('assets').select('asset_handle').where('trash_state', '=', 'NotInTrash').executeTakeFirstOrThrow();
        await h.ctx.database.db.updateTable('assets').set({ mask_key: key }).where('asset_handle', '=', asset.asset_handle).execute();
      };
      try {
        const report = await h.ctx.services.orphanSweep.sweep({ dryRun: false, graceMs });
        expect(report.orphans).toEqual([]);
        expect(await exists(key)).toBe(true);
      } finally {
        references.all = all;
      }
    });
  });
}
