import fsSync from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, companyWithUser, seedAssets, startHarness } from '../support/harness.js';
import { makeJpeg } from '../support/fixtures.js';
import { lifecycleJobs } from '../support/lifecycle-jobs.js';
import { keyPart } from '../../src/services/assets/storage-keys.js';
import { publishedKey } from '../../src/services/publish/is-publish.service.js';

/**
 * The trash, moves and renames against publishes and exports in flight
 * (docs/assets.md#interplay-with-jobs): a publish or export lists its assets
 * first and handles each later, so each item here is run directly, after the
 * asset changed since it was listed (or while the item runs, through the
 * progress hook), which is the race every time rather than by luck. Each
 * item gets its own result; none crashes the job or brings an asset back.
 */
describe(`publishes and exports meeting the trash, moves and renames (${process.env.IPS_TEST_DB})`, () => {
  let h: Harness;
  let dir: string;
  let acme: Awaited<ReturnType<typeof companyWithUser>>;
  let handles: Record<string, string>;
  let root: string;

  const { row, directJob, at, trash, reprocessOptions } = lifecycleJobs({ h: () => h, acme: () => acme });
  const call = (operation: string, body: Record<string, unknown>) => h.api(operation, { companyHandle: acme.companyHandle, ...body }, acme.who);
  const ref = (name: string) => ({ assetHandle: handles[name]!, name });
  const is = (name: string) => fetch(`${h.baseUrl}/is/image/Acme/${name}`);
  const empty = (handle: string) => async () => {
    await trash(handle)();
    const r = await call('emptyAssetsFromTrash', { assetHandleArray: [handle] });
    expect(r.body).toMatchObject({ successCount: 1 });
  };
  const exportOptions = { fmt: 'orig' as const, emailSetting: 'None' as const };
  const logRows = async (jobHandle: string) =>
    h.ctx.database.db.selectFrom('job_log_details').select(['log_type', 'message_args', 'asset_handle']).where('job_handle', '=', jobHandle).execute();

  /**
   * Trashes the asset (through the API, awaited) the first time the storage
   * driver's `method` is called for one of its keys, then lets the call
   * proceed; returns the function that puts the driver back.
   */
  const trashDuring = (method: 'copy' | 'read', assetHandle: string) => {
    const storage = h.ctx.storage as unknown as Record<string, (...args: unknown[]) => unknown>;
    const original = storage[method]!;
    const part = keyPart(assetHandle);
    let done = false;
    if (method === 'copy') {
      storage.copy = async (...args: unknown[]) => {
        if (!done && String(args[1]).includes(part)) {
          done = true;
          await trash(assetHandle)();
        }
        return original.apply(h.ctx.storage, args);
      };
    } else {
      // read is synchronous (a stream): the trash is awaited before the stream's first byte.
      storage.read = (...args: unknown[]) => {
        if (done || !String(args[0]).includes(part)) return original.apply(h.ctx.storage, args);
        done = true;
        const trashed = trash(assetHandle)();
        return Readable.from(
          (async function* () {
            await trashed;
            yield* original.apply(h.ctx.storage, args) as Readable;
          })(),
        );
      };
    }
    return () => {
      storage[method] = original;
    };
  };

  beforeAll(async () => {
    h = await startHarness();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-interplay-'));
    acme = await companyWithUser(h, 'Acme', 'IpsUser');
    root = (await h.ctx.repositories.companies.findByHandle(acme.companyHandle))!.root_path;
    const names = ['pubTrash', 'pubRename', 'dirMove', 'pubRace', 'dirRace', 'expTrash', 'expRename', 'expMove', 'expEmpty', 'pubEmpty', 'reEmpty'];
    handles = await seedAssets(h, acme, await Promise.all(names.map(async (n) => ({ path: await makeJpeg(path.join(dir, `${n}.jpg`), 320, 240) }))));
    expect((await call('createFolder', { folderPath: 'Moved' })).status).toBe(200);
  }, 120_000);

  afterAll(async () => {
    await h?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  describe('an asset trashed, moved or renamed after its job listed it', () => {
    it('an Image Serving publish item of a trashed asset publishes nothing and leaves it in the trash', async () => {
      await trash(handles.pubTrash!)();
      const job = directJob('pub-trash', 'ImageServingPublish');
      const result = await h.ctx.services.isPublish.publish(job, ref('pubTrash'));
      expect(result).toMatchObject({ status: 'success', assetHandle: handles.pubTrash });
      // Its log row says why: the trash, not a lost publish mark.
      const said = await h.ctx.database.db.selectFrom('job_log_details').select('message_key').where('job_handle', '=', job.jobHandle).execute();
      expect(said.map((d) => d.message_key)).toEqual(['isNotPublishedTrashed']);
      expect(await h.ctx.repositories.isPublications.findByAsset(acme.companyHandle, handles.pubTrash!)).toBeUndefined();
      expect((await is('pubTrash')).status).toBe(404);
      expect((await row(handles.pubTrash!)).trash_state).toBe('InTrash');
    });

    it('an Image Serving publish item of a renamed asset publishes it under its new name', async () => {
      expect((await call('renameAsset', { assetHandle: handles.pubRename, newName: 'pubRenamed', validateName: true })).status).toBe(200);
      const job = directJob('pub-rename', 'ImageServingPublish');
      expect(await h.ctx.services.isPublish.publish(job, ref('pubRename'))).toMatchObject({ status: 'success' });
      expect((await h.ctx.repositories.isPublications.findByAsset(acme.companyHandle, handles.pubRename!))!.name).toBe('pubRenamed');
      expect([(await is('pubRenamed')).status, (await is('pubRename')).status]).toEqual([200, 404]);
      // The log row names the asset as it is published.
      expect((await logRows(job.jobHandle)).map((d) => JSON.parse(d.message_args).path)).toEqual(['pubRenamed']);
    });

    it('a server-directory publish item of a moved asset writes its files under the new folder', async () => {
      expect((await call('moveAsset', { assetHandle: handles.dirMove, folderHandle: `f|${root}Moved/` })).status).toBe(200);
      const result = await h.ctx.services.contextPublish.publish(directJob('dir-move', 'ServerDirectoryPublish'), 'ServerDirectory', ref('dirMove'));
      expect(result).toMatchObject({ status: 'success' });
      const published = await h.ctx.repositories.contextPublications.find(acme.companyHandle, 'ServerDirectory', handles.dirMove!);
      expect(JSON.parse(published!.files_json!)).toEqual(['Acme/Moved/dirMove.jpg', 'Acme/Moved/dirMove.ptif']);
      await expect(fs.stat(path.join(h.ctx.config.serverPublishRoot, 'Acme/Moved/dirMove.jpg'))).resolves.toBeTruthy();
    });

    it('an Image Serving publish item whose asset is trashed before its record commits serves nothing', async () => {
      // The trash lands while the item links the published copy, after it read the asset as live.
      const restore = trashDuring('copy', handles.pubRace!);
      let result;
      try {
        result = await h.ctx.services.isPublish.publish(directJob('pub-race', 'ImageServingPublish'), ref('pubRace'));
      } finally {
        restore();
      }
      expect(result).toMatchObject({ status: 'success' });
      expect(await h.ctx.repositories.isPublications.findByAsset(acme.companyHandle, handles.pubRace!)).toBeUndefined();
      expect((await is('pubRace')).status).toBe(404);
      expect((await row(handles.pubRace!)).trash_state).toBe('InTrash');
      // The copy it linked went with the refused record.
      const source = (await row(handles.pubRace!)).optimized_key!;
      expect(await h.ctx.storage.exists(publishedKey(acme.companyHandle, handles.pubRace!, source))).toBe(false);
    });

    it('a server-directory publish item whose asset is trashed while it writes the files leaves none behind', async () => {
      const restore = trashDuring('read', handles.dirRace!);
      let result;
      try {
        result = await h.ctx.services.contextPublish.publish(directJob('dir-race', 'ServerDirectoryPublish'), 'ServerDirectory', ref('dirRace'));
      } finally {
        restore();
      }
      expect(result).toMatchObject({ status: 'success' });
      expect(await h.ctx.repositories.contextPublications.find(acme.companyHandle, 'ServerDirectory', handles.dirRace!)).toBeUndefined();
      await expect(fs.stat(path.join(h.ctx.config.serverPublishRoot, 'Acme/dirRace.jpg'))).rejects.toThrow();
      expect((await row(handles.dirRace!)).trash_state).toBe('InTrash');
    });

    it('an export item of a trashed asset fails alone; renamed and moved assets are exported as they are now', async () => {
      const job = directJob('exp', 'Export');
      await trash(handles.expTrash!)();
      expect((await call('renameAsset', { assetHandle: handles.expRename, newName: 'expRenamed', validateName: true })).status).toBe(200);
      expect((await call('moveAsset', { assetHandle: handles.expMove, folderHandle: `f|${root}Moved/` })).status).toBe(200);
      expect(await h.ctx.services.exports.stage(job, exportOptions, ref('expTrash'))).toMatchObject({
        status: 'error',
        reason: `no asset with handle '${handles.expTrash}' in this company`,
      });
      expect(await h.ctx.services.exports.stage(job, exportOptions, ref('expRename'))).toMatchObject({ status: 'success' });
      expect(await h.ctx.services.exports.stage(job, exportOptions, ref('expMove'))).toMatchObject({ status: 'success' });
      const archive = await h.ctx.services.exportArchives.build(job, [handles.expTrash!, handles.expRename!, handles.expMove!]);
      expect(archive.entries).toBe(2);
      const exported = (await logRows(job.jobHandle)).filter((d) => d.log_type === 'ExportJobRenderFileSuccess').map((d) => JSON.parse(d.message_args).entry);
      expect(exported.sort()).toEqual(['expMove.jpg', 'expRenamed.jpg']);
      expect((await row(handles.expTrash!)).trash_state).toBe('InTrash');
    });
  });

  describe('emptying the trash does not wait for running jobs', () => {
    it('a reprocess item whose original is purged while it reads it fails alone with a documented reason; the asset stays emptied', async () => {
      // The purge's file removal lands exactly as the item starts reading (the hook is synchronous); its catalog change follows.
      const original = await h.ctx.storage.localPath((await row(handles.reEmpty!)).original_key);
      const hook = at('reading', () => {
        fsSync.rmSync(original);
        return empty(handles.reEmpty!)();
      });
      const result = await h.ctx.services.reprocess.reprocess(directJob('re-empty'), reprocessOptions(), ref('reEmpty'), undefined, hook.progress);
      await hook.settled();
      expect(result.status).toBe('error');
      // The reasons docs/assets.md documents, never a tool's message naming a path on the server.
      expect([
        'the asset was moved to the trash while the job ran',
        `no asset with handle '${handles.reEmpty}' in this company`,
        'the original file is missing from storage',
      ]).toContain(result.reason);
      expect((await row(handles.reEmpty!)).trash_state).toBe('InEmptiedTrash');
    });

    it('a publish item that reaches an emptied asset finds nothing to serve; what was served went with the purge', async () => {
      expect(await h.ctx.services.isPublish.publish(directJob('pub-first', 'ImageServingPublish'), ref('pubEmpty'))).toMatchObject({ status: 'success' });
      expect((await is('pubEmpty')).status).toBe(200);
      await empty(handles.pubEmpty!)();
      expect((await is('pubEmpty')).status).toBe(404);
      const result = await h.ctx.services.isPublish.publish(directJob('pub-emptied', 'ImageServingPublish'), ref('pubEmpty'));
      expect(result).toMatchObject({ status: 'success' });
      expect(await h.ctx.repositories.isPublications.findByAsset(acme.companyHandle, handles.pubEmpty!)).toBeUndefined();
      expect((await row(handles.pubEmpty!)).trash_state).toBe('InEmptiedTrash');
    });

    it('an export whose asset is emptied between its staging and its archive leaves that asset out, logged as an error; the others are archived', async () => {
      const job = directJob('exp-empty', 'Export');
      expect(await h.ctx.services.exports.stage(job, exportOptions, ref('expEmpty'))).toMatchObject({ status: 'success' });
      expect(await h.ctx.services.exports.stage(job, exportOptions, ref('expMove'))).toMatchObject({ status: 'success' });
      await empty(handles.expEmpty!)();
      const archive = await h.ctx.services.exportArchives.build(job, [handles.expEmpty!, handles.expMove!]);
      expect(archive.entries).toBe(1);
      const rows = await logRows(job.jobHandle);
      expect(rows.filter((d) => d.log_type === 'ExportJobRenderFileSuccess').map((d) => JSON.parse(d.message_args).entry)).toEqual(['expMove.jpg']);
      const refused = rows.find((d) => d.asset_handle === handles.expEmpty && d.log_type === 'ExportJobRenderFileError');
      expect(JSON.parse(refused!.message_args).reason).toMatch(/^left out of the archive: expEmpty\.jpg is missing from storage/);
      expect(await h.ctx.repositories.jobLogs.findItem(job.jobHandle, handles.expEmpty!)).toMatchObject({ status: 'error' });
    });
  });
});
