import type { JobLogCounter, NewDetail } from '../../adapters/repositories/job-log.repository.js';
import type { ProjectRepository } from '../../adapters/repositories/project.repository.js';
import { nowIso } from '../../domain/handles.js';
import type { FileResult, JobIdentity } from '../../jobs/contracts.js';
import type { ItemLedger, LedgerEntry } from '../assets/item-ledger.js';
import { ITEM_WARNING_TYPE } from '../job-items.js';

/** What records an item in its job's projects: the ledger, and the projects as they are before the item's transaction. */
export interface JobProjectsDeps {
  ledger: ItemLedger;
  projects: ProjectRepository;
}

/** The job's projectHandleArray, and what the item is called in its log. */
export interface ItemProjects {
  projectHandles?: readonly string[];
  path: string;
}

/** A project deleted between the look before the transaction and the transaction itself: the item's commit is redone. */
class ProjectsChanged extends Error {}

/** How often a commit is redone for projects deleted under it before it records what it finds. */
const ATTEMPTS = 3;

/**
 * Records an item's result (ItemLedger.record) and, when the item succeeded,
 * puts every asset its log rows name (the uploaded or reprocessed asset and
 * the pages, layers, catalog or template it made) in each of the job's
 * projects, in the transaction that commits the item. A project deleted
 * while the job ran is skipped, never re-created: the item still succeeds
 * with an UploadWarning row naming the project (docs/projects.md#jobs).
 */
export async function recordInProjects(deps: JobProjectsDeps, job: JobIdentity, entry: LedgerEntry, about: ItemProjects): Promise<FileResult> {
  const projectHandles = [...new Set(about.projectHandles ?? [])];
  if (projectHandles.length === 0 || (entry.status !== 'success' && entry.status !== 'updated')) return deps.ledger.record(job, entry);
  const members = [...new Set([entry.assetHandle, ...entry.details.map((d) => d.assetHandle)].filter((h): h is string => h !== undefined))];
  for (let attempt = 1; ; attempt++) {
    const live = await deps.projects.existing(job.companyHandle, projectHandles);
    const gone = projectHandles.filter((h) => !live.has(h));
    try {
      return await deps.ledger.record(job, {
        ...entry,
        details: [...entry.details, ...gone.map((h) => skipped(about.path, h, entry.assetHandle))],
        counters: gone.length > 0 ? withWarning(entry.counters) : entry.counters,
        write: async (repos) => {
          await entry.write?.(repos);
          const joined = await repos.projects.addToExisting(job.companyHandle, [...live], members, nowIso());
          if (joined.size < live.size && attempt < ATTEMPTS) throw new ProjectsChanged();
        },
      });
    } catch (err) {
      if (!(err instanceof ProjectsChanged)) throw err;
    }
  }
}

function skipped(path: string, projectHandle: string, assetHandle: string | undefined): NewDetail {
  return {
    logType: ITEM_WARNING_TYPE,
    messageKey: 'fileWarning',
    messageArgs: { path, reason: `not added to project '${projectHandle}': the project was deleted while the job ran` },
    assetName: path,
    assetType: 'MasterImage',
    ...(assetHandle ? { assetHandle } : {}),
  };
}

/** The file is counted among those with warnings once, however many rows it has. */
function withWarning(counters: readonly JobLogCounter[]): readonly JobLogCounter[] {
  return counters.includes('file_warning_count') ? counters : [...counters, 'file_warning_count'];
}
