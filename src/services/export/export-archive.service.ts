import { Readable } from 'node:stream';
import { type ZipEntry, zipStream } from '../../adapters/archive/zip-writer.js';
import type { JobLogRepository } from '../../adapters/repositories/job-log.repository.js';
import type { StorageDriver } from '../../adapters/storage/storage.driver.js';
import { EXPORT_FILE_TYPE, EXPORT_ZIP_TYPE } from '../../domain/job-log-types.js';
import { EXPORT_MAX_BYTES } from '../../domain/schemas/job.schema.js';
import type { ExportArchive, JobIdentity } from '../../jobs/contracts.js';
import type { ItemLedger, RecordedItem } from '../assets/item-ledger.js';
import { itemLogTypes } from '../job-items.js';
import type { ExportLinks } from './export-links.js';
import { type ExportKeys, type ExportManifest, type StagedEntry, exportKeys } from './export-keys.js';

/** The job_items id of the archive's own log row, so it is written once however often the step runs. */
const ARCHIVE_ITEM = 'export-archive';

/** job_items id prefix of an asset's file rows, written with the archive (the asset's own item is its staging). */
const FILES_ITEM_PREFIX = 'export-files:';

export interface ExportArchiveDeps {
  storage: StorageDriver;
  /** demotes an asset the size limit leaves out */
  jobLogs: JobLogRepository;
  ledger: ItemLedger;
  exportLinks: ExportLinks;
  /** the most bytes of files one archive takes (EXPORT_MAX_BYTES unless a test needs less) */
  limits?: { maxBytes: number };
}

/** How many assets' originals the archive looks for at once while planning. */
const PLAN_READ_AHEAD = 8;

/** An asset's staged state as the archive finds it: no manifest when it was not staged (an error, or never reached). */
interface StagedAsset {
  handle: string;
  manifest?: ExportManifest;
  gone?: StagedEntry;
}

/** An asset going into the archive: its manifest and its entries under their final names. */
interface PlannedAsset {
  assetHandle: string;
  manifest: ExportManifest;
  entries: StagedEntry[];
}

/**
 * ExportJob's last step: streams the staged files into one ZIP (memory flat
 * whatever the size), in assetHandleArray order, names made unique
 * deterministically, at most 1 GB of files (an asset that would go past it is
 * left out and logged as an error); then logs, as IPS's ExportJob does
 * (docs/job-log-types.md#exportjob-export), one row per file with its name in the ZIP and last the
 * signed download URL as a row whose assetName is the URL, where IPS clients
 * look for it.
 * Idempotent: a retry after a crash finds the sidecar of a finished archive,
 * or rebuilds it from the staged files, which are removed only at the end.
 */
export class ExportArchiveService {
  private readonly maxBytes: number;

  constructor(private readonly deps: ExportArchiveDeps) {
    this.maxBytes = deps.limits?.maxBytes ?? EXPORT_MAX_BYTES;
  }

  async build(job: JobIdentity, assetHandles: readonly string[]): Promise<ExportArchive> {
    const keys = exportKeys(job.companyHandle, job.jobHandle);
    let archive = await this.readSidecar(keys.sidecar);
    if (!archive) {
      const planned = await this.plan(job, assetHandles);
      const entries = planned.flatMap((p) => p.entries);
      let bytes = 0;
      if (entries.length > 0) {
        const mtime = new Date();
        const zipEntries: ZipEntry[] = entries.map((e) => ({ name: e.name, compress: e.compress, mtime, open: () => this.deps.storage.read(e.key) }));
        bytes = (await this.deps.storage.putStream(keys.archive, zipStream(zipEntries))).size;
      }
      // Before the sidecar: a retry that finds no sidecar plans the same names again and logs what is missing.
      await this.logFiles(job, planned);
      const link = entries.length > 0 ? await this.deps.exportLinks.issue(job.companyHandle, job.jobHandle) : undefined;
      archive = { url: link?.url ?? '', expiresAt: (link?.expiresAt ?? new Date()).toISOString(), entries: entries.length, bytes };
      await this.deps.storage.putStream(keys.sidecar, Readable.from([Buffer.from(JSON.stringify(archive), 'utf8')]));
    }
    if (archive.entries > 0) {
      // As IPS logs it: `<url> has been created`, the URL as assetName (clients look for the row whose assetName starts with
      // http), no assetHandle; counted as a success like the file rows. The expiry travels for the job's e-mail.
      await this.deps.ledger.record(job, {
        itemId: ARCHIVE_ITEM,
        status: 'success',
        details: [
          {
            // The registry gives exportJob its archive type (test/unit/job-log-types.test.ts).
            logType: itemLogTypes(job).archive!,
            messageKey: 'exportZipCreated',
            messageArgs: { url: archive.url, files: archive.entries, bytes: archive.bytes, expires: archive.expiresAt },
            assetName: archive.url,
            assetType: EXPORT_ZIP_TYPE,
          },
        ],
        counters: ['file_success_count'],
      });
    }
    await this.deps.storage.deletePrefix(keys.staged);
    return archive;
  }

  /** Deletes an export's archive and anything left of it (the URL has expired). */
  async remove(companyHandle: string, jobHandle: string): Promise<void> {
    await this.deps.storage.deletePrefix(exportKeys(companyHandle, jobHandle).base);
  }

  /** The assets in order with their entries under unique names, within the size limit; assets that do not fit are demoted to errors. */
  private async plan(job: JobIdentity, assetHandles: readonly string[]): Promise<PlannedAsset[]> {
    const names = new UniqueNames();
    const planned: PlannedAsset[] = [];
    let total = 0;
    const handles = [...new Set(assetHandles)];
    // Every asset's result and manifest in one query; what is left per asset is a look in storage for originals staged
    // by reference, read a few assets ahead (in order) so that 500 of them do not wait on one another. The decisions
    // below stay in assetHandleArray order.
    const recorded = await this.deps.ledger.recordedWithPayloads(job, handles);
    const keys = exportKeys(job.companyHandle, job.jobHandle);
    const staged = Readable.from(handles).map((handle: string) => this.staged(keys, handle, recorded.get(handle)), { concurrency: PLAN_READ_AHEAD });
    for await (const { handle, manifest, gone } of staged as AsyncIterable<StagedAsset>) {
      if (!manifest) continue;
      if (gone) {
        await this.demote(
          job,
          handle,
          manifest,
          `left out of the archive: ${gone.name} is missing from storage (emptied from the trash or replaced since it was staged)`,
        );
        continue;
      }
      const size = manifest.entries.reduce((n, e) => n + e.size, 0);
      if (total + size > this.maxBytes) {
        const reason = `left out of the archive: with it the export would exceed ${formatBytes(this.maxBytes)} (export ${formatBytes(total)} so far, this asset ${formatBytes(size)})`;
        await this.demote(job, handle, manifest, reason);
        continue;
      }
      total += size;
      planned.push({ assetHandle: handle, manifest, entries: manifest.entries.map((e) => ({ ...e, name: names.take(e.name) })) });
    }
    return planned;
  }

  /**
   * What an asset staged: its manifest when its staging succeeded, and the first of its entries missing from
   * storage. Originals are staged by reference: emptying the trash (which does not wait for jobs) or a new version
   * may have removed one since. Checked before the ZIP is written; one removed while it is written fails this
   * attempt, and the retry leaves it out. Converted files are the export's own, under its staged prefix until the
   * archive is done, so they are not looked for.
   */
  private async staged(keys: ExportKeys, handle: string, item: RecordedItem | undefined): Promise<StagedAsset> {
    if (item?.status !== 'success') return { handle };
    // A result recorded before migration 0028 has no payload: its staging wrote the manifest as a file.
    const manifest = (item.payload as ExportManifest | undefined) ?? (await this.readManifest(keys.manifest(handle)));
    if (!manifest) return { handle };
    const gone = await this.missingEntry(manifest.entries.filter((e) => !e.key.startsWith(`${keys.staged}/`)));
    return { handle, manifest, ...(gone ? { gone } : {}) };
  }

  private async missingEntry(entries: readonly StagedEntry[]): Promise<StagedEntry | undefined> {
    for (const e of entries) if (!(await this.deps.storage.exists(e.key))) return e;
    return undefined;
  }

  /** The asset's staging counted as a success; it becomes an error, with its row. */
  private async demote(job: JobIdentity, handle: string, manifest: ExportManifest, reason: string): Promise<void> {
    await this.deps.jobLogs.demoteToError(job.jobHandle, handle, job.companyHandle, reason, {
      logType: itemLogTypes(job).failure,
      messageKey: 'fileError',
      messageArgs: { path: manifest.path, reason },
      assetName: manifest.name,
      assetHandle: handle,
      assetType: EXPORT_FILE_TYPE,
    });
  }

  /**
   * One ExportJobRenderFileSuccess row per file, `<file> is exported to <entry>` (as IPS logs it:
   * docs/job-log-types.md#exportjob-export), each asset's once, all in one transaction. The staging step counted each
   * asset as one success; its other files add theirs.
   */
  private async logFiles(job: JobIdentity, planned: readonly PlannedAsset[]): Promise<void> {
    await this.deps.ledger.recordAll(
      job,
      planned.map(({ assetHandle, manifest, entries }) => ({
        itemId: `${FILES_ITEM_PREFIX}${assetHandle}`,
        status: 'success' as const,
        details: entries.map((e) => ({
          logType: itemLogTypes(job).success,
          messageKey: manifest.asOriginal ? 'exportFileAsOriginal' : 'exportFile',
          messageArgs: { file: manifest.fileName, entry: e.name, ...(manifest.asOriginal ? { type: manifest.asOriginal } : {}) },
          assetName: manifest.name,
          assetType: EXPORT_FILE_TYPE,
          assetHandle,
        })),
        counters: entries.slice(1).map(() => 'file_success_count' as const),
      })),
    );
  }

  private async readManifest(key: string): Promise<ExportManifest | undefined> {
    if (!(await this.deps.storage.exists(key))) return undefined;
    return JSON.parse(await readText(this.deps.storage.read(key))) as ExportManifest;
  }

  private async readSidecar(key: string): Promise<ExportArchive | undefined> {
    if (!(await this.deps.storage.exists(key))) return undefined;
    return JSON.parse(await readText(this.deps.storage.read(key))) as ExportArchive;
  }
}

/**
 * Archive names, unique case-insensitively (archives are unpacked on
 * case-insensitive file systems too): a clash gets `-2`, `-3`… before the
 * extension, in assetHandleArray order, so the same job always gives the same names.
 */
export class UniqueNames {
  private readonly used = new Set<string>();

  take(wanted: string): string {
    const clean = wanted.replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_').replace(/^\.+/, '_') || 'file';
    const dot = clean.lastIndexOf('.');
    const [stem, ext] = dot > 0 ? [clean.slice(0, dot), clean.slice(dot)] : [clean, ''];
    let name = clean;
    for (let n = 2; this.used.has(name.toLowerCase()); n++) name = `${stem}-${n}${ext}`;
    this.used.add(name.toLowerCase());
    return name;
  }
}

function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(n % 1024 ** 3 === 0 ? 0 : 2)} GB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${n} bytes`;
}

async function readText(stream: Readable): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return Buffer.concat(parts).toString('utf8');
}
