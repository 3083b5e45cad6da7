import { MockActivityEnvironment } from '@temporalio/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { processBatch } from '../../activities/batch.js';
import { HEARTBEAT_EVERY_MS, itemInFlight } from '../../activities/heartbeat.js';

describe('itemInFlight', () => {
  it('names an asset reference by its name and handle, with its place in the batch', () => {
    expect(itemInFlight({ assetHandle: 'a|42', name: 'photo-0007.jpg' }, 3, 25)).toEqual({ item: 'photo-0007.jpg', assetHandle: 'a|42', position: 3, of: 25 });
  });

  it('names an uploaded file by its file name', () => {
    const upload = { itemId: 'i1', assetHandle: 'a|9', stagingKey: 'staging/x', fileName: 'beach.jpg', folder: 'acme/', size: 10 };
    expect(itemInFlight(upload, 1, 1)).toEqual({ item: 'beach.jpg', assetHandle: 'a|9', position: 1, of: 1 });
  });

  it('shows a source URL without its query, where signed URLs carry their token', () => {
    const url = { assetHandle: 'j-u0', name: 'https://cdn.example.com/a/b.jpg?X-Amz-Signature=secret&X-Amz-Credential=key', index: 0 };
    const details = itemInFlight(url, 1, 2);
    expect(details.item).toBe('https://cdn.example.com/a/b.jpg?[redacted]');
    expect(JSON.stringify(details)).not.toContain('secret');
  });

  it('shows a handle once when the job names its items by handle (reprocess, export)', () => {
    expect(itemInFlight({ assetHandle: 'a|42', name: 'a|42' }, 2, 2)).toEqual({ assetHandle: 'a|42', position: 2, of: 2 });
  });

  it('gives only the position for a job-wide item with no name', () => {
    expect(itemInFlight({ includeAll: true }, 1, 1)).toEqual({ position: 1, of: 1 });
    expect(itemInFlight(true, 1, 1)).toEqual({ position: 1, of: 1 });
    expect(itemInFlight({ name: '', assetHandle: 7 }, 2, 2)).toEqual({ position: 2, of: 2 });
  });
});

describe('processBatch heartbeats', () => {
  afterEach(() => vi.useRealTimers());

  it('name the item in flight in every heartbeat, the next item as soon as it starts', async () => {
    vi.useFakeTimers();
    const env = new MockActivityEnvironment();
    const beats: unknown[] = [];
    env.on('heartbeat', (d: unknown) => beats.push(d));
    const release = new Map<string, () => void>();
    const items = [
      { assetHandle: 'a|1', name: 'one.jpg' },
      { assetHandle: 'a|2', name: 'two.jpg' },
    ];
    const running = env.run(() => processBatch(items, (item) => new Promise<string>((resolve) => release.set(item.name, () => resolve(`${item.name} done`)))));
    const one = { item: 'one.jpg', assetHandle: 'a|1', position: 1, of: 2 };
    const two = { item: 'two.jpg', assetHandle: 'a|2', position: 2, of: 2 };
    await vi.advanceTimersByTimeAsync(0);
    // The activity's first beat (liveness, before any item), then the first item's.
    expect(beats).toEqual([undefined, one]);
    await vi.advanceTimersByTimeAsync(HEARTBEAT_EVERY_MS * 2);
    expect(beats.slice(2)).toEqual([one, one]);

    release.get('one.jpg')!();
    await vi.advanceTimersByTimeAsync(0);
    expect(beats.at(-1)).toEqual(two);
    const before = beats.length;
    await vi.advanceTimersByTimeAsync(HEARTBEAT_EVERY_MS);
    expect(beats.slice(before)).toEqual([two]);

    release.get('two.jpg')!();
    expect(await running).toEqual(['one.jpg done', 'two.jpg done']);
  });
});
