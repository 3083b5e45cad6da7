import type { UnitOfWork } from '../../adapters/repositories/unit-of-work.js';
import type { FileResult, JobIdentity } from '../../jobs/contracts.js';
import type { ItemLedger } from '../assets/item-ledger.js';
import { itemLogTypes } from '../job-items.js';

/** How a job's one document appears in its log: the item id, and the row's asset name and Job Log File Type. */
export interface DocumentItemName {
  itemId: string;
  assetName: string;
  assetType: string;
}

/**
 * The one item of a job that writes one document for the whole company
 * (MetadataPublishJob, CreateVideoSitemapJob): its row names the document,
 * not an asset, so it has no asset handle.
 */
export class DocumentItem {
  constructor(
    private readonly ledger: ItemLedger,
    private readonly name: DocumentItemName,
  ) {}

  /** The result a retried or requeued run already has for the document. */
  recorded(job: JobIdentity): Promise<FileResult | undefined> {
    return this.ledger.recorded(job, this.name.itemId);
  }

  /** The document written (or found unchanged), with what `write` commits beside the row. */
  succeeded(job: JobIdentity, message: { messageKey: string; messageArgs: Record<string, string | number> }, write?: UnitOfWork): Promise<FileResult> {
    return this.ledger.record(job, {
      itemId: this.name.itemId,
      status: 'success',
      details: [{ logType: itemLogTypes(job).success, ...message, assetName: this.name.assetName, assetType: this.name.assetType }],
      counters: ['file_success_count', 'total_file_count'],
      ...(write ? { write } : {}),
    });
  }

  /** The document could not be written (a path or protocol limit, or its batch gave up after its retries). */
  failed(job: JobIdentity, reason: string): Promise<FileResult> {
    return this.ledger.record(job, {
      itemId: this.name.itemId,
      status: 'error',
      reason,
      details: [
        {
          logType: itemLogTypes(job).failure,
          messageKey: 'fileError',
          messageArgs: { path: this.name.assetName, reason },
          assetName: this.name.assetName,
          assetType: this.name.assetType,
        },
      ],
      counters: ['file_error_count', 'total_file_count'],
    });
  }
}
