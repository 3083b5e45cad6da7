import type { AssetRepository } from '../adapters/repositories/asset.repository.js';
import type { ImageFormatRepository } from '../adapters/repositories/image-format.repository.js';
import type { MetadataRepository } from '../adapters/repositories/metadata.repository.js';
import type { ProjectRepository } from '../adapters/repositories/project.repository.js';
import type { SetRepository } from '../adapters/repositories/set.repository.js';
import { faults } from '../domain/faults.js';
import type { ExportJob, RipPdfsJob } from '../domain/schemas/job.schema.js';
import type { MetadataOptions } from '../domain/schemas/metadata-options.schema.js';
import type { ColorManagementOptions } from '../domain/schemas/options.schema.js';
import type { UploadDirectoryJob } from '../domain/schemas/upload-jobs.schema.js';
import type { JobTypeEntry, SubmitCheck } from '../jobs/job-registry.js';
import { checkExportJob } from './export/export-submit.js';
import type { DirectoryUploadService } from './ingest/directory-upload.service.js';
import { checkMetadataUpdates } from './metadata/metadata-submit.js';
import { checkProjectHandles } from './projects/project-submit.js';
import { checkProfileHandles } from './render-plan.js';
import { checkSetScripts } from './sets/set-submit.js';

/** What the submit-time checks read: the catalog, and the import root through the directory-upload service. */
export interface SubmitCheckDeps {
  assets: AssetRepository;
  imageFormats: ImageFormatRepository;
  sets: SetRepository;
  projects: ProjectRepository;
  metadata: Pick<MetadataRepository, 'findFields' | 'tagsOf'>;
  directoryUploads: Pick<DirectoryUploadService, 'resolveServerDir'>;
}

/**
 * The job being checked: its company, and the field its options were sent
 * under, which every fault names (`exportJob`, or the UploadFile servlet's
 * `uploadParams.uploadParams`).
 */
export interface SubmitTarget {
  companyHandle: string;
  field: string;
}

/** One check: the options are what the entry's own schema parsed, so each reads the fields that schema has. */
type Check = (deps: SubmitCheckDeps, target: SubmitTarget, options: unknown) => Promise<void>;

/** Asset types a RipPdfsJob rips (the documents the reprocess step hands to Ghostscript). */
const DOCUMENT_TYPES = new Set(['Pdf', 'PostScript', 'Illustrator']);

/** Handles per query when checking a job's assets: well under SQLite's and PostgreSQL's bound-parameter limits. */
const LOOKUP_CHUNK = 1000;

/** The checks the registry names (src/jobs/job-registry.ts SUBMIT_CHECKS), one implementation each. */
const CHECKS: Readonly<Record<SubmitCheck, Check>> = {
  documents: (deps, { companyHandle, field }, options) =>
    checkDocuments(deps.assets, companyHandle, `${field}.pdfHandleArray`, (options as Pick<RipPdfsJob, 'pdfHandleArray'>).pdfHandleArray),
  // A wrong profile handle is the job's bad input (a fault naming the field now), not an error on every asset later.
  profiles: (deps, { companyHandle, field }, options) =>
    checkProfileHandles(
      deps.assets,
      companyHandle,
      `${field}.colorManagementOptions`,
      (options as { colorManagementOptions?: ColorManagementOptions }).colorManagementOptions,
    ),
  exportJob: (deps, { companyHandle, field }, options) => checkExportJob(deps.assets, deps.imageFormats, companyHandle, options as ExportJob, field),
  setScripts: async (deps, { companyHandle, field }, options) => {
    const scripts = (options as { autoSetCreationOptions?: { autoSetsArray: readonly string[] } }).autoSetCreationOptions?.autoSetsArray;
    if (scripts) await checkSetScripts(deps.sets, companyHandle, `${field}.autoSetCreationOptions.autoSetsArray`, scripts);
  },
  projects: async (deps, { companyHandle, field }, options) => {
    const handles = (options as { projectHandleArray?: readonly string[] }).projectHandleArray;
    if (handles) await checkProjectHandles(deps.projects, companyHandle, `${field}.projectHandleArray`, handles);
  },
  metadata: async (deps, { companyHandle, field }, options) => {
    const updates = (options as { metadataOptions?: MetadataOptions }).metadataOptions?.updateArray;
    if (updates) await checkMetadataUpdates(deps.metadata, companyHandle, `${field}.metadataOptions.updateArray`, updates);
  },
  // The directory must exist inside the import root now: a wrong path is the submitter's to fix, not a failed job later.
  serverDir: async (deps, { field }, options) => {
    await deps.directoryUploads.resolveServerDir((options as Pick<UploadDirectoryJob, 'serverDir'>).serverDir, `${field}.serverDir`);
  },
};

/** Runs the entry's submit-time checks in the order it lists them; the first fault ends the run. */
export async function runSubmitChecks(deps: SubmitCheckDeps, entry: JobTypeEntry, target: SubmitTarget, options: unknown): Promise<void> {
  for (const check of entry.checks ?? []) await CHECKS[check](deps, target, options);
}

/**
 * RipPdfsJob rips documents: every pdfHandleArray entry must be a live Pdf,
 * PostScript or Illustrator asset of the company. IPS's own name for the job
 * says so, and refusing now names the entry at fault, where a reprocess job
 * would run and fail it (or, for an image, quietly re-optimise it instead).
 */
async function checkDocuments(assets: AssetRepository, companyHandle: string, field: string, handles: readonly string[]): Promise<void> {
  for (let start = 0; start < handles.length; start += LOOKUP_CHUNK) {
    const chunk = handles.slice(start, start + LOOKUP_CHUNK);
    const rows = new Map((await assets.findByHandles(companyHandle, [...new Set(chunk)])).map((a) => [a.asset_handle, a]));
    for (const [i, handle] of chunk.entries()) {
      const at = `${field}[${start + i}]`;
      const asset = rows.get(handle);
      // Unknown, trashed and other companies' handles look alike, as in the reprocess log.
      if (!asset || asset.trash_state !== 'NotInTrash') throw faults.notFound(at, 'PDF, PostScript or Illustrator asset', handle);
      if (!DOCUMENT_TYPES.has(asset.type))
        throw faults.invalid(
          at,
          'the handle of a Pdf, PostScript or Illustrator asset (other assets go in a reprocessAssetsJob)',
          `an asset of type ${asset.type}`,
        );
    }
  }
}
