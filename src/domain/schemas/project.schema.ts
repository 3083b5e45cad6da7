import { z } from 'zod';
import { assetBatchReturn } from './asset-lifecycle.schema.js';
import { handle, itemsArray, itemsOf } from './common.schema.js';

/**
 * Projects (docs/projects.md): createProject, getProjects, renameProject,
 * deleteProject and add/remove/setProjectAssets, plus the projectHandleArray
 * the upload and reprocess jobs take. Field names and order follow the IPS XSD.
 */

/** The longest project name: the catalog's `projects.name` column. */
export const MAX_PROJECT_NAME_LENGTH = 256;
/** Assets per add/remove/setProjectAssets call, as for deleteAssets and the other asset batches. */
export const MAX_PROJECT_ASSETS_PER_CALL = 1000;
/** Projects one job may put its assets in: each is checked at submit and written with every item. */
export const MAX_JOB_PROJECTS = 100;

/** The IPS shape `p|<company id>|<name>` (Adobe IPS: c-methods/r-create-project.md); opaque to clients. */
export const projectHandleOf = (companyHandle: string, name: string, suffix?: string): string =>
  `p|${companyHandle.replace(/^c\|/, '')}|${name}${suffix ? `~${suffix}` : ''}`;

const projectName = z.string().trim().min(1).max(MAX_PROJECT_NAME_LENGTH);

/** projectHandleArray of UploadUrlsJob, UploadDirectoryJob, UploadPostJob, ReprocessAssetsJob and RipPdfsJob. */
export const projectHandleArray = itemsArray(handle, MAX_JOB_PROJECTS);

export const createProjectParam = z.strictObject({ companyHandle: handle, projectName });
export const projectHandleReturn = z.object({ projectHandle: z.string() });

export const getProjectsParam = z.strictObject({ companyHandle: handle });

/** Project (XSD order). */
export const project = z.object({ projectHandle: z.string(), name: z.string() });
export const getProjectsReturn = z.object({ projectArray: itemsOf(project) });
export type GetProjectsReturn = z.input<typeof getProjectsReturn>;

export const renameProjectParam = z.strictObject({ companyHandle: handle, projectHandle: handle, projectName });
export const deleteProjectParam = z.strictObject({ companyHandle: handle, projectHandle: handle });

/** addProjectAssets, removeProjectAssets and setProjectAssets take the same three fields. */
export const projectAssetsParam = z.strictObject({
  companyHandle: handle,
  projectHandle: handle,
  assetHandleArray: itemsArray(handle, MAX_PROJECT_ASSETS_PER_CALL),
});

/** The count/detail reply deleteAssets gives (AssetOperationFaultArray details). */
export const projectAssetsReturn = assetBatchReturn;
