import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { MultipartError, parseMultipart } from '../adapters/http/multipart.js';
import type { CompanyRepository } from '../adapters/repositories/company.repository.js';
import { StorageLimitError, type StorageDriver } from '../adapters/storage/storage.driver.js';
import type { JobGateway, JobMemo } from '../adapters/temporal/job.gateway.js';
import type { AppConfig } from '../config/config.js';
import { FaultCode, IpsFault, LoginThrottledFault, faults } from '../domain/faults.js';
import { normalizeFileName, normalizeFolder } from '../domain/folders.js';
import { newHandle, randomId, runName } from '../domain/handles.js';
import { DEFAULT_UPLOAD_POST_JOB, type UploadPostParam, uploadPostParam } from '../domain/schemas/upload.schema.js';
import { parseInput } from '../domain/validate.js';
import { LATEST_XSD_VERSION } from '../domain/soap/xsd-versions.js';
import { type AuthHeader, IPS_NS_BASE } from '../domain/soap/ips-xml.js';
import { gzipSync } from 'node:zlib';
import type { Logger } from '../adapters/logging/logger.js';
import type { UploadItem, UploadJobInput } from '../jobs/contracts.js';
import { jobTypeByElement } from '../jobs/job-registry.js';
import { AuthService, type Credentials } from './auth.service.js';
import { type SubmitCheckDeps, runSubmitChecks } from './submit-checks.js';
import { stagingKey } from './assets/storage-keys.js';
import type { Principal } from './principal.js';
import type { RunningJobs } from './running-jobs.js';
import { XML_CONTENT_TYPE, faultElementDocument, isXmlDocument, readXmlAuthPart, readXmlUploadParams, uploadReturnDocument } from './upload-parts.js';

interface StagedFile {
  key: string;
  partName: string;
  fileName: string;
  size: number;
  rejectedReason?: string;
}

/** A post's reply as it goes on the wire: JSON for JSON parts, IPS's XML once the client sent an XML part. */
export interface UploadReply {
  status: number;
  contentType: string;
  body: string | Buffer;
  headers?: Record<string, string>;
}

/** How to answer a post, learnt from its parts as they are read (a fault can come at any part). */
interface ReplyStyle {
  xml: boolean;
  authNamespace?: string;
  paramsNamespace?: string;
  /** an XML auth part's authHeader: faultHttpStatusCode, gzipResponse, locale, appName/appVersion */
  header?: AuthHeader;
}

export interface UploadServiceDeps extends SubmitCheckDeps {
  auth: AuthService;
  companies: CompanyRepository;
  storage: StorageDriver;
  gateway: JobGateway;
  /** getActiveJobs' running jobs: an upload job started here is listed at once, as a submitted job is */
  running: Pick<RunningJobs, 'started'>;
  config: AppConfig;
  logger: Logger;
}

/**
 * The UploadFile servlet (Adobe IPS: c-http-post; docs/jobs/upload.md). Each post's files are
 * streamed into staging storage as they arrive, then handed to the upload
 * job's workflow (started by the first post, signalled by later ones). A
 * post that fails validation leaves nothing behind.
 */
export class UploadService {
  private readonly auth: AuthService;
  private readonly storage: StorageDriver;
  private readonly gateway: JobGateway;
  private readonly config: AppConfig;

  constructor(private readonly deps: UploadServiceDeps) {
    this.auth = deps.auth;
    this.storage = deps.storage;
    this.gateway = deps.gateway;
    this.config = deps.config;
  }

  /**
   * A post with its reply. Once an `auth` or `uploadParams` part is an XML
   * document the client speaks IPS's servlet protocol, so the reply is XML:
   * `uploadPostReturn` in the namespace of its uploadParams (else of its
   * authHeader), or the bare fault element with HTTP faultHttpStatusCode when
   * the authHeader set one, else 500 as IPS answers faults (Adobe IPS: change-log/version-4-0/r-4-0-new;
   * this server's SOAP endpoint does the same). JSON clients' faults are thrown
   * for the HTTP layer to answer as every other call's; so is an internal
   * error in either format, which that layer logs.
   */
  async handle(req: IncomingMessage): Promise<UploadReply> {
    const style: ReplyStyle = { xml: false };
    try {
      const { jobHandle } = await this.accept(req, style);
      if (!style.xml) return { status: 200, contentType: 'application/json; charset=utf-8', body: JSON.stringify({ jobHandle }) };
      const namespace = style.paramsNamespace ?? style.authNamespace ?? `${IPS_NS_BASE}/${LATEST_XSD_VERSION}`;
      return xmlReply(200, uploadReturnDocument(namespace, jobHandle), style.header, req);
    } catch (err) {
      if (!style.xml || !(err instanceof IpsFault)) throw err;
      const reply = xmlReply(style.header?.faultHttpStatusCode ?? 500, faultElementDocument(err), style.header, req);
      if (err instanceof LoginThrottledFault) reply.headers = { ...reply.headers, 'Retry-After': String(err.retryAfterSeconds) };
      return reply;
    }
  }

  /**
   * The console's upload (POST /console/upload): the caller is the session's
   * principal and the console sets the uploadPostParam, so the post carries
   * file parts only. Staging, the role check and the job are the servlet's.
   */
  async uploadAs(principal: Principal, req: IncomingMessage, params: UploadPostParam): Promise<{ jobHandle: string; items: UploadItem[] }> {
    return this.accept(req, { xml: false }, { principal, params });
  }

  private async accept(
    req: IncomingMessage,
    style: ReplyStyle,
    given?: { principal: Principal; params: UploadPostParam },
  ): Promise<{ jobHandle: string; items: UploadItem[] }> {
    const postId = randomId(16);
    const staged: StagedFile[] = [];
    try {
      const basic = given ? undefined : AuthService.parseBasic(req.headers.authorization);
      // express's req.ip (it honours 'trust proxy'); the socket's address for a bare IncomingMessage.
      const clientAddress = (req as IncomingMessage & { ip?: string }).ip ?? req.socket.remoteAddress;
      let principal: Principal | undefined = given?.principal ?? (basic ? await this.auth.authenticate(basic, clientAddress) : undefined);
      let rawParams: unknown = given?.params;
      await parseMultipart(
        req,
        { fileBytes: this.config.limits.maxUploadFileBytes, files: this.config.limits.maxUploadFilesPerPost, fieldBytes: 1024 * 1024 },
        {
          field: async (name, value) => {
            if (given) throw faults.invalid(name, 'file parts only (the console sets the upload parameters)', name);
            if (name === 'auth' && isXmlDocument(value)) {
              style.xml = true;
              const part = readXmlAuthPart(value);
              style.authNamespace = part.namespace;
              style.header = part.header;
              if (part.header.appName || part.header.appVersion)
                this.deps.logger.debug({ appName: part.header.appName, appVersion: part.header.appVersion }, 'UploadFile post');
              // HTTP Basic, when sent, still decides who the caller is (as with a JSON auth part).
              principal ??= await this.auth.authenticate(part.credentials ?? noXmlCredentials(), clientAddress);
            } else if (name === 'auth') {
              principal ??= await this.auth.authenticate(parseAuthPart(value), clientAddress);
            } else if (name === 'uploadParams' && isXmlDocument(value)) {
              style.xml = true;
              const part = readXmlUploadParams(value);
              style.paramsNamespace = part.namespace;
              rawParams = part.raw;
            } else if (name === 'uploadParams') {
              rawParams = parseJsonPart(name, value);
            } else throw faults.invalid(name, "a part named 'auth', 'uploadParams' or a file part", name);
          },
          file: async (partName, fileName, stream, truncated) => {
            // Nothing is stored for a caller we do not know yet.
            if (!principal) throw new IpsFault(FaultCode.NoCredentials, 'No credentials: send HTTP Basic authentication or an auth part before the files');
            staged.push(await this.stage(postId, staged.length, partName, fileName, stream, truncated));
          },
        },
      );
      if (!principal) throw new IpsFault(FaultCode.NoCredentials, 'No credentials: send HTTP Basic authentication or an auth part');
      if (rawParams === undefined) throw faults.missing('uploadParams', 'an uploadPostParam part (XML or JSON)');
      const params = parseInput(uploadPostParam, rawParams, 'uploadParams');
      this.auth.authorize(principal, 'uploadFile', params.companyHandle);
      if (params.fileName && staged.length > 1) {
        throw faults.invalid('uploadParams.fileName', 'a post with a single file when fileName is given', `${staged.length} files`);
      }
      // authHeader.locale is the job's language when uploadPostParam names none (as a SOAP submitJob's reader locale).
      const locale = params.locale ?? style.header?.locale;
      return await this.dispatch(principal, locale ? { ...params, locale } : params, staged);
    } catch (err) {
      await Promise.all(staged.map((f) => this.storage.delete(f.key)));
      throw translate(err);
    }
  }

  private async stage(postId: string, index: number, partName: string, fileName: string, stream: Readable, truncated: () => boolean): Promise<StagedFile> {
    const key = stagingKey(postId, index);
    try {
      const { size } = await this.storage.putStream(key, stream, { maxBytes: this.config.limits.maxUploadFileBytes });
      if (truncated()) {
        await this.storage.delete(key);
        return { key, partName, fileName, size, rejectedReason: `the file is larger than the upload limit of ${this.config.limits.maxUploadFileBytes} bytes` };
      }
      return { key, partName, fileName, size };
    } catch (err) {
      if (!(err instanceof StorageLimitError)) throw err;
      stream.resume();
      return { key, partName, fileName, size: 0, rejectedReason: `the file is larger than the upload limit of ${err.limit} bytes` };
    }
  }

  private async dispatch(principal: Principal, params: UploadPostParam, staged: StagedFile[]): Promise<{ jobHandle: string; items: UploadItem[] }> {
    const company = await this.deps.companies.findByHandle(params.companyHandle);
    if (!company) throw faults.notFound('uploadParams.companyHandle', 'company', params.companyHandle);
    const folder = normalizeFolder(params.destFolder, company.root_path, 'uploadParams.destFolder');
    const items: UploadItem[] = staged.map((f, i) => ({
      itemId: `${f.key.split('/')[1]}-${i}`,
      assetHandle: newHandle.asset(),
      stagingKey: f.key,
      fileName: normalizeFileName(params.fileName ?? f.fileName, params.fileName ? 'uploadParams.fileName' : `${f.partName} (file name)`),
      folder,
      size: f.size,
      ...(f.rejectedReason ? { rejectedReason: f.rejectedReason } : {}),
    }));
    const post = { items, endJob: params.endJob ?? false };

    if (params.jobHandle) {
      const job = await this.gateway.describe(params.jobHandle);
      if (!job || job.companyHandle !== params.companyHandle || job.workflowType !== 'uploadPostWorkflow') {
        throw faults.notFound('uploadParams.jobHandle', 'upload job', params.jobHandle);
      }
      if (!job.running) throw faults.invalid('uploadParams.jobHandle', 'an upload job that is still accepting files', 'a job that has ended');
      await this.gateway.addUploadFiles(params.jobHandle, post);
      return { jobHandle: params.jobHandle, items };
    }

    // A later post adds files to the job's options as they were; only a new job's are checked.
    const entry = jobTypeByElement('uploadPostJob')!;
    const options = params.uploadParams ?? DEFAULT_UPLOAD_POST_JOB;
    await runSubmitChecks(this.deps, entry, { companyHandle: params.companyHandle, field: 'uploadParams.uploadParams' }, options);
    const now = new Date();
    const name = runName(params.jobName!, now);
    const jobHandle = newHandle.job(params.companyHandle, name);
    const input: UploadJobInput = {
      job: {
        jobHandle,
        companyHandle: params.companyHandle,
        jobName: name,
        originalName: params.jobName!,
        submitUserHandle: principal.userHandle,
        submitUserEmail: principal.email,
        ...(params.locale ? { locale: params.locale } : {}),
        ...(params.description ? { description: params.description } : {}),
      },
      options,
      firstPost: post,
      idleTimeoutSeconds: this.config.limits.uploadJobIdleSeconds,
      concurrency: this.config.worker.activityConcurrency,
    };
    const memo: JobMemo = {
      element: 'uploadPostJob',
      options: input.options,
      runName: name,
      triggerTime: now.toISOString(),
      ...(params.locale ? { locale: params.locale } : {}),
      ...(params.description ? { description: params.description } : {}),
    };
    await this.gateway.startUploadJob(input, entry.ipsType, memo);
    this.deps.running.started({
      workflowId: jobHandle,
      workflowType: entry.workflow,
      startTime: now,
      companyHandle: params.companyHandle,
      jobType: entry.ipsType,
      jobName: params.jobName!,
      submitUser: principal.email,
      memo,
    });
    return { jobHandle, items };
  }
}

/** IPS's servlet reply: gzipped when the authHeader asks (gzipResponse), or, without it, when the client accepts gzip. */
function xmlReply(status: number, xml: string, header: AuthHeader | undefined, req: IncomingMessage): UploadReply {
  const accepts = /\bgzip\b/i.test(String(req.headers['accept-encoding'] ?? ''));
  const gzip = header?.gzipResponse ?? accepts;
  return gzip
    ? { status, contentType: XML_CONTENT_TYPE, body: gzipSync(Buffer.from(xml, 'utf8')), headers: { 'Content-Encoding': 'gzip' } }
    : { status, contentType: XML_CONTENT_TYPE, body: xml };
}

function parseJsonPart(name: string, value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    throw new IpsFault(FaultCode.InvalidRequest, `${name}: expected a JSON object or an IPS XML document, received text that is neither`, name);
  }
}

/** The `auth` part: `{ "user": email, "password": … }` (IPS sends the same fields as its authHeader). */
function parseAuthPart(value: string): Credentials {
  const parsed = parseJsonPart('auth', value) as { user?: unknown; password?: unknown } | null;
  if (!parsed || typeof parsed.user !== 'string' || typeof parsed.password !== 'string') {
    throw new IpsFault(FaultCode.NoCredentials, 'auth: expected { "user": "<email>", "password": "<password>" }', 'auth');
  }
  return { email: parsed.user, password: parsed.password };
}

function noXmlCredentials(): never {
  throw new IpsFault(FaultCode.NoCredentials, 'auth: the authHeader has no user and password, and no HTTP Basic authentication was sent', 'auth');
}

function translate(err: unknown): unknown {
  if (err instanceof MultipartError) {
    return new IpsFault(FaultCode.InvalidRequest, err.message, undefined, err.kind === 'malformed' ? undefined : 'tooLarge');
  }
  return err;
}
