import type { z } from 'zod';
import type { AssetRepository } from '../../adapters/repositories/asset.repository.js';
import type { CompanyRepository } from '../../adapters/repositories/company.repository.js';
import type { ProjectRepository, ProjectRow } from '../../adapters/repositories/project.repository.js';
import { FaultCode, faults } from '../../domain/faults.js';
import { nameKey, nowIso, randomId } from '../../domain/handles.js';
import type { AssetBatchReturn, AssetOperationFault } from '../../domain/schemas/asset-lifecycle.schema.js';
import * as S from '../../domain/schemas/project.schema.js';
import { companyOf } from '../company-of.js';

type In<T extends z.ZodType> = z.output<T>;
type Out<T extends z.ZodType> = z.input<T>;

export interface ProjectDeps {
  projects: ProjectRepository;
  assets: AssetRepository;
  companies: CompanyRepository;
}

const CONTROL = /[\u0000-\u001f\u007f]/;

/** What the project operations do with one listed asset. */
type AssetVerdict = { kind: 'error'; fault: AssetOperationFault } | { kind: 'ok'; assetHandle: string };

/**
 * The project operations (docs/projects.md): named groups of a company's live
 * assets. Deleting a project removes its memberships and never its assets;
 * the asset operations refuse unknown, foreign and trashed assets per asset,
 * in the count/detail reply deleteAssets gives.
 */
export class ProjectService {
  constructor(private readonly deps: ProjectDeps) {}

  async createProject(p: In<typeof S.createProjectParam>): Promise<Out<typeof S.projectHandleReturn>> {
    await companyOf(this.deps.companies, p.companyHandle);
    const name = projectName(p.projectName);
    const key = nameKey(name);
    const now = nowIso();
    // The name-derived handle first (IPS's shape); one a renamed project still holds gets a suffix.
    for (let attempt = 0; attempt < 5; attempt++) {
      await this.refuseTakenName(p.companyHandle, key, name);
      const projectHandle = S.projectHandleOf(p.companyHandle, name, attempt === 0 ? undefined : randomId(6));
      const row: ProjectRow = { project_handle: projectHandle, company_handle: p.companyHandle, name, name_key: key, created: now, last_modified: now };
      if (await this.deps.projects.insert(row)) return { projectHandle };
    }
    throw new Error(`no free project handle for '${name}' after 5 attempts`);
  }

  async getProjects(p: In<typeof S.getProjectsParam>): Promise<S.GetProjectsReturn> {
    await companyOf(this.deps.companies, p.companyHandle);
    const rows = await this.deps.projects.list(p.companyHandle);
    return { projectArray: { items: rows.map((r) => ({ projectHandle: r.project_handle, name: r.name })) } };
  }

  /**
   * The handle stays what it was: running jobs and clients holding it keep
   * working (IPS's example shows a new handle; handles are opaque either way).
   */
  async renameProject(p: In<typeof S.renameProjectParam>): Promise<Out<typeof S.projectHandleReturn>> {
    const project = await this.project(p.companyHandle, p.projectHandle);
    const name = projectName(p.projectName);
    const key = nameKey(name);
    await this.refuseTakenName(p.companyHandle, key, name, project.project_handle);
    if (!(await this.deps.projects.rename(p.companyHandle, project.project_handle, { name, name_key: key, last_modified: nowIso() }))) {
      throw taken(name);
    }
    return { projectHandle: project.project_handle };
  }

  async deleteProject(p: In<typeof S.deleteProjectParam>): Promise<Record<string, never>> {
    await companyOf(this.deps.companies, p.companyHandle);
    if (!(await this.deps.projects.delete(p.companyHandle, p.projectHandle))) throw faults.notFound('projectHandle', 'project', p.projectHandle);
    return {};
  }

  /** An asset already in the project is a warning row: asking for what is already so changes nothing. */
  async addProjectAssets(p: In<typeof S.projectAssetsParam>): Promise<AssetBatchReturn> {
    const project = await this.project(p.companyHandle, p.projectHandle);
    const { errors, ok } = await this.sort(p.companyHandle, p.assetHandleArray);
    const already = await this.deps.projects.membersAmong(project.project_handle, ok);
    const warnings = ok.filter((h) => already.has(h)).map((h) => warning(h, `asset '${h}' is already in project '${project.name}'`));
    const added = ok.filter((h) => !already.has(h));
    await this.deps.projects.addAssets(project.project_handle, added, nowIso());
    return reply(added.length, warnings, errors);
  }

  /** An asset not in the project is a warning row: it is already out. */
  async removeProjectAssets(p: In<typeof S.projectAssetsParam>): Promise<AssetBatchReturn> {
    const project = await this.project(p.companyHandle, p.projectHandle);
    const { errors, ok } = await this.sort(p.companyHandle, p.assetHandleArray);
    const members = await this.deps.projects.membersAmong(project.project_handle, ok);
    const warnings = ok.filter((h) => !members.has(h)).map((h) => warning(h, `asset '${h}' is not in project '${project.name}'`));
    const removed = ok.filter((h) => members.has(h));
    await this.deps.projects.removeAssets(project.project_handle, removed);
    return reply(removed.length, warnings, errors);
  }

  /**
   * The listed live assets become exactly the project's assets: the others
   * leave it (trashed ones included: they were not listed). A refused asset
   * is an error row and is not a member afterwards.
   */
  async setProjectAssets(p: In<typeof S.projectAssetsParam>): Promise<AssetBatchReturn> {
    const project = await this.project(p.companyHandle, p.projectHandle);
    const { errors, ok } = await this.sort(p.companyHandle, p.assetHandleArray);
    await this.deps.projects.replaceAssets(project.project_handle, ok, nowIso());
    return reply(ok.length, [], errors);
  }

  /** Each distinct handle once, in order: a live asset of the company, or its error row. */
  private async sort(companyHandle: string, handles: readonly string[]): Promise<{ errors: AssetOperationFault[]; ok: string[] }> {
    const distinct = [...new Set(handles)];
    const rows = new Map((await this.deps.assets.findByHandles(companyHandle, distinct)).map((a) => [a.asset_handle, a]));
    const verdicts: AssetVerdict[] = distinct.map((h) => {
      const asset = rows.get(h);
      // Another company's asset is unknown here, like a missing one.
      if (!asset) return { kind: 'error', fault: asFault(h, faults.notFound('assetHandle', 'asset', h)) };
      if (asset.trash_state !== 'NotInTrash')
        return { kind: 'error', fault: asFault(h, faults.invalid('assetHandle', 'an asset that is not in the trash', h)) };
      return { kind: 'ok', assetHandle: h };
    });
    return {
      errors: verdicts.flatMap((v) => (v.kind === 'error' ? [v.fault] : [])),
      ok: verdicts.flatMap((v) => (v.kind === 'ok' ? [v.assetHandle] : [])),
    };
  }

  private async refuseTakenName(companyHandle: string, key: string, name: string, except?: string): Promise<void> {
    const holder = await this.deps.projects.findByNameKey(companyHandle, key);
    if (holder && holder.project_handle !== except) throw taken(name);
  }

  /** The company's project; another company's is unknown here, like a missing one. */
  private async project(companyHandle: string, projectHandle: string): Promise<ProjectRow> {
    await companyOf(this.deps.companies, companyHandle);
    const project = await this.deps.projects.find(companyHandle, projectHandle);
    if (!project) throw faults.notFound('projectHandle', 'project', projectHandle);
    return project;
  }
}

/** A name the schema let through (trimmed, 1 to 256 characters) that a project still cannot carry. */
function projectName(name: string): string {
  if (CONTROL.test(name)) throw faults.invalid('projectName', 'a name without control characters', name);
  return name.normalize('NFC');
}

function taken(name: string) {
  return faults.conflict('projectName', `projectName: a project named '${name}' already exists in this company`);
}

function asFault(assetHandle: string, fault: { code: number; reason: string }): AssetOperationFault {
  return { assetHandle, code: fault.code, reason: fault.reason };
}

/** A warning row: the asset was left as it was, with the reason; 30001 as IPS gives no code of its own for one. */
function warning(assetHandle: string, reason: string): AssetOperationFault {
  return { assetHandle, code: FaultCode.InvalidParameter, reason };
}

function reply(successCount: number, warnings: AssetOperationFault[], errors: AssetOperationFault[]): AssetBatchReturn {
  return {
    successCount,
    warningCount: warnings.length,
    errorCount: errors.length,
    ...(warnings.length ? { warningDetailArray: { items: warnings } } : {}),
    ...(errors.length ? { errorDetailArray: { items: errors } } : {}),
  };
}
