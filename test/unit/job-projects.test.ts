import { describe, expect, it } from 'vitest';
import type { ProjectRepository } from '../../src/adapters/repositories/project.repository.js';
import type { TransactionRepositories } from '../../src/adapters/repositories/unit-of-work.js';
import type { FileResult, JobIdentity } from '../../src/jobs/contracts.js';
import type { ItemLedger, LedgerEntry } from '../../src/services/assets/item-ledger.js';
import { recordInProjects } from '../../src/services/projects/job-projects.js';

const job: JobIdentity = {
  jobHandle: 'j|1||up|x',
  companyHandle: 'c|1',
  jobName: 'up',
  originalName: 'up',
  submitUserHandle: 'u|1',
  submitUserEmail: 'a@b.c',
  jobType: 'UploadPost',
};

const entry: LedgerEntry = {
  itemId: 'i1',
  status: 'success',
  assetHandle: 'a|photo',
  details: [
    { logType: 'UploadSuccess', messageKey: 'fileProcessed', messageArgs: { path: 'C/photo.jpg' }, assetHandle: 'a|photo' },
    { logType: 'UploadSuccess', messageKey: 'fileProcessed', messageArgs: { path: 'C/photo-1' }, assetHandle: 'a|page' },
  ],
  counters: ['file_success_count', 'total_file_count'],
};

/**
 * A catalog of projects as the database would hold it, and a ledger that runs
 * the item's write the way JobLogRepository.recordItem does: a throw rolls the
 * whole record back (nothing is kept), a return commits it.
 */
function world(initial: string[], { deleteBeforeFirstCommit }: { deleteBeforeFirstCommit?: string } = {}) {
  const projects = new Set(initial);
  const memberships: Array<[string, string]> = [];
  const committed: LedgerEntry[] = [];
  let looks = 0;
  const repo = {
    existing: async (_company: string, handles: readonly string[]) => {
      looks += 1;
      const found = new Set(handles.filter((h) => projects.has(h)));
      // The project goes between the first look and the first transaction.
      if (looks === 1 && deleteBeforeFirstCommit) projects.delete(deleteBeforeFirstCommit);
      return found;
    },
    addToExisting: async (_company: string, handles: readonly string[], assets: readonly string[]) => {
      const live = new Set(handles.filter((h) => projects.has(h)));
      for (const p of live) for (const a of assets) memberships.push([p, a]);
      return live;
    },
  } as unknown as ProjectRepository;
  const ledger = {
    record: async (_job: JobIdentity, e: LedgerEntry): Promise<FileResult> => {
      const pending: Array<[string, string]> = [];
      const tx = {
        projects: {
          addToExisting: async (c: string, h: readonly string[], a: readonly string[]) => {
            const before = memberships.length;
            const live = await repo.addToExisting(c, h, a, 'now');
            pending.push(...memberships.splice(before));
            return live;
          },
        },
      } as unknown as TransactionRepositories;
      await e.write?.(tx);
      memberships.push(...pending);
      committed.push(e);
      return { itemId: e.itemId, status: e.status };
    },
  } as unknown as ItemLedger;
  return { deps: { ledger, projects: repo }, memberships, committed };
}

describe('recordInProjects (docs/projects.md#jobs)', () => {
  it("puts every asset the item's rows name in each project, once per item", async () => {
    const w = world(['p|1|A', 'p|1|B']);
    await recordInProjects(w.deps, job, entry, { projectHandles: ['p|1|A', 'p|1|B', 'p|1|A'], path: 'C/photo.jpg' });
    expect(w.memberships.sort()).toEqual([
      ['p|1|A', 'a|page'],
      ['p|1|A', 'a|photo'],
      ['p|1|B', 'a|page'],
      ['p|1|B', 'a|photo'],
    ]);
    expect(w.committed).toHaveLength(1);
    expect(w.committed[0]!.details).toHaveLength(2);
  });

  it('records a failed or skipped item as it is, joining nothing', async () => {
    const w = world(['p|1|A']);
    await recordInProjects(w.deps, job, { ...entry, status: 'duplicate' }, { projectHandles: ['p|1|A'], path: 'C/photo.jpg' });
    await recordInProjects(w.deps, job, { ...entry, status: 'error' }, { projectHandles: ['p|1|A'], path: 'C/photo.jpg' });
    expect(w.memberships).toEqual([]);
    expect(w.committed.map((e) => e.details.length)).toEqual([2, 2]);
  });

  it('warns about a project deleted before the item commits and does not bring it back', async () => {
    const w = world(['p|1|A']);
    await recordInProjects(w.deps, job, entry, { projectHandles: ['p|1|A', 'p|1|Gone'], path: 'C/photo.jpg' });
    expect(w.memberships.map(([p]) => p)).toEqual(['p|1|A', 'p|1|A']);
    const last = w.committed[0]!;
    expect(last.counters).toEqual(['file_success_count', 'total_file_count', 'file_warning_count']);
    expect(last.details[2]).toMatchObject({
      logType: 'UploadWarning',
      assetHandle: 'a|photo',
      messageArgs: { path: 'C/photo.jpg', reason: "not added to project 'p|1|Gone': the project was deleted while the job ran" },
    });
  });

  it('redoes the commit when a project goes between the look and the transaction, so the warning names it', async () => {
    const w = world(['p|1|A', 'p|1|B'], { deleteBeforeFirstCommit: 'p|1|B' });
    await recordInProjects(w.deps, job, entry, { projectHandles: ['p|1|A', 'p|1|B'], path: 'C/photo.jpg' });
    // The first attempt rolled back (nothing of it kept); the second recorded the warning.
    expect(w.committed).toHaveLength(1);
    expect(w.memberships.map(([p]) => p)).toEqual(['p|1|A', 'p|1|A']);
    expect(w.committed[0]!.details.filter((d) => d.logType === 'UploadWarning')).toHaveLength(1);
    expect(w.committed[0]!.counters).toContain('file_warning_count');
  });
});
