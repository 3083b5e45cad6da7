import { z } from 'zod';
import { handle, itemsOf, nonEmpty, notSupportedYet, refused } from './common.schema.js';

/**
 * Folder handles follow the path, in the `f|<path>` style IPS shows
 * (Adobe IPS: c-methods/r-move-folder.md): renameFolder and moveFolder return
 * the folder's new handle, and the handles of its subfolders change with it
 * (docs/folders.md). Clients should still treat them as opaque.
 */
export const folderHandleOf = (path: string): string => `f|${path}`;

/** The folder path a handle names: `f|<path>`, or the bare path older IPS replies used. */
export const folderPathOfHandle = (folderHandle: string): string => (folderHandle.startsWith('f|') ? folderHandle.slice(2) : folderHandle);

const noPermissions = {
  accessUserHandle: notSupportedYet('accessUserHandle (folder permissions)'),
  accessGroupHandle: notSupportedYet('accessGroupHandle (folder permissions)'),
};
const noFieldSelection = {
  // IPS documents no field names for folders, so a selection cannot be honoured.
  responseFieldArray: refused('no responseFieldArray for folders (every Folder field this server has is returned)'),
  excludeFieldArray: refused('no excludeFieldArray for folders (every Folder field this server has is returned)'),
};
const folderPath = z.string().max(1024);

export const createFolderParam = z.strictObject({ companyHandle: handle, folderPath: nonEmpty(1024) });
export const createFolderReturn = z.object({ folderHandle: z.string() });

export const getFoldersParam = z.strictObject({
  companyHandle: handle,
  ...noPermissions,
  folderPath: folderPath.optional(),
  assetTypeArray: notSupportedYet('assetTypeArray (folders filtered by the asset types they hold)'),
  ...noFieldSelection,
});

export const getFolderTreeParam = z.strictObject({
  companyHandle: handle,
  ...noPermissions,
  folderPath: folderPath.optional(),
  /** 0 = the start folder only, n = n levels below it, negative = every level */
  depth: z.number().int(),
  assetTypeArray: notSupportedYet('assetTypeArray (folders filtered by the asset types they hold)'),
  ...noFieldSelection,
});

export const renameFolderParam = z.strictObject({ companyHandle: handle, folderHandle: handle, folderName: nonEmpty(255) });
export const moveFolderParam = z.strictObject({ companyHandle: handle, folderHandle: handle, destFolderHandle: handle });
export const deleteFolderParam = z.strictObject({ companyHandle: handle, folderHandle: handle });
export const folderHandleReturn = z.object({ folderHandle: z.string() });

/**
 * Folder (XSD order). childLastModified and permissionSetHandle are never
 * set: this server keeps no folder permissions, and tracking the newest child
 * change would cost a write on every upload (docs/folders.md). The getter
 * makes the type recursive while the SOAP contract can still read its shape.
 */
export const folder = z.object({
  folderHandle: z.string(),
  path: z.string(),
  lastModified: z.string(),
  childLastModified: z.string().optional(),
  permissionSetHandle: z.string().optional(),
  hasSubfolders: z.boolean(),
  get subfolderArray() {
    return itemsOf(folder).optional();
  },
});
export type Folder = z.input<typeof folder>;

export const getFoldersReturn = z.object({ folderArray: itemsOf(folder).optional() });
export const getFolderTreeReturn = z.object({ folders: folder.optional() });
