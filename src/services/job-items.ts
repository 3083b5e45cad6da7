import type { JobLogTypes } from '../domain/job-log-types.js';
import { jobTypeByElement, jobTypeByIpsType } from '../jobs/job-registry.js';
import type { JobIdentity } from '../jobs/contracts.js';

/**
 * The per-file log types of the job an item belongs to: one job type's rows
 * stay in one family (a RipPdfsJob writes PdfRip*, a reprocess job Reprocess*),
 * so a logTypeArray filter sees the whole job. Items of runs started before
 * jobs carried their type are reprocess items, the only job that had them.
 */
export function itemLogTypes(job: JobIdentity): JobLogTypes {
  return (jobTypeByIpsType(job.jobType ?? '') ?? jobTypeByElement('reprocessAssetsJob')!).logTypes;
}

/**
 * The log type of a per-file warning in the upload, reprocess and RipPdfs
 * families. IPS documents file warnings under this name only (no Reprocess*
 * or PdfRip* warning type in Adobe IPS: sting-constants/r-job-log-types), and
 * job e-mails list it among the warnings.
 */
export const ITEM_WARNING_TYPE = 'UploadWarning';
