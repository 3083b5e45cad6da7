import type { Readable } from 'node:stream';
import type { JobLogRepository } from '../../adapters/repositories/job-log.repository.js';
import type { StorageDriver } from '../../adapters/storage/storage.driver.js';
import { FaultCode, IpsFault } from '../../domain/faults.js';
import { ExportLinkError, type ExportLinks } from './export-links.js';
import { exportKeys } from './export-keys.js';

export interface ExportDownload {
  stream: Readable;
  size: number;
  fileName: string;
}

export interface ExportDownloadDeps {
  exportLinks: ExportLinks;
  storage: StorageDriver;
  jobLogs: JobLogRepository;
}

/**
 * `GET /export/<token>`: the token is the credential (it works without a login
 * until it expires). A forged or altered token → 403; an expired one → 410
 * (checked only once the signature holds, so an expiry cannot be forged into
 * a different answer); an archive deleted meanwhile → 410 too.
 */
export class ExportDownloadService {
  constructor(private readonly deps: ExportDownloadDeps) {}

  async open(token: string): Promise<ExportDownload> {
    let claims;
    try {
      claims = await this.deps.exportLinks.verify(token);
    } catch (err) {
      if (!(err instanceof ExportLinkError)) throw err;
      throw new IpsFault(FaultCode.InvalidRequest, err.message, 'token', err.why === 'expired' ? 'gone' : 'forbidden');
    }
    const key = exportKeys(claims.companyHandle, claims.jobHandle).archive;
    const log = await this.deps.jobLogs.find(claims.jobHandle);
    if (!log || log.company_handle !== claims.companyHandle || !(await this.deps.storage.exists(key))) {
      throw new IpsFault(FaultCode.InvalidRequest, 'This export archive is no longer available', 'token', 'gone');
    }
    // The size first: a read stream opened before an await could fail meanwhile (the archive expiring) with no one listening.
    const size = await this.deps.storage.size(key);
    return { stream: this.deps.storage.read(key), size, fileName: `${safeFileName(log.job_name)}.zip` };
  }
}

/** A job name as a download file name: no path separators, quotes or control characters. */
function safeFileName(name: string): string {
  return name.replace(/[\\/:*?"<>|\u0000-\u001f\u007f]/g, '_').slice(0, 200) || 'export';
}
