import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

/**
 * Configuration = defaults → environment → validation (every error collected,
 * reported together at start-up, so an operator fixes them in one go).
 */
const positiveInt = z.coerce.number().int().positive();

const schema = z.object({
  PORT: positiveInt.default(8080),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z.string().optional(),
  STORAGE_DRIVER: z.enum(['local', 's3']).default('local'),
  STORAGE_ROOT: z.string().optional(),
  S3_ENDPOINT: z.url({ protocol: /^https?$/, error: 'an http:// or https:// URL' }).optional(),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name (3-63 lower-case letters, digits, dots and hyphens)')
    .optional(),
  S3_PREFIX: z
    .string()
    .refine((p) => p.split('/').every((part) => part !== '.' && part !== '..') && !p.includes('\\'), 'a key prefix without . or .. segments')
    .default(''),
  S3_FORCE_PATH_STYLE: z.enum(['true', 'false']).optional(),
  S3_CREATE_BUCKET: z.enum(['true', 'false']).default('false'),
  /** unset: the driver's 10 GiB (S3LocalCache) */
  S3_CACHE_MAX_BYTES: positiveInt.optional(),
  TEMPORAL_ADDRESS: z.string().optional(),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default('ips-jobs'),
  TEMPORAL_PORT: positiveInt.default(7233),
  TEMPORAL_UI_PORT: positiveInt.default(8233),
  TEMPORAL_CLI: z.string().optional(),
  TEMPORAL_TLS: z.enum(['true', 'false'], { error: (issue) => `expected true or false, received '${String(issue.input)}'` }).optional(),
  TEMPORAL_TLS_CERT_FILE: z.string().optional(),
  TEMPORAL_TLS_KEY_FILE: z.string().optional(),
  TEMPORAL_TLS_CA_FILE: z.string().optional(),
  TEMPORAL_TLS_SERVER_NAME: z.string().optional(),
  TEMPORAL_API_KEY_FILE: z.string().optional(),
  // Accepted as Temporal's own tools name it; the file variant keeps the key out of the environment.
  TEMPORAL_API_KEY: z
    .string()
    .regex(/^[\x21-\x7e]*$/, 'expected one line of printable characters (the value is not shown)')
    .optional(),
  IPS_ADMIN_EMAIL: z.string().email().default('admin@ips.local'),
  IPS_ADMIN_PASSWORD: z.string().optional(),
  WORKER_ACTIVITY_CONCURRENCY: positiveInt.optional(),
  JOB_LANES: z.union([z.literal('auto'), positiveInt], { error: "'auto' or a positive whole number" }).default('auto'),
  RENDER_THREADS: z.coerce.number().int().min(0).optional(),
  IMAGE_THREAD_NICE: z.coerce.number().int().min(0).max(19).default(10),
  WORKER_NICE: z.coerce.number().int().min(0).max(19).default(10),
  IMAGE_THREAD_POLICY: z.enum(['idle', 'normal']).default('idle'),
  PROGRESS_CACHE_MS: z.coerce.number().int().min(0).default(1000),
  PROGRESS_STALE_MS: z.coerce.number().int().min(0).default(5000),
  JOB_RECONCILE_SECONDS: positiveInt.default(15),
  MAX_UPLOAD_FILE_BYTES: positiveInt.default(2 * 1024 ** 3),
  MAX_UPLOAD_FILES_PER_POST: positiveInt.default(1000),
  MAX_IMAGE_PIXELS: positiveInt.default(512 * 1024 * 1024),
  MAX_JSON_BODY_BYTES: positiveInt.default(1024 * 1024),
  MAX_XML_BODY_BYTES: positiveInt.default(4 * 1024 * 1024),
  MAX_RIP_PAGES: positiveInt.default(100),
  RIP_POOL_SIZE: positiveInt.optional(),
  RIP_PAGE_TIMEOUT_SECONDS: positiveInt.default(120),
  FFMPEG_PATH: z.string().min(1).default('ffmpeg'),
  FFPROBE_PATH: z.string().min(1).default('ffprobe'),
  FFMPEG_TIMEOUT_SECONDS: positiveInt.default(900),
  FFPROBE_TIMEOUT_SECONDS: positiveInt.default(60),
  UPLOAD_JOB_IDLE_SECONDS: positiveInt.default(30 * 60),
  AUTH_CACHE_SECONDS: z.coerce.number().int().min(0).default(60),
  AUTH_MAX_FAILURES: positiveInt.default(10),
  AUTH_MAX_ADDRESS_FAILURES: positiveInt.optional(),
  AUTH_FAILURE_WINDOW_SECONDS: positiveInt.default(300),
  CONSOLE_SESSION_IDLE_MINUTES: positiveInt.default(60),
  CONSOLE_SESSION_MAX_HOURS: positiveInt.default(12),
  IPS_TIMEZONE: z.string().refine(isTimeZone, 'an IANA time zone such as Europe/Amsterdam').default(Intl.DateTimeFormat().resolvedOptions().timeZone),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'smtp://… or smtps://…')
    .optional(),
  MAIL_FROM: z.string().default('IPS <ips@localhost>'),
  CALLBACK_ALLOW_PRIVATE: z.enum(['true', 'false']).default('false'),
  CALLBACK_ALLOWED_HOSTS: z.string().default(''),
  CALLBACK_TIMEOUT_MS: positiveInt.default(10_000),
  URL_UPLOAD_ALLOW_PRIVATE: z.enum(['true', 'false']).default('false'),
  URL_UPLOAD_ALLOWED_HOSTS: z.string().default(''),
  URL_UPLOAD_CONNECT_TIMEOUT_MS: positiveInt.default(10_000),
  URL_UPLOAD_READ_TIMEOUT_MS: positiveInt.default(60_000),
  URL_UPLOAD_ATTEMPTS: positiveInt.default(3),
  URL_UPLOAD_MAX_REDIRECTS: z.coerce.number().int().min(0).max(20).default(5),
  IMPORT_ROOT: z.string().optional(),
  SERVER_PUBLISH_ROOT: z.string().optional(),
  UNZIP_MAX_ENTRIES: positiveInt.default(10_000),
  UNZIP_MAX_BYTES: positiveInt.default(10 * 1024 ** 3),
  PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'an http:// or https:// URL' }).optional(),
  EXPORT_URL_TTL_SECONDS: positiveInt.default(24 * 60 * 60),
  IS_MAX_PIXELS: positiveInt.default(100_000_000),
  IS_CACHE_MAX_AGE_SECONDS: z.coerce.number().int().min(0).default(3600),
  CONSOLE_THUMBNAIL_CACHE_BYTES: positiveInt.default(256 * 1024 ** 2),
  WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  TEMPORAL_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9465),
  METRICS_TOKEN: z.string().optional(),
  // 32 bytes, base64 or hex: seals URL secrets in the catalog. Unset: a key file in DATA_DIR (every process of a deployment must share it).
  SECRETS_KEY: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});
export { schema as envSchema };

export interface AppConfig {
  port: number;
  host: string;
  dataDir: string;
  database: { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };
  /**
   * root: this driver's local folder, the store itself (local) or the local
   * copies and scratch files of an S3 driver. S3 credentials are not here:
   * the SDK's default chain finds them (environment, shared config, roles).
   */
  storage:
    | { driver: 'local'; root: string }
    | {
        driver: 's3';
        root: string;
        s3: {
          endpoint?: string;
          region: string;
          bucket: string;
          prefix: string;
          forcePathStyle: boolean;
          createBucket: boolean;
          /** byte budget of the local copies under root (unset: the driver's default) */
          cacheMaxBytes?: number;
        };
      };
  temporal: {
    /** undefined → this process starts a local dev server */
    address?: string;
    namespace: string;
    taskQueue: string;
    devServer: { port: number; uiPort: number; dbFile: string; cli?: string };
    connection: TemporalConnectionConfig;
  };
  admin: { email: string; password?: string };
  /** SECRETS_KEY; undefined → `<dataDir>/secrets.key` */
  secretsKey?: string;
  /**
   * renderThreads 0: reprocessing renders on the main thread. reconcileSeconds: how
   * often the worker ends the job logs of runs Temporal closed without the workflow
   * (terminated, timed out, failed), see JobReconciler. workerNice: the nice value of a
   * worker process's other threads (role `worker` only); imageThreadPolicy `idle`: pixel
   * threads in SCHED_IDLE (see lowerWorkerThreadPriority).
   */
  worker: {
    activityConcurrency: number;
    renderThreads: number;
    imageThreadNice: number;
    imageThreadPolicy: 'idle' | 'normal';
    workerNice: number;
    reconcileSeconds: number;
  };
  /**
   * Items one job processes at once across all workers: a number, or `auto`
   * (activityConcurrency × the workers polling the task queue when the job is
   * submitted, at least activityConcurrency), so adding worker machines speeds
   * up one big job too.
   */
  jobLanes: number | 'auto';
  /** how long getActiveJobs callers share a job's live progress (SharedAnswers) */
  progressCacheMs: number;
  /** how much older than progressCacheMs a shared getActiveJobs answer may be served while a fresh one is fetched (0 = wait) */
  progressStaleMs: number;
  /** Ghostscript children (pages rip in parallel) and the longest a page may take */
  rip: { poolSize: number; pageTimeoutMs: number; maxPages: number };
  /** ffmpeg/ffprobe binaries; the longest one encoding may take, and the longest a probe or thumbnail may take */
  video: { ffmpeg: string; ffprobe: string; encodeTimeoutMs: number; probeTimeoutMs: number };
  limits: {
    maxUploadFileBytes: number;
    maxUploadFilesPerPost: number;
    maxImagePixels: number;
    maxJsonBodyBytes: number;
    /** SOAP / POX request bodies (XML says the same as JSON in about twice the bytes) */
    maxXmlBodyBytes: number;
    uploadJobIdleSeconds: number;
  };
  authCacheSeconds: number;
  /** failed logins per e-mail and per client address within the window before 429 (kept in the catalog, shared by every API replica) */
  /** maxAddressFailures: per client address, default 5 × maxFailures */
  authThrottle: { maxFailures: number; maxAddressFailures: number; windowSeconds: number };
  /** console sign-in sessions: ended after idleMinutes without a request, and maxHours after sign-in whatever happens */
  consoleSession: { idleMinutes: number; maxHours: number };
  /** execSchedule is read in this zone (IPS reads it in the server's local time: Adobe IPS: operation-methods/operation-parameters/r-submit-job) */
  timezone: string;
  mail: { smtpUrl?: string; from: string; outboxDir: string };
  /** postHttpUrl callbacks: private/loopback targets are refused unless allowed here */
  callbacks: { allowPrivate: boolean; allowedHosts: string[]; timeoutMs: number };
  /** UploadUrlsJob downloads: their own SSRF allow-list (fetching for a submitter is not receiving callbacks), timeouts, tries, redirects */
  urlUpload: { allowPrivate: boolean; allowedHosts: string[]; connectTimeoutMs: number; readTimeoutMs: number; attempts: number; maxRedirects: number };
  /** UploadDirectoryJob: serverDir is relative to this directory and confined to it; ZIP extraction limits */
  importRoot: string;
  /** ServerDirectoryPublishJob and MetadataPublishJob write under this directory (one folder per company root), confined to it */
  serverPublishRoot: string;
  unzip: { maxEntries: number; maxBytes: number };
  /** where clients reach the API (export download URLs start with it) */
  publicUrl: string;
  /** PUBLIC_URL was set: the WSDL's service address uses it; otherwise the address the WSDL was fetched from */
  publicUrlSet: boolean;
  /** ExportJob: download URL lifetime; Image Serving reply limit (attribute::MaxPix, IPS's 100 MP export limit) */
  export: { urlTtlSeconds: number; maxPixels: number };
  /** public Image Serving delivery: Cache-Control max-age of image replies */
  imageServing: { cacheMaxAgeSeconds: number };
  /** the console's rendered thumbnails: a folder under DATA_DIR and its byte budget (least recently used go first) */
  consoleThumbnails: { cacheDir: string; cacheMaxBytes: number };
  /** Prometheus: the worker's own /metrics port and the Temporal SDK's (0 = off); an optional bearer token for every /metrics */
  metrics: { workerPort: number; temporalPort: number; token?: string };
  logLevel: z.infer<typeof schema>['LOG_LEVEL'];
}

/**
 * How to reach a production cluster: TLS (server CA, SNI override), an mTLS
 * client certificate, a Temporal Cloud API key. Files are read when the
 * connection is built (src/adapters/temporal/temporal-connection-options.ts).
 * apiKey is the TEMPORAL_API_KEY value: never log it.
 */
export interface TemporalConnectionConfig {
  tls: boolean;
  clientCertFile?: string;
  clientKeyFile?: string;
  caFile?: string;
  serverName?: string;
  apiKeyFile?: string;
  apiKey?: string;
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir,
    database: parseDatabaseUrl(e.DATABASE_URL, dataDir),
    storage: storageConfig(e, dataDir),
    temporal: {
      address: e.TEMPORAL_ADDRESS || undefined,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      devServer: {
        port: e.TEMPORAL_PORT,
        uiPort: e.TEMPORAL_UI_PORT,
        dbFile: path.join(dataDir, 'temporal.db'),
        cli: e.TEMPORAL_CLI,
      },
      connection: temporalConnectionConfig(e),
    },
    admin: { email: e.IPS_ADMIN_EMAIL.toLowerCase(), password: e.IPS_ADMIN_PASSWORD || undefined },
    ...(e.SECRETS_KEY ? { secretsKey: e.SECRETS_KEY } : {}),
    // Image work is CPU-bound; more parallel activities than cores only adds memory pressure.
    worker: {
      activityConcurrency: e.WORKER_ACTIVITY_CONCURRENCY ?? defaultActivityConcurrency(),
      // One render thread per parallel activity: a render never waits for a thread.
      renderThreads: e.RENDER_THREADS ?? e.WORKER_ACTIVITY_CONCURRENCY ?? defaultActivityConcurrency(),
      imageThreadNice: e.IMAGE_THREAD_NICE,
      workerNice: e.WORKER_NICE,
      imageThreadPolicy: e.IMAGE_THREAD_POLICY,
      reconcileSeconds: e.JOB_RECONCILE_SECONDS,
    },
    jobLanes: e.JOB_LANES,
    progressCacheMs: e.PROGRESS_CACHE_MS,
    progressStaleMs: e.PROGRESS_STALE_MS,
    // DMC skips page extraction for PDFs over 100 pages; the same default here.
    rip: {
      poolSize: e.RIP_POOL_SIZE ?? Math.min(4, Math.max(1, os.availableParallelism())),
      pageTimeoutMs: e.RIP_PAGE_TIMEOUT_SECONDS * 1000,
      maxPages: e.MAX_RIP_PAGES,
    },
    video: {
      ffmpeg: e.FFMPEG_PATH,
      ffprobe: e.FFPROBE_PATH,
      encodeTimeoutMs: e.FFMPEG_TIMEOUT_SECONDS * 1000,
      probeTimeoutMs: e.FFPROBE_TIMEOUT_SECONDS * 1000,
    },
    limits: {
      maxUploadFileBytes: e.MAX_UPLOAD_FILE_BYTES,
      maxUploadFilesPerPost: e.MAX_UPLOAD_FILES_PER_POST,
      maxImagePixels: e.MAX_IMAGE_PIXELS,
      maxJsonBodyBytes: e.MAX_JSON_BODY_BYTES,
      maxXmlBodyBytes: e.MAX_XML_BODY_BYTES,
      uploadJobIdleSeconds: e.UPLOAD_JOB_IDLE_SECONDS,
    },
    authCacheSeconds: e.AUTH_CACHE_SECONDS,
    authThrottle: {
      maxFailures: e.AUTH_MAX_FAILURES,
      maxAddressFailures: e.AUTH_MAX_ADDRESS_FAILURES ?? 5 * e.AUTH_MAX_FAILURES,
      windowSeconds: e.AUTH_FAILURE_WINDOW_SECONDS,
    },
    consoleSession: { idleMinutes: e.CONSOLE_SESSION_IDLE_MINUTES, maxHours: e.CONSOLE_SESSION_MAX_HOURS },
    timezone: e.IPS_TIMEZONE,
    mail: { smtpUrl: e.SMTP_URL || undefined, from: e.MAIL_FROM, outboxDir: path.join(dataDir, 'outbox') },
    callbacks: {
      allowPrivate: e.CALLBACK_ALLOW_PRIVATE === 'true',
      allowedHosts: e.CALLBACK_ALLOWED_HOSTS.split(',')
        .map((h) => h.trim())
        .filter(Boolean),
      timeoutMs: e.CALLBACK_TIMEOUT_MS,
    },
    urlUpload: {
      allowPrivate: e.URL_UPLOAD_ALLOW_PRIVATE === 'true',
      allowedHosts: e.URL_UPLOAD_ALLOWED_HOSTS.split(',')
        .map((h) => h.trim())
        .filter(Boolean),
      connectTimeoutMs: e.URL_UPLOAD_CONNECT_TIMEOUT_MS,
      readTimeoutMs: e.URL_UPLOAD_READ_TIMEOUT_MS,
      attempts: e.URL_UPLOAD_ATTEMPTS,
      maxRedirects: e.URL_UPLOAD_MAX_REDIRECTS,
    },
    importRoot: path.resolve(e.IMPORT_ROOT ?? path.join(dataDir, 'import')),
    serverPublishRoot: path.resolve(e.SERVER_PUBLISH_ROOT ?? path.join(dataDir, 'publish')),
    unzip: { maxEntries: e.UNZIP_MAX_ENTRIES, maxBytes: e.UNZIP_MAX_BYTES },
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    publicUrlSet: e.PUBLIC_URL !== undefined,
    export: { urlTtlSeconds: e.EXPORT_URL_TTL_SECONDS, maxPixels: e.IS_MAX_PIXELS },
    imageServing: { cacheMaxAgeSeconds: e.IS_CACHE_MAX_AGE_SECONDS },
    consoleThumbnails: { cacheDir: path.join(dataDir, 'console-thumbnails'), cacheMaxBytes: e.CONSOLE_THUMBNAIL_CACHE_BYTES },
    metrics: { workerPort: e.WORKER_METRICS_PORT, temporalPort: e.TEMPORAL_METRICS_PORT, token: e.METRICS_TOKEN || undefined },
    logLevel: e.LOG_LEVEL,
  };
}

function storageConfig(e: z.infer<typeof schema>, dataDir: string): AppConfig['storage'] {
  if (e.STORAGE_DRIVER === 'local') return { driver: 'local', root: path.resolve(e.STORAGE_ROOT ?? path.join(dataDir, 'storage')) };
  if (!e.S3_BUCKET) throw new ConfigError('Invalid configuration:\n  S3_BUCKET: required when STORAGE_DRIVER is s3');
  return {
    driver: 's3',
    root: path.resolve(e.STORAGE_ROOT ?? path.join(dataDir, 's3-cache')),
    s3: {
      ...(e.S3_ENDPOINT ? { endpoint: e.S3_ENDPOINT } : {}),
      region: e.S3_REGION,
      bucket: e.S3_BUCKET,
      prefix: e.S3_PREFIX,
      // S3-compatible servers mostly want the bucket in the path; AWS itself prefers it in the host name.
      forcePathStyle: (e.S3_FORCE_PATH_STYLE ?? (e.S3_ENDPOINT ? 'true' : 'false')) === 'true',
      createBucket: e.S3_CREATE_BUCKET === 'true',
      ...(e.S3_CACHE_MAX_BYTES ? { cacheMaxBytes: e.S3_CACHE_MAX_BYTES } : {}),
    },
  };
}

/** Cross-key rules of the TEMPORAL_TLS* and TEMPORAL_API_KEY* settings; messages name keys, never a key's value. */
function temporalConnectionConfig(e: z.infer<typeof schema>): TemporalConnectionConfig {
  const file = (value: string | undefined) => (value ? path.resolve(value) : undefined);
  const c = {
    clientCertFile: file(e.TEMPORAL_TLS_CERT_FILE),
    clientKeyFile: file(e.TEMPORAL_TLS_KEY_FILE),
    caFile: file(e.TEMPORAL_TLS_CA_FILE),
    serverName: e.TEMPORAL_TLS_SERVER_NAME || undefined,
    apiKeyFile: file(e.TEMPORAL_API_KEY_FILE),
    apiKey: e.TEMPORAL_API_KEY || undefined,
  };
  const problems: string[] = [];
  if (!c.clientCertFile !== !c.clientKeyFile) {
    const given = c.clientCertFile ? 'TEMPORAL_TLS_CERT_FILE' : 'TEMPORAL_TLS_KEY_FILE';
    problems.push(`TEMPORAL_TLS_CERT_FILE, TEMPORAL_TLS_KEY_FILE: expected both (the client certificate and its key) or neither, received only ${given}`);
  }
  if (c.apiKey && c.apiKeyFile) problems.push('TEMPORAL_API_KEY, TEMPORAL_API_KEY_FILE: expected one of them, received both');
  const needsTls = (
    [
      ['TEMPORAL_TLS_CERT_FILE', c.clientCertFile],
      ['TEMPORAL_TLS_KEY_FILE', c.clientKeyFile],
      ['TEMPORAL_TLS_CA_FILE', c.caFile],
      ['TEMPORAL_TLS_SERVER_NAME', c.serverName],
      ['TEMPORAL_API_KEY_FILE', c.apiKeyFile],
      ['TEMPORAL_API_KEY', c.apiKey],
    ] as const
  )
    .filter(([, value]) => value)
    .map(([name]) => name);
  // An API key sent over plain gRPC could be read on the wire.
  if (e.TEMPORAL_TLS === 'false' && needsTls.length) {
    problems.push(`TEMPORAL_TLS: expected true or unset with ${needsTls.join(', ')} set, received false`);
  }
  const tls = e.TEMPORAL_TLS === 'true' || needsTls.length > 0;
  if (tls && !e.TEMPORAL_ADDRESS) {
    problems.push(
      'TEMPORAL_ADDRESS: expected the cluster address when TLS or an API key is configured (the local dev server serves plain gRPC only), received nothing',
    );
  }
  if (problems.length) throw new ConfigError(`Invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  return { tls, ...Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined)) };
}

function parseDatabaseUrl(url: string | undefined, dataDir: string): AppConfig['database'] {
  if (!url) return { kind: 'sqlite', file: path.join(dataDir, 'ips.db') };
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return { kind: 'postgres', url };
  if (url.startsWith('sqlite:')) return { kind: 'sqlite', file: path.resolve(url.slice('sqlite:'.length)) };
  throw new ConfigError(`Invalid configuration:\n  DATABASE_URL: expected postgres://… or sqlite:<file>, received '${url.split('@').pop()}'`);
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * One activity per CPU plus one. Every item has stretches that wait rather
 * than compute (catalog commits, fsyncs, file opens, the Temporal round trip
 * between batches); with exactly one lane per CPU a core idles through each
 * of them. bench/reprocess and bench/export measured the machine idle 15% of
 * a job at CPUs lanes and 2-5% at CPUs + 1, for one image more in memory.
 */
export function defaultActivityConcurrency(): number {
  return os.availableParallelism() + 1;
}
