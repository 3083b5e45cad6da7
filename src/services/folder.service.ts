import type { z } from 'zod';
import type { AssetRepository } from '../adapters/repositories/asset.repository.js';
import type { CompanyRepository } from '../adapters/repositories/company.repository.js';
import { type FolderRepository, type FolderRow, parentPath } from '../adapters/repositories/folder.repository.js';
import { faults } from '../domain/faults.js';
import { normalizeFolder } from '../domain/folders.js';
import { nameKey } from '../domain/handles.js';
import * as S from '../domain/schemas/folder.schema.js';
import type { Principal } from './principal.js';
import { companyOf } from './company-of.js';

type In<T extends z.ZodType> = z.output<T>;
type Out<T extends z.ZodType> = z.input<T>;

/** The most folders one getFolders / getFolderTree reply carries, as in IPS (Adobe IPS: c-methods/r-get-folders.md). */
export const MAX_FOLDERS_PER_REPLY = 100_000;

export interface FolderDeps {
  folders: FolderRepository;
  companies: CompanyRepository;
  assets: AssetRepository;
}

interface Located {
  root: string;
  path: string;
}

/**
 * The folder operations (docs/folders.md). Folders are rows of the folders
 * table; assets name theirs by path, so renaming or moving a folder rewrites
 * the paths below it (FolderRepository.relocate) and its handle changes with
 * its path (S.folderHandleOf).
 */
export class FolderService {
  constructor(private readonly deps: FolderDeps) {}

  async createFolder(p: In<typeof S.createFolderParam>): Promise<Out<typeof S.createFolderReturn>> {
    const { root, path } = await this.locate(p.companyHandle, p.folderPath, 'folderPath');
    if (nameKey(path) === nameKey(root)) throw faults.conflict('folderPath', `folderPath: the company root '${root}' already exists`);
    if (await this.deps.folders.find(p.companyHandle, path)) throw faults.conflict('folderPath', `folderPath: a folder '${path}' already exists`);
    const parent = parentPath(path)!;
    // The caller needs access to the parent folder (Adobe IPS: c-methods/r-create-folder.md), so it must exist; the root always does.
    if (nameKey(parent) !== nameKey(root) && !(await this.deps.folders.find(p.companyHandle, parent))) {
      throw faults.notFound('folderPath', 'parent folder', parent);
    }
    await this.refuseAssetName(p.companyHandle, leafName(path), 'folderPath');
    return { folderHandle: S.folderHandleOf(await this.deps.folders.ensurePath(p.companyHandle, path)) };
  }

  async getFolders(p: In<typeof S.getFoldersParam>): Promise<Out<typeof S.getFoldersReturn>> {
    const rows = await this.subtree(p.companyHandle, p.folderPath);
    const parents = new Set(rows.map((r) => r.parent_key));
    return { folderArray: { items: rows.map((r) => toFolder(r, parents.has(r.path_key))) } };
  }

  async getFolderTree(p: In<typeof S.getFolderTreeParam>): Promise<Out<typeof S.getFolderTreeReturn>> {
    const rows = await this.subtree(p.companyHandle, p.folderPath);
    const [top] = rows;
    if (!top) return {};
    const children = new Map<string, FolderRow[]>();
    for (const row of rows.slice(1)) {
      const siblings = children.get(row.parent_key ?? '') ?? [];
      siblings.push(row);
      children.set(row.parent_key ?? '', siblings);
    }
    const build = (row: FolderRow, level: number): S.Folder => {
      const below = children.get(row.path_key) ?? [];
      const folder = toFolder(row, below.length > 0);
      // depth 0 = the start folder alone; a negative depth (the Docs' example sends -1) = every level.
      if (below.length === 0 || (p.depth >= 0 && level >= p.depth)) return folder;
      return { ...folder, subfolderArray: { items: below.map((child) => build(child, level + 1)) } };
    };
    return { folders: build(top, 0) };
  }

  async renameFolder(p: In<typeof S.renameFolderParam>): Promise<Out<typeof S.folderHandleReturn>> {
    const name = folderName(p.folderName);
    const { row } = await this.folderOf(p.companyHandle, p.folderHandle, 'folderHandle');
    const target = `${parentPath(row.path)}${name}/`;
    if (nameKey(target) !== row.path_key) {
      if (await this.deps.folders.find(p.companyHandle, target)) throw faults.conflict('folderName', `folderName: a folder '${target}' already exists`);
      await this.refuseAssetName(p.companyHandle, name, 'folderName');
    }
    await this.deps.folders.relocate(p.companyHandle, row.path, target);
    return { folderHandle: S.folderHandleOf(target) };
  }

  async moveFolder(p: In<typeof S.moveFolderParam>): Promise<Out<typeof S.folderHandleReturn>> {
    const { row } = await this.folderOf(p.companyHandle, p.folderHandle, 'folderHandle');
    const dest = await this.folderOf(p.companyHandle, p.destFolderHandle, 'destFolderHandle', { rootAllowed: true });
    if (dest.row.path_key.startsWith(row.path_key)) {
      throw faults.invalid('destFolderHandle', `a folder outside '${row.path}' (a folder cannot move into itself)`, p.destFolderHandle);
    }
    if (row.parent_key === dest.row.path_key) return { folderHandle: S.folderHandleOf(row.path) };
    const target = `${dest.row.path}${leafName(row.path)}/`;
    if (await this.deps.folders.find(p.companyHandle, target))
      throw faults.conflict('destFolderHandle', `destFolderHandle: a folder '${target}' already exists`);
    await this.deps.folders.relocate(p.companyHandle, row.path, target);
    return { folderHandle: S.folderHandleOf(target) };
  }

  /** Deletes the folder and its subfolders; their assets go to the trash, as in IPS (docs/folders.md). */
  async deleteFolder(caller: Principal, p: In<typeof S.deleteFolderParam>): Promise<Record<string, never>> {
    const { row } = await this.folderOf(p.companyHandle, p.folderHandle, 'folderHandle');
    await this.deps.folders.deleteSubtree(p.companyHandle, row.path, caller.email);
    return {};
  }

  private async locate(companyHandle: string, input: string | undefined, field: string): Promise<Located> {
    const company = await companyOf(this.deps.companies, companyHandle);
    const root = normalizeFolder('', company.root_path, field);
    return { root, path: normalizeFolder(input, company.root_path, field) };
  }

  /** The folder a handle names; the company root only where `rootAllowed` (it cannot be renamed, moved or deleted). */
  private async folderOf(companyHandle: string, folderHandle: string, field: string, opts: { rootAllowed?: boolean } = {}): Promise<{ row: FolderRow }> {
    const { root, path } = await this.locate(companyHandle, S.folderPathOfHandle(folderHandle), field);
    const isRoot = nameKey(path) === nameKey(root);
    if (isRoot && !opts.rootAllowed)
      throw faults.invalid(field, 'a folder below the company root (the root cannot be renamed, moved or deleted)', folderHandle);
    const row = await this.deps.folders.find(companyHandle, path);
    if (!row) throw faults.notFound(field, 'folder', folderHandle);
    return { row };
  }

  /** The start folder and everything below it, in path order (the start folder first). */
  private async subtree(companyHandle: string, folderPath: string | undefined): Promise<FolderRow[]> {
    const { path } = await this.locate(companyHandle, folderPath, 'folderPath');
    const rows = await this.deps.folders.subtree(companyHandle, path, MAX_FOLDERS_PER_REPLY);
    if (rows[0]?.path_key === nameKey(path)) return rows;
    throw faults.notFound('folderPath', 'folder', folderPath ?? path);
  }

  /** Folders and assets share one namespace (Adobe IPS: c-methods/r-get-folders.md, "Purpose of Folders"). */
  private async refuseAssetName(companyHandle: string, name: string, field: string): Promise<void> {
    if (await this.deps.assets.findLiveByName(companyHandle, nameKey(name))) {
      throw faults.conflict(field, `${field}: an asset named '${name}' exists; folders and assets share one namespace`);
    }
  }
}

function toFolder(row: FolderRow, hasSubfolders: boolean): S.Folder {
  return { folderHandle: S.folderHandleOf(row.path), path: row.path, lastModified: row.last_modified, hasSubfolders };
}

function leafName(path: string): string {
  return path.slice(path.slice(0, -1).lastIndexOf('/') + 1, -1);
}

/** One path segment: no slashes, backslashes or control characters, not '.' or '..'. */
function folderName(input: string): string {
  const name = input.trim();
  if (/[\u0000-\u001f\u007f\\/]/.test(name) || name === '.' || name === '..') {
    throw faults.invalid('folderName', 'one folder name without slashes, backslashes or control characters', input);
  }
  return name;
}
