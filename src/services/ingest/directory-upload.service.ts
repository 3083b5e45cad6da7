import path from 'node:path';
import { ZipArchiveError, eachEntry, zipEntryCount, zipEntryProblem, zipTotals } from '../../adapters/archive/zip-reader.js';
import type { CompanyRepository } from '../../adapters/repositories/company.repository.js';
import { type ImportDirectory, isHiddenName } from '../../adapters/storage/import-directory.js';
import { StorageLimitError, type StorageDriver } from '../../adapters/storage/storage.driver.js';
import { IpsFault } from '../../domain/faults.js';
import { normalizeFileName, normalizeFolder } from '../../domain/folders.js';
import type { UploadDirectoryJob } from '../../domain/schemas/upload-jobs.schema.js';
import type { DirectoryItem, FileResult, JobIdentity, UploadItem } from '../../jobs/contracts.js';
import type { ItemLedger } from '../assets/item-ledger.js';
import type { IngestService } from './ingest.service.js';
import { stableId } from './url-upload.service.js';
import { type ItemProgress, NO_PROGRESS } from '../item-progress.js';

export interface DirectoryUploadLimits {
  /** MAX_UPLOAD_FILE_BYTES, per file and per ZIP entry */
  maxBytes: number;
  /** UNZIP_MAX_ENTRIES / UNZIP_MAX_BYTES: a ZIP over either fails as a whole before anything is extracted */
  unzipMaxEntries: number;
  unzipMaxBytes: number;
}

export interface DirectoryUploadDeps {
  storage: StorageDriver;
  ingest: IngestService;
  companies: CompanyRepository;
  ledger: ItemLedger;
  /** IMPORT_ROOT: every serverDir is relative to it and must stay inside it */
  importDirectory: ImportDirectory;
  limits: DirectoryUploadLimits;
}

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/**
 * UploadDirectoryJob: walks a directory under the import root in path order,
 * a page at a time (only a cursor travels between pages), and ingests each
 * file through the upload pipeline. Files are copied in; the server
 * directory is never changed. Hidden files and anything that is not a
 * regular file (symbolic links are never followed) are skipped with a
 * warning each. With unCompressOptions UnCompress, `.zip` files are
 * extracted and every entry ingested under destFolder, keeping the entries'
 * folders; unsafe entry names fail alone, oversized archives as a whole.
 */
export class DirectoryUploadService {
  constructor(private readonly deps: DirectoryUploadDeps) {}

  /**
   * The real path of serverDir, which must be an existing directory inside
   * the import root once every symbolic link is resolved; a fault naming
   * `field` otherwise (submitJob checks it before the job starts).
   */
  resolveServerDir(serverDir: string, field: string): Promise<string> {
    return this.deps.importDirectory.resolve(serverDir, field);
  }

  async count(options: UploadDirectoryJob): Promise<number> {
    const base = await this.resolveServerDir(options.serverDir, 'serverDir');
    let n = 0;
    for await (const _entry of this.deps.importDirectory.entries(base, options.includeSubfolders, null)) n += 1;
    return n;
  }

  async list(jobHandle: string, options: UploadDirectoryJob, cursor: string | null, limit: number): Promise<{ items: DirectoryItem[]; next: string | null }> {
    const base = await this.resolveServerDir(options.serverDir, 'serverDir');
    const items: DirectoryItem[] = [];
    for await (const entry of this.deps.importDirectory.entries(base, options.includeSubfolders, cursor === null ? null : cursor.split('/'))) {
      items.push({ assetHandle: `d${stableId(jobHandle, entry.rel)}`, name: entry.rel, kind: entry.kind });
      if (items.length >= limit) break;
    }
    return { items, next: items.length >= limit ? items[items.length - 1]!.name : null };
  }

  async upload(
    job: JobIdentity,
    options: UploadDirectoryJob,
    entry: DirectoryItem,
    signal?: AbortSignal,
    progress: ItemProgress = NO_PROGRESS,
  ): Promise<FileResult> {
    const done = await this.deps.ledger.recorded(job, entry.assetHandle);
    if (done) return done;
    const source = path.posix.join(options.serverDir, entry.name);
    if (entry.kind === 'hidden') return this.warn(job, entry.assetHandle, source, 'hidden file skipped');
    if (entry.kind === 'other')
      return this.warn(job, entry.assetHandle, source, 'not a regular file, skipped (symbolic links and special files are not followed)');

    const segments = entry.name.split('/');
    const item = await this.item(job, options, entry.assetHandle, source, segments.slice(0, -1), segments[segments.length - 1]!);
    if (item.rejectedReason) return this.deps.ingest.reject(job, item, item.rejectedReason);
    let base: string;
    try {
      base = await this.resolveServerDir(options.serverDir, 'serverDir');
    } catch (err) {
      if (err instanceof IpsFault) return this.deps.ingest.reject(job, item, err.message);
      throw err;
    }
    const file = await this.deps.importDirectory.file(base, segments);
    if (file.kind === 'missing') return this.deps.ingest.reject(job, item, 'the file no longer exists in the server directory');
    if (file.kind === 'other')
      return this.warn(job, entry.assetHandle, source, 'not a regular file, skipped (symbolic links and special files are not followed)');
    if (file.size > this.deps.limits.maxBytes) return this.deps.ingest.reject(job, item, `larger than the limit of ${this.deps.limits.maxBytes} bytes`);

    if (item.fileName.toLowerCase().endsWith('.zip') && (await this.deps.importDirectory.startsWith(file.path, ZIP_MAGIC))) {
      if (options.unCompressOptions?.process !== 'UnCompress') {
        return this.deps.ingest.reject(
          job,
          item,
          'a ZIP archive: this server does not keep archives as assets; submit with unCompressOptions.process UnCompress to ingest the files in it',
        );
      }
      return this.extract(job, options, item, file.path, segments.slice(0, -1), signal, progress);
    }
    try {
      progress.step('copying', 0, 'Copying the file in');
      await this.deps.storage.putStream(item.stagingKey, this.deps.importDirectory.read(file.path), { maxBytes: this.deps.limits.maxBytes });
    } catch (err) {
      if (err instanceof StorageLimitError) return this.deps.ingest.reject(job, item, `larger than the limit of ${err.limit} bytes`);
      throw err;
    }
    return this.deps.ingest.ingest(job, options, { ...item, size: file.size }, signal, progress);
  }

  /** Records an entry whose whole batch gave up; one already recorded keeps its result. */
  async fail(job: JobIdentity, options: UploadDirectoryJob, entry: DirectoryItem, reason: string): Promise<FileResult> {
    const segments = entry.name.split('/');
    const item = await this.item(
      job,
      options,
      entry.assetHandle,
      path.posix.join(options.serverDir, entry.name),
      segments.slice(0, -1),
      segments[segments.length - 1]!,
    );
    return this.deps.ingest.reject(job, item, reason);
  }

  /**
   * Ingests every entry of a ZIP. The central directory is read first: over
   * the entry or size limit, nothing is extracted and the ZIP fails as a
   * whole. Each entry is its own job item (a retry skips those recorded);
   * an unsafe name or a symbolic link fails that entry alone.
   */
  private async extract(
    job: JobIdentity,
    options: UploadDirectoryJob,
    zip: UploadItem,
    file: string,
    dirs: string[],
    signal?: AbortSignal,
    progress: ItemProgress = NO_PROGRESS,
  ): Promise<FileResult> {
    try {
      const count = await zipEntryCount(file);
      if (count > this.deps.limits.unzipMaxEntries)
        throw new ZipArchiveError(`the ZIP has ${count} entries, more than the limit of ${this.deps.limits.unzipMaxEntries}`);
      const totals = await zipTotals(file);
      if (totals.bytes > this.deps.limits.unzipMaxBytes)
        throw new ZipArchiveError(`the ZIP would expand to ${totals.bytes} bytes, more than the limit of ${this.deps.limits.unzipMaxBytes} bytes`);
      let extracted = 0;
      await eachEntry(file, async (e, index) => {
        if (signal?.aborted) throw new Error('cancelled');
        // The archive is the item: its entries are its steps (each entry's own steps are too fine to show).
        progress.step('extracting', Math.min(0.99, index / count), `Entry ${index + 1} of ${count}: ${e.name}`);
        if (e.isDirectory) return;
        const itemId = `${zip.itemId}-${index}`;
        if (await this.deps.ledger.recorded(job, itemId)) return;
        const source = `${zip.source}!/${e.name}`;
        const parts = e.name.split('/').filter((p) => p.length > 0 && p !== '.');
        const problem = zipEntryProblem(e.name) ?? (e.isSymlink ? 'a symbolic link' : parts.length === 0 ? 'an empty name' : undefined);
        const item = problem
          ? { ...this.base(job, itemId, source), folder: zip.folder, fileName: parts[parts.length - 1] ?? 'entry' }
          : await this.item(job, options, itemId, source, [...dirs, ...parts.slice(0, -1)], parts[parts.length - 1]!);
        if (problem) return void (await this.deps.ingest.reject(job, item, `entry refused: ${problem}`));
        if (parts.some(isHiddenName)) return void (await this.warn(job, itemId, source, 'hidden file skipped'));
        if (item.rejectedReason) return void (await this.deps.ingest.reject(job, item, item.rejectedReason));
        if (e.uncompressedSize > this.deps.limits.maxBytes)
          return void (await this.deps.ingest.reject(job, item, `larger than the limit of ${this.deps.limits.maxBytes} bytes`));
        try {
          await this.deps.storage.putStream(item.stagingKey, await e.open(), { maxBytes: this.deps.limits.maxBytes });
        } catch (err) {
          if (err instanceof StorageLimitError) return void (await this.deps.ingest.reject(job, item, `larger than the limit of ${err.limit} bytes`));
          // Disk trouble is worth a retry; anything else is the archive's content (bad data, sizes that lie).
          if (err instanceof ZipArchiveError || typeof (err as NodeJS.ErrnoException).code === 'string') throw err;
          throw new ZipArchiveError(`entry '${e.name}' cannot be extracted: ${err instanceof Error ? err.message : String(err)}`);
        }
        await this.deps.ingest.ingest(job, options, { ...item, size: e.uncompressedSize });
        extracted += 1;
      });
      // The archive's own item: no row of its own (its entries have theirs), only its result for a retry.
      return await this.deps.ledger.record(job, { itemId: zip.itemId, status: 'success', reason: `${extracted} entries extracted`, details: [], counters: [] });
    } catch (err) {
      if (!(err instanceof ZipArchiveError)) throw err;
      return this.deps.ingest.reject(job, zip, err.message);
    }
  }

  private base(job: JobIdentity, itemId: string, source: string) {
    return { itemId, assetHandle: `a|${stableId(job.jobHandle, itemId)}`, stagingKey: `staging/dirs/${itemId}`, size: 0, source };
  }

  /** The upload item a file becomes: destFolder + its folders below serverDir; a name the company cannot take is the rejection reason. */
  private async item(job: JobIdentity, options: UploadDirectoryJob, itemId: string, source: string, dirs: string[], name: string): Promise<UploadItem> {
    const base = this.base(job, itemId, source);
    const company = await this.deps.companies.findByHandle(job.companyHandle);
    if (!company) return { ...base, folder: '', fileName: name, rejectedReason: 'the company no longer exists' };
    try {
      return {
        ...base,
        folder: normalizeFolder([options.destFolder ?? '', ...dirs].join('/'), company.root_path, 'destFolder'),
        fileName: normalizeFileName(name, 'file name'),
      };
    } catch (err) {
      if (!(err instanceof IpsFault)) throw err;
      return { ...base, folder: '', fileName: name, rejectedReason: err.message };
    }
  }

  private warn(job: JobIdentity, itemId: string, source: string, reason: string): Promise<FileResult> {
    return this.deps.ledger.record(job, {
      itemId,
      status: 'success',
      reason,
      details: [{ logType: 'UploadWarning', messageKey: 'fileWarning', messageArgs: { path: source, reason }, assetName: source, assetType: 'MasterImage' }],
      counters: ['file_warning_count'],
    });
  }
}
