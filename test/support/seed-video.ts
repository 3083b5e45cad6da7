import { expect } from 'vitest';
import { type UploadFile, uploadPost } from './fixtures.js';
import { type Harness, basic } from './harness.js';

export { makeClip } from './video-clip.js';

/** A company and the user who acts for it (what companyWithUser returns). */
export interface Uploader {
  companyHandle: string;
  who: { email: string; password: string };
}

/** The one encoding most video tests ask for: 160 pixels wide, saved as `<name>_160`. */
export const SMALL_ENCODING = { name: 'small', fileSuffix: '_160', width: 160, videoBitrate: 200, audioBitrate: 64 };

/**
 * Uploads `files` through the UploadFile servlet as one job of the company's
 * user (overwriting, no mask, no e-mail unless `uploadParams` says otherwise),
 * waits until the job has ended and returns its handle.
 */
export async function uploadJob(h: Harness, company: Uploader, files: UploadFile[], uploadParams: Record<string, unknown>, jobName = 'seed'): Promise<string> {
  const up = await uploadPost(h.baseUrl, {
    params: {
      companyHandle: company.companyHandle,
      jobName,
      endJob: true,
      uploadParams: { overwrite: true, createMask: false, emailSetting: 'None', ...uploadParams },
    },
    files,
    authorization: basic(company.who),
  });
  expect(up.status, JSON.stringify(up.body)).toBe(200);
  await h.client.workflow.getHandle(up.body.jobHandle).result();
  return up.body.jobHandle as string;
}

/** Every asset of the company (trashed ones too), handle by name. */
export async function assetHandlesByName(h: Harness, companyHandle: string): Promise<Record<string, string>> {
  const rows = await h.ctx.database.db.selectFrom('assets').select(['name', 'asset_handle']).where('company_handle', '=', companyHandle).execute();
  return Object.fromEntries(rows.map((r) => [r.name, r.asset_handle]));
}
