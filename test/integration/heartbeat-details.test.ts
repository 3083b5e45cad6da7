import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { defaultPayloadConverter } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StorageDriver } from '../../src/adapters/storage/storage.driver.js';
import { keyPart } from '../../src/services/assets/storage-keys.js';
import { type Harness, companyWithUser, seedAssets, startHarness } from '../support/harness.js';
import { makeJpeg } from '../support/fixtures.js';
import { waitUntil } from '../support/wait.js';

/** Holds the reprocessed pyramid's put of one chosen asset until released: that asset's item stays in flight meanwhile. */
class HeldPut {
  private held: string | undefined;
  private releaseHeld: () => void = () => undefined;
  private released: Promise<void> = Promise.resolve();

  hold(assetHandle: string): void {
    this.held = `/${keyPart(assetHandle)}/rp-`;
    this.released = new Promise((resolve) => (this.releaseHeld = resolve));
  }

  release(): void {
    this.held = undefined;
    this.releaseHeld();
  }

  wrap(storage: StorageDriver): StorageDriver {
    return new Proxy(storage, {
      get: (target, prop) => {
        if (prop === 'putFile')
          return async (key: string, localPath: string, opts?: { readOnly?: boolean }) => {
            if (this.held && key.includes(this.held)) await this.released;
            return target.putFile(key, localPath, opts);
          };
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
  }
}

/**
 * Items run in batches, several assets to one activity (bench/README.md, "Per-asset
 * activities vs batches"), so the activity's heartbeats name the asset at hand: the
 * Temporal Web UI shows a pending activity's last heartbeat details, read here the way it
 * reads them, from the workflow's description on the real dev server.
 */
describe(`a batch activity's heartbeat names the asset in flight (${process.env.IPS_TEST_DB})`, () => {
  const put = new HeldPut();
  let h: Harness;
  let dir: string;

  beforeAll(async () => {
    // One lane: five assets go out as batches of two (batchSize: four batches per lane).
    h = await startHarness({ JOB_LANES: '1' }, { storageWrapper: (storage) => put.wrap(storage) });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-heartbeat-details-'));
  });

  afterAll(async () => {
    put.release();
    await h?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('describe shows the second asset of the first batch while it runs (reprocess items are known by their handles)', async () => {
    const acme = await companyWithUser(h, 'Acme', 'IpsUser');
    const names = ['p1', 'p2', 'p3', 'p4', 'p5'];
    const files = await Promise.all(names.map(async (name) => ({ path: await makeJpeg(path.join(dir, `${name}.jpg`), 320, 240) })));
    const handles = await seedAssets(h, acme, files);
    const order = names.map((n) => handles[n]!);
    put.hold(order[1]!);

    const r = await h.api(
      'submitJob',
      { companyHandle: acme.companyHandle, jobName: 'hb', reprocessAssetsJob: { assetHandleArray: order, createMask: false, emailSetting: 'None' } },
      acme.who,
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const job = h.client.workflow.getHandle(r.body.jobHandle as string);

    const pending = await waitUntil("the pending activity to name p2's handle", async () => {
      const { raw } = await job.describe();
      const activities = (raw.pendingActivities ?? []).map((a) => ({
        type: a.activityType?.name,
        details: (a.heartbeatDetails?.payloads ?? []).map((p) => defaultPayloadConverter.fromPayload(p)),
      }));
      return activities.some((a) => (a.details[0] as { assetHandle?: string } | undefined)?.assetHandle === order[1]) && activities;
    });
    expect(pending).toEqual([{ type: 'reprocessAssets', details: [{ assetHandle: order[1], position: 2, of: 2 }] }]);

    put.release();
    expect(await job.result()).toMatchObject({ outcome: 'done', total: 5, processed: 5, errors: 0 });
  });
});
