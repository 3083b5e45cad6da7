import type { FieldRule, FieldTable } from './job-fields-rule.js';

/** projectHandleArray on the upload, reprocess and RipPdfs jobs (docs/projects.md#jobs). */
export const PROJECT_HANDLE_ARRAY: FieldRule = {
  honoured: 'every asset an item commits (with its pages and layers) joins these projects of the company (checked at submit)',
  tests: ['projects-jobs.test.ts'],
};

const companyHandle: FieldRule = { honoured: 'the company', tests: ['projects.test.ts'] };
const projectHandle: FieldRule = { honoured: 'a project of the company', tests: ['projects.test.ts'] };

/** The field table's part for the project operations (docs/projects.md), by `<operation>Param` (see job-fields.ts). */
export const PROJECT_OPERATION_FIELDS: FieldTable = {
  createProjectParam: {
    companyHandle,
    projectName: { honoured: 'the name (unique in the company, compared case-insensitively)', tests: ['projects.test.ts', 'soap-zeep-projects.test.ts'] },
  },
  getProjectsParam: { companyHandle: { honoured: 'the company whose projects are listed by name', tests: ['projects.test.ts', 'soap-zeep-projects.test.ts'] } },
  renameProjectParam: {
    companyHandle,
    projectHandle,
    projectName: { honoured: 'the new name (unique in the company); the handle stays', tests: ['projects.test.ts'] },
  },
  deleteProjectParam: {
    companyHandle,
    projectHandle: { honoured: 'the project deleted with its memberships (never its assets)', tests: ['projects.test.ts'] },
  },
  addProjectAssetsParam: {
    companyHandle,
    projectHandle,
    assetHandleArray: { honoured: 'live assets added (a member already: warning row; unknown or trashed: error row)', tests: ['projects.test.ts'] },
  },
  removeProjectAssetsParam: {
    companyHandle,
    projectHandle,
    assetHandleArray: { honoured: 'assets taken out (not a member: warning row; unknown or trashed: error row)', tests: ['projects.test.ts'] },
  },
  setProjectAssetsParam: {
    companyHandle,
    projectHandle,
    assetHandleArray: { honoured: "the live assets that become exactly the project's (unknown or trashed: error row)", tests: ['projects.test.ts'] },
  },
};
