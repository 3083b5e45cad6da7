import type { IncomingMessage } from 'node:http';
import { IpsFault, faults } from '../../domain/faults.js';
import type { UploadPostParam } from '../../domain/schemas/upload.schema.js';
import type { UploadService } from '../../services/upload.service.js';
import type { SignedIn } from './console-gate.js';
import type { ConsoleReply } from './console-reply.js';

/**
 * POST /console/upload: one post of the Assets page's upload script, its
 * body a multipart form of file parts. The first post (no ?job) starts an
 * upload job in the company selected in the session, later ones (?job=) add
 * their files to it and the last (?end=1) ends it, as a client of the
 * UploadFile servlet does; the files go to ?folder (the grid's folder). The
 * caller is the session's user, so the servlet's role check (submitJob's
 * roles) decides, and the job log shows the upload as any other.
 */
export async function consoleUpload(s: SignedIn, uploads: UploadService, req: IncomingMessage): Promise<ConsoleReply> {
  const { query, locale } = s.request;
  try {
    if (!s.companyHandle) throw faults.missing('companyHandle', 'a company chosen in the console');
    const params: UploadPostParam = {
      companyHandle: s.companyHandle,
      ...(query.job ? { jobHandle: query.job } : { jobName: s.chrome.t('assets.uploadJobName') }),
      ...(query.folder ? { destFolder: query.folder } : {}),
      endJob: query.end === '1',
      locale,
    };
    const { jobHandle, items } = await uploads.uploadAs(s.session.principal, req, params);
    const item = items[0];
    return json(200, {
      jobHandle,
      ...(item ? { name: item.fileName } : {}),
      // A file over the size limit is taken into the job as a failed item (its log says so); the script shows it failed.
      ...(item?.rejectedReason ? { rejectedReason: item.rejectedReason } : {}),
    });
  } catch (err) {
    if (!(err instanceof IpsFault)) throw err;
    return json(err.httpStatus, err.toJSON());
  }
}

function json(status: number, body: unknown): ConsoleReply {
  return {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' },
    body: JSON.stringify(body),
  };
}
