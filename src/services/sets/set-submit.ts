import type { SetRepository } from '../../adapters/repositories/set.repository.js';
import { faults } from '../../domain/faults.js';

/** autoSetsArray entries must name set-generation scripts of the job's company: a wrong handle is refused now, naming the entry. */
export async function checkSetScripts(sets: SetRepository, companyHandle: string, field: string, handles: readonly string[]): Promise<void> {
  const known = new Set((await sets.findScripts(companyHandle, [...new Set(handles)])).map((s) => s.script_handle));
  const at = handles.findIndex((h) => !known.has(h));
  if (at >= 0) throw faults.notFound(`${field}[${at}]`, 'set-generation script', handles[at]!);
}
