import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CORRECTED_LOG_TYPES,
  INVENTED_FILE_TYPES,
  INVENTED_LOG_TYPES,
  IPS_DOCUMENTED_FILE_TYPES,
  IPS_DOCUMENTED_LOG_TYPES,
  type JobLogTypes,
} from '../../src/domain/job-log-types.js';
import { JOB_TYPES, jobTypeByElement } from '../../src/jobs/job-registry.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DOC = fs.readFileSync(path.join(ROOT, 'docs/job-log-types.md'), 'utf8');

/** Every name a job type's log types use. */
function namesOf(t: JobLogTypes): string[] {
  return [t.begin, t.end, t.success, t.failure, ...(t.archive ? [t.archive] : [])];
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(rel);
    return e.name.endsWith('.ts') ? [rel] : [];
  });
}

/**
 * The log types and file types written as literals in the code (`logType: 'X'`,
 * `logType: cond ? a : 'X'`, `assetType: 'X'`). Names that reach a row through
 * the registry are checked through the registry; a literal is how a name
 * outside it would slip in.
 */
function literals(): { logTypes: Map<string, string>; fileTypes: Map<string, string> } {
  const logTypes = new Map<string, string>();
  const fileTypes = new Map<string, string>();
  for (const file of ['src', 'activities', 'workflows'].flatMap(sourceFiles)) {
    const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
    for (const m of text.matchAll(/\blogType:\s*([^,}\n]+)/g)) {
      for (const q of m[1]!.matchAll(/'([A-Z]\w*)'/g)) logTypes.set(q[1]!, file);
    }
    for (const m of text.matchAll(/\bassetType:\s*'(\w+)'/g)) fileTypes.set(m[1]!, file);
  }
  return { logTypes, fileTypes };
}

/** The names of a `## heading` section's table rows (first cell, in backticks). */
function tableNames(heading: string): string[] {
  const start = DOC.indexOf(`\n## ${heading}\n`);
  expect(start, `docs/job-log-types.md has a "## ${heading}" section`).toBeGreaterThanOrEqual(0);
  const rest = DOC.slice(start + heading.length + 5);
  const section = rest.slice(0, rest.search(/\n## /) < 0 ? undefined : rest.search(/\n## /));
  return [...section.matchAll(/^\| `(\w+)` \|/gm)].map((m) => m[1]!);
}

/** The `### ` section of one job type in the document. */
function jobSection(element: string): string {
  const start = DOC.indexOf(`\n### \`${element}\``);
  expect(start, `docs/job-log-types.md has a "### \`${element}\`" section`).toBeGreaterThanOrEqual(0);
  const rest = DOC.slice(start + 1);
  const end = rest.slice(1).search(/\n##/);
  return end < 0 ? rest : rest.slice(0, end + 1);
}

function classify(name: string): 'documented' | 'corrected' | 'invented' | undefined {
  if (IPS_DOCUMENTED_LOG_TYPES.has(name)) return 'documented';
  if (Object.hasOwn(CORRECTED_LOG_TYPES, name)) return 'corrected';
  if (Object.hasOwn(INVENTED_LOG_TYPES, name)) return 'invented';
  return undefined;
}

describe('job-log type names', () => {
  it('classifies every log type the registry uses as IPS-documented, a corrected spelling or invented', () => {
    const unclassified = JOB_TYPES.flatMap((j) =>
      namesOf(j.logTypes)
        .filter((n) => !classify(n))
        .map((n) => `${j.element}: ${n}`),
    );
    expect(
      unclassified,
      'add each to IPS_DOCUMENTED_LOG_TYPES (if IPS documents or logs it) or INVENTED_LOG_TYPES with its reason, and to docs/job-log-types.md',
    ).toEqual([]);
  });

  it('classifies every log type and file type written as a literal in the code', () => {
    const { logTypes, fileTypes } = literals();
    // the scan does find what it looks for
    expect([...logTypes.keys()]).toEqual(expect.arrayContaining(['OriginalJobName', 'FatalError', 'DuplicateSkipped', 'SetGenerationWarning']));
    expect([...fileTypes.keys()]).toEqual(expect.arrayContaining(['MasterImage', 'NoType']));
    expect([...logTypes].filter(([n]) => !classify(n)).map(([n, file]) => `${file}: ${n}`)).toEqual([]);
    expect(
      [...fileTypes].filter(([n]) => !IPS_DOCUMENTED_FILE_TYPES.has(n) && !Object.hasOwn(INVENTED_FILE_TYPES, n)).map(([n, file]) => `${file}: ${n}`),
    ).toEqual([]);
  });

  it('keeps the lists apart, each correction pointing at a documented (sic) name, and nothing invented that is not used', () => {
    for (const [ours, printed] of Object.entries(CORRECTED_LOG_TYPES)) {
      expect(IPS_DOCUMENTED_LOG_TYPES.has(printed), `${ours} corrects ${printed}`).toBe(true);
      expect(IPS_DOCUMENTED_LOG_TYPES.has(ours), ours).toBe(false);
    }
    for (const name of Object.keys(INVENTED_LOG_TYPES)) {
      expect(IPS_DOCUMENTED_LOG_TYPES.has(name), name).toBe(false);
      expect(Object.hasOwn(CORRECTED_LOG_TYPES, name), name).toBe(false);
    }
    for (const name of Object.keys(INVENTED_FILE_TYPES)) expect(IPS_DOCUMENTED_FILE_TYPES.has(name), name).toBe(false);
    const used = new Set([...JOB_TYPES.flatMap((j) => namesOf(j.logTypes)), ...literals().logTypes.keys()]);
    expect(
      Object.keys(INVENTED_LOG_TYPES).filter((n) => !used.has(n)),
      'invented names nothing writes',
    ).toEqual([]);
    expect(
      Object.keys(CORRECTED_LOG_TYPES).filter((n) => !used.has(n)),
      'corrections nothing writes',
    ).toEqual([]);
    const usedFileTypes = new Set(literals().fileTypes.keys());
    expect(
      Object.keys(INVENTED_FILE_TYPES).filter((n) => !usedFileTypes.has(n)),
      'invented file types nothing writes',
    ).toEqual([]);
  });

  it("gives ExportJob IPS's own names, a files-only log and its archive row", () => {
    expect(jobTypeByElement('exportJob')!.logTypes).toEqual({
      begin: 'BeginExportJob',
      end: 'EndExportJob',
      success: 'ExportJobRenderFileSuccess',
      failure: 'ExportJobRenderFileError',
      archive: 'ZipFileExportJobSuccess',
      filesOnly: true,
    });
    expect(JOB_TYPES.filter((j) => j.logTypes.filesOnly || j.logTypes.archive).map((j) => j.element)).toEqual(['exportJob']);
  });
});

describe('docs/job-log-types.md', () => {
  it('lists exactly the invented names and the corrected spellings, each in its table', () => {
    expect(tableNames('Invented log types').sort()).toEqual(Object.keys(INVENTED_LOG_TYPES).sort());
    expect(tableNames('Corrected spellings').sort()).toEqual(Object.keys(CORRECTED_LOG_TYPES).sort());
    expect(tableNames('Invented file types').sort()).toEqual(Object.keys(INVENTED_FILE_TYPES).sort());
  });

  it('has a section per job type naming its IPS type and each of its log types', () => {
    for (const j of JOB_TYPES) {
      const section = jobSection(j.element);
      expect(section, j.element).toContain(`\`${j.ipsType}\``);
      for (const name of namesOf(j.logTypes)) expect(section, `${j.element}: ${name}`).toContain(`\`${name}\``);
    }
  });

  it('mentions every log type and file type the code writes as a literal', () => {
    const { logTypes, fileTypes } = literals();
    expect([...logTypes.keys(), ...fileTypes.keys()].filter((n) => !DOC.includes(`\`${n}\``))).toEqual([]);
  });
});
