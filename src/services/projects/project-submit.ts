import type { ProjectRepository } from '../../adapters/repositories/project.repository.js';
import { faults } from '../../domain/faults.js';

/**
 * A job's projectHandleArray, checked at submit: every handle names a project
 * of the job's company, so a typo is a fault naming the entry now rather than
 * a warning on every item later. Another company's project is unknown here,
 * like a missing one.
 */
export async function checkProjectHandles(projects: ProjectRepository, companyHandle: string, field: string, handles: readonly string[]): Promise<void> {
  const existing = await projects.existing(companyHandle, handles);
  const i = handles.findIndex((h) => !existing.has(h));
  if (i >= 0) throw faults.notFound(`${field}.items[${i}]`, 'project', handles[i]!);
}
