import { type FieldTable, refused } from './job-fields-rule.js';

const noPermissions = {
  accessUserHandle: refused('folder permissions are not supported'),
  accessGroupHandle: refused('user groups are not supported'),
};
const noFieldSelection = {
  responseFieldArray: refused('no field selection for folders'),
  excludeFieldArray: refused('no field selection for folders'),
};
const byTypes = refused('folders filtered by the asset types they hold are not supported yet');

/** The field table's part for the folder operations (docs/folders.md), by `<operation>Param` (see job-fields.ts). */
export const FOLDER_OPERATION_FIELDS: FieldTable = {
  createFolderParam: {
    companyHandle: { honoured: 'the company', tests: ['folders.test.ts'] },
    folderPath: { honoured: 'the new folder, under an existing parent', tests: ['folders.test.ts'] },
  },
  getFoldersParam: {
    companyHandle: { honoured: 'the company', tests: ['folders.test.ts'] },
    ...noPermissions,
    folderPath: { honoured: 'the start folder (the company root when left out)', tests: ['folders.test.ts'] },
    assetTypeArray: byTypes,
    ...noFieldSelection,
  },
  getFolderTreeParam: {
    companyHandle: { honoured: 'the company', tests: ['folders.test.ts', 'soap-zeep-folders.test.ts'] },
    ...noPermissions,
    folderPath: { honoured: 'the top of the tree (the company root when left out)', tests: ['folders.test.ts'] },
    depth: { honoured: '0: the top folder only; n: n levels; negative: every level', tests: ['folders.test.ts', 'soap-zeep-folders.test.ts'] },
    assetTypeArray: byTypes,
    ...noFieldSelection,
  },
  renameFolderParam: {
    companyHandle: { honoured: 'the company', tests: ['folders.test.ts'] },
    folderHandle: { honoured: 'the folder renamed, with its subfolders and assets', tests: ['folders.test.ts'] },
    folderName: { honoured: 'its new name (not one an asset or sibling folder holds)', tests: ['folders.test.ts'] },
  },
  moveFolderParam: {
    companyHandle: { honoured: 'the company', tests: ['folders.test.ts'] },
    folderHandle: { honoured: 'the folder moved, with its subtree', tests: ['folders.test.ts'] },
    destFolderHandle: { honoured: 'the new parent (never the folder itself or below it)', tests: ['folders.test.ts'] },
  },
  deleteFolderParam: {
    companyHandle: { honoured: 'the company', tests: ['folders.test.ts'] },
    folderHandle: { honoured: 'the folder removed; its subfolders go too and their assets to the trash', tests: ['folders.test.ts'] },
  },
};
