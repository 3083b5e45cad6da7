import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { IsPublicationRepository } from '../../src/adapters/repositories/is-publication.repository.js';
import { LocalStorageDriver } from '../../src/adapters/storage/local-storage.driver.js';
import { IS_PUBLISH_SUB_TYPES, isFullPublish, publishedKind } from '../../src/domain/is-publish.js';
import { parseExportRequest } from '../../src/services/export/export-query.js';
import { IS_PUBLISH_PAGE, IsPublishService, publishedKey } from '../../src/services/publish/is-publish.service.js';
import { faultOf } from '../support/faults.js';

describe('Image Serving publish rules', () => {
  it('maps publish types to IPS jobSubType values', () => {
    expect(IS_PUBLISH_SUB_TYPES).toEqual({ Full: 'full', FullWithSearch: 'fullwithsearch', Incremental: 'increment' });
    expect([isFullPublish('Full'), isFullPublish('FullWithSearch'), isFullPublish('Incremental')]).toEqual([true, true, false]);
  });

  it('publishes optimised images, ICC profiles and set definitions, nothing else', () => {
    expect(publishedKind({ type: 'Image', optimized_key: 'optimized/c/a/1.ptif' })).toBe('image');
    expect(publishedKind({ type: 'Image', optimized_key: null })).toBeUndefined();
    expect(publishedKind({ type: 'IccProfile', optimized_key: null })).toBe('icc');
    expect(publishedKind({ type: 'ImageSet', optimized_key: null })).toBe('set');
    expect(publishedKind({ type: 'Catalog', optimized_key: null })).toBe('set');
    for (const type of ['Pdf', 'Font', 'Video', 'PsdTemplate']) expect(publishedKind({ type, optimized_key: null }), type).toBeUndefined();
  });

  it('gives each source version a stable published key of its own, under published/', () => {
    const a = publishedKey('c|acme', 'a|1', 'optimized/c_acme/a_1/item1.ptif');
    expect(a).toMatch(/^published\/c_acme\/a_1\/[0-9a-f]{24}\.ptif$/);
    expect(publishedKey('c|acme', 'a|1', 'optimized/c_acme/a_1/item1.ptif')).toBe(a);
    expect(publishedKey('c|acme', 'a|1', 'optimized/c_acme/a_1/item2.ptif')).not.toBe(a);
    expect(publishedKey('c|acme', 'a|1', 'masks/c_acme/a_1/item1.png')).toMatch(/\.png$/);
    expect(publishedKey('c|acme', 'a|1', 'originals/c_acme/a_1/x/profile')).toMatch(/\/[0-9a-f]{24}$/);
  });

  it('refuses req=props / req=exists in an export, naming the field that asked for it', () => {
    const macros = (n: string) => (n.toLowerCase() === 'info' ? 'req=exists' : undefined);
    const direct = faultOf(() => parseExportRequest('exportJob', { is_modifier: 'req=props' }, macros));
    expect(direct).toMatchObject({ code: 30001, field: 'exportJob.is_modifier' });
    expect(direct.reason).toBe("exportJob.is_modifier: req: value 'props' is not supported in an export (only req=img)");
    expect(faultOf(() => parseExportRequest('exportJob', { macro: '$info$' }, macros))).toMatchObject({ field: 'exportJob.macro' });
    expect(parseExportRequest('exportJob', { is_modifier: 'req=img&wid=5' }, macros)).toEqual({ wid: 5 });
  });
});

describe('IsPublishService paging', () => {
  /** A repository fake holding `candidates` and `removals` as sorted handle lists. */
  function service(candidates: string[], removals: string[]) {
    const page = (list: string[], after: string | null, limit: number) =>
      list
        .filter((h) => after === null || h > after)
        .slice(0, limit)
        .map((h) => ({ asset_handle: h, name: h }));
    const repo = {
      listCandidates: async (_c: string, _s: string, after: string | null, limit: number) => page(candidates, after, limit),
      listRemovals: async (_c: string, after: string | null, limit: number) => page(removals, after, limit),
    } as unknown as IsPublicationRepository;
    return new IsPublishService({
      storage: undefined as never,
      assets: undefined as never,
      imageFormats: undefined as never,
      ledger: undefined as never,
      isPublications: repo,
    });
  }
  const handles = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(4, '0')}`);

  /** Every page in order, as the workflow walks them. */
  async function walk(s: IsPublishService, type: 'Full' | 'Incremental') {
    const seen: string[] = [];
    const cursors: Array<string | null> = [];
    let cursor: string | null = null;
    do {
      const { items, next }: { items: Array<{ assetHandle: string }>; next: string | null } = await s.page('c|1', type, cursor);
      seen.push(...items.map((i) => i.assetHandle));
      cursors.push(next);
      cursor = next;
    } while (cursor !== null);
    return { seen, cursors };
  }

  it('Full walks every candidate page, then the removals', async () => {
    const candidates = handles(IS_PUBLISH_PAGE + 3, 'a|');
    const removals = handles(2, 'r|');
    const { seen, cursors } = await walk(service(candidates, removals), 'Full');
    expect(seen).toEqual([...candidates, ...removals]);
    expect(cursors).toEqual([`p:${candidates[IS_PUBLISH_PAGE - 1]}`, 'r:', null]);
  });

  it('Incremental walks the changed candidates only and never removes', async () => {
    const { seen, cursors } = await walk(service(handles(5, 'a|'), handles(2, 'r|')), 'Incremental');
    expect(seen).toEqual(handles(5, 'a|'));
    expect(cursors).toEqual([null]);
  });
});

describe('LocalStorageDriver.copy', () => {
  it('gives the new key the same bytes, independent of the source afterwards', async () => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-copy-'));
    try {
      const storage = await new LocalStorageDriver(root).init();
      await storage.putStream('optimized/c/a/1.ptif', Readable.from([Buffer.from('pixels')]));
      await storage.copy('optimized/c/a/1.ptif', 'published/c/a/x.ptif');
      await storage.delete('optimized/c/a/1.ptif');
      expect(await storage.exists('optimized/c/a/1.ptif')).toBe(false);
      expect(await fs.readFile(await storage.localPath('published/c/a/x.ptif'), 'utf8')).toBe('pixels');
      await expect(storage.copy('optimized/c/a/1.ptif', 'published/c/a/y.ptif')).rejects.toThrow(/ENOENT/);
      expect(await storage.exists('published/c/a/y.ptif')).toBe(false);
    } finally {
      await fs.rm(root, { recursive: true, force: true });
    }
  });
});
