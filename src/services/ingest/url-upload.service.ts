import type { UrlSecrets } from '../url-secrets.js';
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Readable } from 'node:stream';
import { assertGuardOptions } from '../../adapters/http/address-guard.js';
import { DownloadFailed, DownloadRefused, type DownloadOptions, downloadUrl } from '../../adapters/http/url-download.js';
import type { CompanyRepository } from '../../adapters/repositories/company.repository.js';
import { StorageLimitError, type StorageDriver } from '../../adapters/storage/storage.driver.js';
import { IpsFault, withoutUrlSecrets } from '../../domain/faults.js';
import { normalizeFileName, normalizeFolder } from '../../domain/folders.js';
import { splitDestPath } from '../../domain/schemas/upload-jobs.schema.js';
import type { FileResult, JobIdentity, UploadItem, UploadUrlsItemOptions, UrlItem } from '../../jobs/contracts.js';
import type { ItemLedger } from '../assets/item-ledger.js';
import type { IngestService } from './ingest.service.js';
import { type ItemProgress, NO_PROGRESS } from '../item-progress.js';

export interface UrlUploadOptions extends Omit<DownloadOptions, 'maxBytes'> {
  /** MAX_UPLOAD_FILE_BYTES: a larger download fails alone */
  maxBytes: number;
  /** tries per URL for transient failures (network, timeout, 5xx, 408, 429) */
  attempts: number;
  /** first pause between tries; doubled each time */
  retryDelayMs: number;
}

export interface UrlUploadDeps {
  storage: StorageDriver;
  ingest: IngestService;
  companies: CompanyRepository;
  ledger: ItemLedger;
  /** reveals a sealed sourceUrl right before the download; absent, URLs are used as given */
  urlSecrets?: UrlSecrets;
  download: UrlUploadOptions;
}

/**
 * A job-scoped stable id: the same (job, key) always gives the same string,
 * so a retried activity reuses the asset handle and storage keys it reserved.
 */
export function stableId(jobHandle: string, key: string, length = 16): string {
  return createHash('sha256').update(`${jobHandle}\n${key}`).digest('hex').slice(0, length);
}

/**
 * UploadUrlsJob, one URL at a time: download it into staging (streamed, with
 * the upload size limit, through the SSRF guard at every redirect), then hand
 * it to the same ingest pipeline as a file posted to the UploadFile servlet.
 * Transient failures are retried here with backoff; what still fails, and
 * every refusal, becomes that URL's UploadError with the reason.
 */
export class UrlUploadService {
  constructor(private readonly deps: UrlUploadDeps) {
    // A malformed allow-list entry is a start-up error, not a refusal of every URL later.
    assertGuardOptions(deps.download.guard);
  }

  async upload(
    job: JobIdentity,
    options: UploadUrlsItemOptions,
    url: UrlItem,
    signal?: AbortSignal,
    progress: ItemProgress = NO_PROGRESS,
  ): Promise<FileResult> {
    const done = await this.deps.ledger.recorded(job, url.assetHandle);
    if (done) return done;
    const item = await this.item(job, url);
    if (item.rejectedReason) return this.deps.ingest.reject(job, item, item.rejectedReason);

    let size: number | undefined;
    let reason = '';
    for (let attempt = 1; attempt <= this.deps.download.attempts && size === undefined; attempt++) {
      progress.step('downloading', 0, attempt > 1 ? `Downloading (attempt ${attempt} of ${this.deps.download.attempts})` : 'Downloading');
      try {
        const source = this.deps.urlSecrets ? await this.deps.urlSecrets.reveal(job.companyHandle, url.sourceUrl) : url.sourceUrl;
        size = await downloadUrl(source, this.deps.download, (body) => this.stage(item.stagingKey, body), signal);
      } catch (err) {
        if (signal?.aborted) throw err;
        if (err instanceof StorageLimitError) return this.deps.ingest.reject(job, item, `larger than the limit of ${err.limit} bytes`);
        if (err instanceof DownloadRefused) return this.deps.ingest.reject(job, item, err.message);
        if (!(err instanceof DownloadFailed) && !isNetworkError(err)) throw err;
        reason = err instanceof Error ? err.message : String(err);
        if (attempt < this.deps.download.attempts) await sleep(this.deps.download.retryDelayMs * 2 ** (attempt - 1), undefined, { signal });
      }
    }
    if (size === undefined) {
      await this.deps.storage.delete(item.stagingKey);
      return this.deps.ingest.reject(job, item, this.deps.download.attempts > 1 ? `${reason} (after ${this.deps.download.attempts} attempts)` : reason);
    }
    return this.deps.ingest.ingest(job, options, { ...item, size }, signal, progress);
  }

  /** Records a URL whose whole batch gave up (e.g. the database stayed away); one already recorded keeps its result. */
  async fail(job: JobIdentity, url: UrlItem, reason: string): Promise<FileResult> {
    return this.deps.ingest.reject(job, await this.item(job, url), reason);
  }

  /** The upload item a URL becomes; a destination the company cannot take is its rejection reason. */
  private async item(job: JobIdentity, url: UrlItem): Promise<UploadItem> {
    const base = {
      itemId: url.assetHandle,
      assetHandle: `a|${stableId(job.jobHandle, url.assetHandle)}`,
      stagingKey: `staging/urls/${url.assetHandle}`,
      size: 0,
      // The job log names the URL without its query: a presigned URL's signature is a credential.
      source: withoutUrlSecrets(url.sourceUrl),
    };
    const { folder, fileName } = splitDestPath(url.destPath, url.sourceUrl);
    try {
      const company = await this.deps.companies.findByHandle(job.companyHandle);
      if (!company) return { ...base, fileName: fileName ?? 'file', folder: '', rejectedReason: 'the company no longer exists' };
      return { ...base, folder: normalizeFolder(folder, company.root_path, 'destPath'), fileName: normalizeFileName(fileName ?? '', 'destPath') };
    } catch (err) {
      if (!(err instanceof IpsFault)) throw err;
      return { ...base, fileName: fileName || 'file', folder: '', rejectedReason: err.message };
    }
  }

  private async stage(key: string, body: Readable): Promise<number> {
    return (await this.deps.storage.putStream(key, body, { maxBytes: this.deps.download.maxBytes })).size;
  }
}

/** Socket-level failures surfacing from the body stream (reset, premature close). */
function isNetworkError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return (
    typeof code === 'string' &&
    /^(ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|ERR_STREAM_PREMATURE_CLOSE|ECONNABORTED|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN)$/.test(code)
  );
}
