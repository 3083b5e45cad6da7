import type { StorageReferencesRepository } from '../../adapters/repositories/storage-references.repository.js';
import type { StorageDriver, StoredObject } from '../../adapters/storage/storage.driver.js';

/**
 * The top-level folders whose objects exist only for a catalog row (the
 * storage layout in docs/architecture.md): an object there that no row names
 * is left over, by a crash between a write and its commit, or a delete that
 * removed the row but not the file.
 */
const SWEPT = ['originals', 'optimized', 'masks', 'videos', 'published', 'staging'] as const;
/** Export archives have no row: each lives until its download URL expires (a workflow deletes it then). */
const EXPORTS = 'exports';

export const DEFAULT_GRACE_MS = 24 * 60 * 60 * 1000;

export interface SweepOptions {
  /** report what would go, delete nothing */
  dryRun: boolean;
  /** objects written less than this long ago are never taken: an upload or job in flight may not have committed its row yet */
  graceMs: number;
}

export interface SweepReport {
  dryRun: boolean;
  /** objects looked at (under the swept folders and exports/) */
  scanned: number;
  /** the objects no row references and older than the grace period (removed unless dryRun) */
  orphans: Array<{ key: string; size: number }>;
  orphanBytes: number;
}

export interface OrphanSweepDeps {
  storage: StorageDriver;
  storageReferences: StorageReferencesRepository;
  /** how long an export archive's download URL lives (EXPORT_URL_TTL_SECONDS) */
  sweep: { exportTtlMs: number };
}

/**
 * Finds and removes stored objects no catalog row references. It lists the
 * store first and reads the references after, so any row committed before
 * the listing ended is seen; objects younger than the grace period are never
 * taken (a write whose row is still to come); and just before deleting, the
 * remaining candidates are looked up once more, so a row committed during the
 * sweep keeps its object. `rejected/` (the bytes of files an upload refused)
 * is kept on purpose and never swept; other top-level folders are not the
 * service's and are left alone.
 */
export class OrphanSweepService {
  constructor(private readonly deps: OrphanSweepDeps) {}

  async sweep(opts: SweepOptions): Promise<SweepReport> {
    const started = Date.now();
    let scanned = 0;
    const candidates = new Map<string, StoredObject>();
    const consider = async (prefix: string, writtenBefore: number) => {
      for await (const object of this.deps.storage.list(prefix)) {
        scanned += 1;
        if (object.lastModified.getTime() <= writtenBefore) candidates.set(object.key, object);
      }
    };
    for (const prefix of SWEPT) await consider(prefix, started - opts.graceMs);
    // An archive past its URL's expiry (and the grace) was missed by its expiry workflow.
    await consider(EXPORTS, started - opts.graceMs - this.deps.sweep.exportTtlMs);

    for await (const key of this.deps.storageReferences.all()) candidates.delete(key);
    const still = await this.deps.storageReferences.referencedAmong([...candidates.keys()]);
    for (const key of still) candidates.delete(key);

    const orphans = [...candidates.values()].map((o) => ({ key: o.key, size: o.size })).sort((a, b) => a.key.localeCompare(b.key));
    if (!opts.dryRun) for (const orphan of orphans) await this.deps.storage.delete(orphan.key);
    return { dryRun: opts.dryRun, scanned, orphans, orphanBytes: orphans.reduce((sum, o) => sum + o.size, 0) };
  }
}
