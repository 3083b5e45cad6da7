import { z } from 'zod';
import { itemsArray, notSupportedYet, withAliases } from './common.schema.js';
import { callbackUrl, imageRenderingPublishJob, imageServingPublishJob, videoPublishJob } from './job.schema.js';
import { UPLOAD_ALIASES, oneCrop, uploadJobShape } from './upload.schema.js';

/**
 * UploadUrlsJob and UploadDirectoryJob (Adobe IPS: data-types/r-upload-urls-job,
 * data-types/r-upload-directory-job): the UploadFile
 * servlet's options (same schemas, same refusals: document and layer options
 * are for a reprocessAssetsJob afterwards; at most one crop), plus what each
 * job adds. Both are per-item jobs, so postHttpUrl is delivered as for a
 * reprocess job; follow-on publish jobs are not offered on uploads yet.
 */
const submittedUploadShape = {
  ...uploadJobShape,
  // The follow-on publish job, as a reprocess job has it (workflows/follow-on-publish.ts).
  postJobOnlyIfFiles: z.boolean().optional(),
  postHttpUrl: callbackUrl.optional(),
  postImageServingPublishJob: imageServingPublishJob.optional(),
  postImageRenderingPublishJob: imageRenderingPublishJob.optional(),
  postVideoPublishJob: videoPublishJob.optional(),
};

/** At most one follow-on publish job (ReprocessAssetsJob's rule, Adobe IPS: data-types/r-reprocess-assets-job; on the upload jobs too). */
function oneFollowOn<J extends { postImageServingPublishJob?: unknown; postImageRenderingPublishJob?: unknown; postVideoPublishJob?: unknown }>(
  j: J,
  ctx: z.RefinementCtx<J>,
): void {
  const posts = (['postImageServingPublishJob', 'postImageRenderingPublishJob', 'postVideoPublishJob'] as const).filter((k) => j[k] !== undefined);
  if (posts.length > 1) ctx.addIssue({ code: 'custom', path: [posts[1]!], message: 'at most one post*PublishJob', input: posts.join(' and ') });
}

/** Most URLs per job: the list travels in the workflow input and memo, which Temporal caps at a few MB. */
export const MAX_UPLOAD_URLS = 1000;

const CONTROL = /[\u0000-\u001f\u007f]/;

/** Why an IPS path (folder, optionally + file name) is unusable, or undefined. */
export function ipsPathProblem(value: string): string | undefined {
  if (CONTROL.test(value) || value.includes('\\')) return 'a path without control characters or backslashes';
  if (value.split('/').some((p) => p === '.' || p === '..')) return "a path without '.' or '..' segments";
  return undefined;
}

/** The file name a URL names: its last path segment, decoded; undefined when it has none. */
export function urlFileName(url: string): string | undefined {
  let last: string;
  try {
    last = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
  } catch {
    return undefined;
  }
  if (!last || last === '.' || last === '..' || CONTROL.test(last) || /[\\/]/.test(last) || last.length > 255) return undefined;
  return last;
}

/**
 * Where a URL goes: destPath is the company folder plus, unless it ends in
 * `/`, the file name (destPath is "the IPS file path and name": Adobe IPS: data-types/r-upload-url); a folder
 * alone takes the file name from the URL.
 */
export function splitDestPath(destPath: string, sourceUrl: string): { folder: string; fileName: string | undefined } {
  const trimmed = destPath.trim();
  if (trimmed === '' || trimmed.endsWith('/')) return { folder: trimmed, fileName: urlFileName(sourceUrl) };
  const slash = trimmed.lastIndexOf('/');
  return { folder: trimmed.slice(0, slash + 1), fileName: trimmed.slice(slash + 1) };
}

/** An http(s) URL without credentials (they would end up in job logs); where it may point is checked when it is fetched. */
export const sourceUrl = z
  .string()
  .trim()
  .max(2048)
  .superRefine((raw, ctx) => {
    let url: URL | undefined;
    try {
      url = new URL(raw);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) {
      ctx.addIssue({ code: 'custom', message: 'an absolute http:// or https:// URL', input: raw });
    } else if (url.username || url.password) {
      ctx.addIssue({ code: 'custom', message: 'a URL without user name or password', input: raw });
    }
  });

/** UploadUrl {sourceUrl, destPath} (Adobe IPS: data-types/r-upload-url). */
export const uploadUrl = z
  .strictObject({
    sourceUrl,
    destPath: z.string().max(1024),
  })
  .superRefine((u, ctx) => {
    const problem = ipsPathProblem(u.destPath);
    if (problem) {
      ctx.addIssue({ code: 'custom', path: ['destPath'], message: problem, input: u.destPath });
      return;
    }
    const { fileName } = splitDestPath(u.destPath, u.sourceUrl);
    if (!fileName || fileName.length > 255) {
      ctx.addIssue({
        code: 'custom',
        path: ['destPath'],
        message: 'a destPath ending in a file name of 1 to 255 characters (the URL names no file, so destPath must)',
        input: u.destPath,
      });
    }
  });
export type UploadUrl = z.output<typeof uploadUrl>;

export const uploadUrlsJob = withAliases(
  UPLOAD_ALIASES,
  z
    .strictObject({
      urlArray: itemsArray(uploadUrl, MAX_UPLOAD_URLS),
      // Reported back by IPS in getActiveJobs; filled in from urlArray here.
      numUrls: z.number().int().min(0).optional(),
      ...submittedUploadShape,
      // XSD 2022 fields for video uploads; there is no video engine.
      sourceVideoAssetHandle: notSupportedYet('sourceVideoAssetHandle'),
      audioCaptionsMetadata: notSupportedYet('audioCaptionsMetadata'),
    })
    .superRefine((j, ctx) => {
      oneCrop(j, ctx);
      oneFollowOn(j, ctx);
      if (j.urlArray.length === 0) ctx.addIssue({ code: 'custom', path: ['urlArray'], message: 'at least one UploadUrl', params: { missing: true } });
      if (j.numUrls !== undefined && j.numUrls !== j.urlArray.length) {
        ctx.addIssue({ code: 'custom', path: ['numUrls'], message: `the number of urlArray entries (${j.urlArray.length}), or nothing`, input: j.numUrls });
      }
    })
    .transform((j) => ({ ...j, numUrls: j.urlArray.length })),
);
export type UploadUrlsJob = z.output<typeof uploadUrlsJob>;

/**
 * A server directory relative to the import root (IMPORT_ROOT): never
 * absolute, never climbing out. Whether it exists (and stays inside the root
 * once symbolic links are resolved) is checked at submitJob.
 */
export const serverDir = z
  .string()
  .trim()
  .min(1)
  .max(1024)
  .superRefine((dir, ctx) => {
    const problem = ipsPathProblem(dir);
    if (dir.startsWith('/') || /^[A-Za-z]:/.test(dir)) {
      ctx.addIssue({ code: 'custom', message: 'a directory relative to the import root (IMPORT_ROOT), not an absolute path', input: dir });
    } else if (problem) {
      ctx.addIssue({ code: 'custom', message: `a directory relative to the import root: ${problem}`, input: dir });
    }
  });

/** UnCompressOptions (Adobe IPS: data-types/r-uncompress-options): `None` leaves archives as files, `UnCompress` ingests what they contain. Case-sensitive. */
export const unCompressOptions = z.strictObject({ process: z.enum(['None', 'UnCompress']) });

export const uploadDirectoryJob = withAliases(
  // The documents also call autoColorCropOptions autoColorOptions here (docs/api.md#documented-aliases).
  { ...UPLOAD_ALIASES, autoColorOptions: 'autoColorCropOptions' },
  z
    .strictObject({
      destFolder: z.string().max(1024).optional(),
      serverDir,
      includeSubfolders: z.boolean(),
      processMetadataFiles: z.boolean().refine((v) => !v, {
        message:
          'false: processMetadataFiles true is not supported by this server (there is no metadata engine; side-car XML files would be ingested as plain files)',
      }),
      ...submittedUploadShape,
      unCompressOptions: unCompressOptions.optional(),
    })
    .superRefine((j, ctx) => {
      oneCrop(j, ctx);
      oneFollowOn(j, ctx);
      if (j.destFolder !== undefined) {
        const problem = ipsPathProblem(j.destFolder);
        if (problem) ctx.addIssue({ code: 'custom', path: ['destFolder'], message: problem, input: j.destFolder });
      }
    }),
);
export type UploadDirectoryJob = z.output<typeof uploadDirectoryJob>;
