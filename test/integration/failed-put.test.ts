import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StorageDriver } from '../../src/adapters/storage/storage.driver.js';
import { type Harness, basic, companyWithUser, startHarness } from '../support/harness.js';
import { makeJpeg, uploadPost } from '../support/fixtures.js';

/**
 * A write to storage that fails must leave no catalog row pointing at
 * nothing: every job writes its objects first and commits the row after, so
 * a failed put fails the attempt before the row, and Temporal's retry writes
 * the same keys again. The service runs on a storage driver that refuses the
 * chosen puts a few times (an object store briefly refusing writes); while it
 * refuses, the catalog still has no row (upload) or the previous one (reprocess)
 * whose objects all exist; once the retry succeeds, the row's objects exist.
 */

/** Refuses puts of keys `refuse` picks, `times` times in all; `failed` settles at the first refusal. */
class RefusingPuts {
  private left = 0;
  private refuse: (key: string) => boolean = () => false;
  private notify: (key: string) => void = () => undefined;
  failed: Promise<string> = Promise.resolve('');

  arm(refuse: (key: string) => boolean, times: number): void {
    this.refuse = refuse;
    this.left = times;
    this.failed = new Promise((resolve) => (this.notify = resolve));
  }

  wrap(storage: StorageDriver): StorageDriver {
    const check = (key: string) => {
      if (this.left === 0 || !this.refuse(key)) return;
      this.left -= 1;
      this.notify(key);
      throw Object.assign(new Error(`injected: the object store refused the write of ${key}`), { code: 'EIO' });
    };
    return new Proxy(storage, {
      get(target, prop) {
        if (prop === 'putFile')
          return (key: string, localPath: string, opts?: { readOnly?: boolean }) => {
            check(key);
            return target.putFile(key, localPath, opts);
          };
        if (prop === 'putStream')
          return (key: string, source: Readable, opts?: { maxBytes?: number; readOnly?: boolean }) => {
            try {
              check(key);
            } catch (err) {
              source.destroy();
              throw err;
            }
            return target.putStream(key, source, opts);
          };
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
  }
}

describe(`a failed put leaves no catalog row pointing at nothing (${process.env.IPS_TEST_DB})`, () => {
  const puts = new RefusingPuts();
  let h: Harness;
  let dir: string;
  let acme: Awaited<ReturnType<typeof companyWithUser>>;

  /** Every key the company's asset rows name, and whether storage has it. */
  const rowKeys = async () => {
    const rows = await h.ctx.database.db
      .selectFrom('assets')
      .select(['asset_handle', 'original_key', 'optimized_key', 'mask_key'])
      .where('company_handle', '=', acme.companyHandle)
      .execute();
    const keys = rows.flatMap((r) => [r.original_key, r.optimized_key, r.mask_key]).filter((k): k is string => !!k);
    return { rows, missing: (await Promise.all(keys.map(async (k) => ((await h.ctx.storage.exists(k)) ? [] : [k])))).flat() };
  };

  /** Until Temporal reports the item activity's attempt failed with the injected error: that attempt has ended, the next not begun. */
  const attemptFailed = async (jobHandle: string) => {
    for (;;) {
      const { raw } = await h.client.workflow.getHandle(jobHandle).describe();
      const failed = (raw.pendingActivities ?? []).some((a) => a.lastFailure?.message?.includes('injected: the object store refused'));
      if (failed) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  beforeAll(async () => {
    h = await startHarness({}, { storageWrapper: (storage) => puts.wrap(storage) });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-failed-put-'));
    acme = await companyWithUser(h, 'Acme', 'IpsUser');
  });

  afterAll(async () => {
    await h?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('upload: the original refused three times: no asset row meanwhile, then the asset with all its objects', async () => {
    // The original is the last object an upload writes before its commit (derivatives first).
    puts.arm((key) => key.startsWith('originals/'), 3);
    const up = await uploadPost(h.baseUrl, {
      params: { companyHandle: acme.companyHandle, jobName: 'failed-put', endJob: true },
      files: [{ path: await makeJpeg(path.join(dir, 'beach.jpg'), 400, 300) }],
      authorization: basic(acme.who),
    });
    expect(up.status).toBe(200);
    expect(await puts.failed).toMatch(/^originals\//);
    await attemptFailed(up.body.jobHandle);
    expect((await rowKeys()).rows).toEqual([]);
    // Nor an item result naming an asset (the job's own bookkeeping rows, such as its begin, carry none).
    const items = await h.ctx.database.db.selectFrom('job_items').select(['item_id', 'asset_handle']).where('job_handle', '=', up.body.jobHandle).execute();
    expect(items.filter((i) => i.asset_handle !== null)).toEqual([]);

    const result = await h.client.workflow.getHandle(up.body.jobHandle).result();
    expect(result).toMatchObject({ total: 1, success: 1, error: 0 });
    const after = await rowKeys();
    expect(after.rows).toHaveLength(1);
    expect(after.rows[0]!.optimized_key).not.toBeNull();
    expect(after.missing).toEqual([]);
  });

  it('reprocess: the new pyramid refused twice: the row keeps the previous one, which exists; then the new one, which exists', async () => {
    const { rows } = await rowKeys();
    const before = rows[0]!;
    puts.arm((key) => key.startsWith('optimized/') && key.includes('/rp-'), 2);
    const r = await h.api(
      'submitJob',
      {
        companyHandle: acme.companyHandle,
        jobName: 'rp',
        reprocessAssetsJob: { assetHandleArray: [before.asset_handle], createMask: false, emailSetting: 'None' },
      },
      acme.who,
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(await puts.failed).toMatch(/\/rp-/);
    await attemptFailed(r.body.jobHandle);
    const meanwhile = await rowKeys();
    expect(meanwhile.rows[0]!.optimized_key).toBe(before.optimized_key);
    expect(meanwhile.missing).toEqual([]);

    await h.client.workflow.getHandle(r.body.jobHandle).result();
    const after = await rowKeys();
    expect(after.rows[0]!.optimized_key).toMatch(/\/rp-/);
    expect(after.missing).toEqual([]);
  });
});
