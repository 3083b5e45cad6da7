import os from 'node:os';
import type { AppConfig } from '../config/config.js';
import { type DatabaseHandle, openDatabase } from '../adapters/database/database.js';
import { MediaRepository } from '../adapters/media/media.repository.js';
import { RenderPool } from '../adapters/media/render-pool.js';
import { AssetRepository } from '../adapters/repositories/asset.repository.js';
import { AssetExtrasRepository } from '../adapters/repositories/asset-extras.repository.js';
import { CompanyRepository } from '../adapters/repositories/company.repository.js';
import { ImageFormatRepository } from '../adapters/repositories/image-format.repository.js';
import { JobLogRepository } from '../adapters/repositories/job-log.repository.js';
import { UserRepository } from '../adapters/repositories/user.repository.js';
import { PasswordHasher } from '../adapters/security/password-hasher.js';
import { createStorage } from '../adapters/storage/storage.factory.js';
import type { StorageDriver } from '../adapters/storage/storage.driver.js';
import { AccountService } from '../services/account.service.js';
import { MembershipService } from '../services/membership.service.js';
import { AssetService } from '../services/asset.service.js';
import { FolderService } from '../services/folder.service.js';
import { AssetLifecycleService } from '../services/asset-lifecycle.service.js';
import { AssetAssociationsService } from '../services/asset-associations.service.js';
import { AssetMoveService } from '../services/asset-move.service.js';
import { AssetStateService } from '../services/asset-state.service.js';
import { FolderRepository } from '../adapters/repositories/folder.repository.js';
import { AuthService } from '../services/auth.service.js';
import { LoginThrottle } from '../services/login-throttle.js';
import { LoginFailureRepository } from '../adapters/repositories/login-failure.repository.js';
import { ConsoleSessionRepository } from '../adapters/repositories/console-session.repository.js';
import { ConsoleSessionService } from '../services/console/console-session.service.js';
import { ImageFormatService } from '../services/image-format.service.js';
import { IngestService } from '../services/ingest/ingest.service.js';
import { UrlUploadService } from '../services/ingest/url-upload.service.js';
import { DirectoryUploadService } from '../services/ingest/directory-upload.service.js';
import type { Mailer } from '../adapters/mail/mail.driver.js';
import { createMailer } from '../adapters/mail/mail.factory.js';
import { JobBookkeeping } from '../services/job-bookkeeping.service.js';
import { JobNotifier } from '../services/job-notifier.service.js';
import { NotificationService } from '../services/notification.service.js';
import { JobLogService } from '../services/job-log.service.js';
import { OptimizeService } from '../services/optimize.service.js';
import { ColorProfiles } from '../services/render-plan.js';
import { ReprocessService } from '../services/reprocess.service.js';
import { DocumentRipService } from '../services/rip/document-rip.service.js';
import { PsdLayerService } from '../services/psd/psd-layer.service.js';
import { MeteredRipPool } from '../adapters/ghostscript/metered-rip-pool.js';
import { WorkerMetrics } from '../adapters/metrics/worker-metrics.js';
import { DerivationRepository } from '../adapters/repositories/derivation.repository.js';
import { CallbackService } from '../services/callback.service.js';
import { newSecret } from '../domain/handles.js';
import { ExportLinks } from '../services/export/export-links.js';
import { ExportService } from '../services/export/export.service.js';
import { ExportArchiveService } from '../services/export/export-archive.service.js';
import { ExportDownloadService } from '../services/export/export-download.service.js';
import { renderIsImage } from '../adapters/media/image-serving/is-renderer.js';
import { IsPublicationRepository } from '../adapters/repositories/is-publication.repository.js';
import { IsPublishService } from '../services/publish/is-publish.service.js';
import { IsDeliveryService } from '../services/publish/is-delivery.service.js';
import { ConsoleThumbnailService } from '../services/console/console-thumbnails.service.js';
import { ThumbnailCache } from '../adapters/storage/thumbnail-cache.js';
import { ContextPublicationRepository } from '../adapters/repositories/context-publication.repository.js';
import { PublishDirectory } from '../adapters/publish/publish-directory.js';
import { ContextPublishService } from '../services/publish/context-publish.service.js';
import { MetadataPublishService } from '../services/publish/metadata-publish.service.js';
import { VideoDeliveryService } from '../services/publish/video-delivery.service.js';
import { VideoSitemapService } from '../services/publish/video-sitemap.service.js';
import { VideoSitemapRepository } from '../adapters/repositories/video-sitemap.repository.js';
import { SetRepository } from '../adapters/repositories/set.repository.js';
import { SetScriptService } from '../services/sets/set-script.service.js';
import { SetGenerationService } from '../services/sets/set-generation.service.js';
import { VideoRepository } from '../adapters/repositories/video.repository.js';
import { FfmpegAdapter } from '../adapters/video/ffmpeg-video.driver.js';
import { VideoService } from '../services/video/video.service.js';
import { ItemProgressRepository } from '../adapters/repositories/item-progress.repository.js';
import { ItemProgressReporter } from '../services/item-progress.js';
import { SealedValueRepository } from '../adapters/repositories/sealed-value.repository.js';
import { SecretBox } from '../adapters/security/secret-box.js';
import { UrlSecrets } from '../services/url-secrets.js';
import type { Logger } from '../adapters/logging/logger.js';
import type { JobGateway } from '../adapters/temporal/job.gateway.js';
import { JobService } from '../services/job.service.js';
import { UploadService } from '../services/upload.service.js';
import { RunningJobs } from '../services/running-jobs.js';
import { Scratch } from '../adapters/storage/scratch.js';
import { ImportDirectory } from '../adapters/storage/import-directory.js';
import { MetadataRepository } from '../adapters/repositories/metadata.repository.js';
import { MetadataFieldService } from '../services/metadata/metadata-field.service.js';
import { AssetMetadataService } from '../services/metadata/asset-metadata.service.js';
import { ItemLedger } from '../services/assets/item-ledger.js';
import { ProjectRepository } from '../adapters/repositories/project.repository.js';
import { ProjectService } from '../services/projects/project.service.js';
import { JobLanes } from '../services/job-lanes.js';
import { ForceRepublishService } from '../services/publish/force-republish.service.js';
import { PublishHistoryService } from '../services/publish/publish-history.service.js';
import { PublishHistoryRepository } from '../adapters/repositories/publish-history.repository.js';
import { StorageReferencesRepository } from '../adapters/repositories/storage-references.repository.js';
import { OrphanSweepService } from '../services/storage/orphan-sweep.service.js';

/** Least time between two progress writes of one item (and before its first): a few rows a second per item at most. */
const ITEM_PROGRESS_INTERVAL_MS = 250;

/** The composition root shared by the API and the worker: adapters, repositories, services. */
export interface AppContext {
  config: AppConfig;
  logger: Logger;
  database: DatabaseHandle;
  storage: StorageDriver;
  repositories: {
    companies: CompanyRepository;
    users: UserRepository;
    assets: AssetRepository;
    folders: FolderRepository;
    imageFormats: ImageFormatRepository;
    jobLogs: JobLogRepository;
    derivations: DerivationRepository;
    isPublications: IsPublicationRepository;
    contextPublications: ContextPublicationRepository;
    sets: SetRepository;
    assetExtras: AssetExtrasRepository;
    videos: VideoRepository;
    projects: ProjectRepository;
    itemProgress: ItemProgressRepository;
    metadata: MetadataRepository;
    sealedValues: SealedValueRepository;
  };
  services: {
    auth: AuthService;
    accounts: AccountService;
    memberships: MembershipService;
    assets: AssetService;
    folders: FolderService;
    imageFormats: ImageFormatService;
    assetLifecycle: AssetLifecycleService;
    assetAssociations: AssetAssociationsService;
    assetMove: AssetMoveService;
    ingest: IngestService;
    urlUploads: UrlUploadService;
    directoryUploads: DirectoryUploadService;
    optimize: OptimizeService;
    reprocess: ReprocessService;
    bookkeeping: JobBookkeeping;
    jobLogs: JobLogService;
    notifier: JobNotifier;
    callbacks: CallbackService;
    exports: ExportService;
    exportArchives: ExportArchiveService;
    exportDownloads: ExportDownloadService;
    isPublish: IsPublishService;
    isDelivery: IsDeliveryService;
    /** the console's asset thumbnails and reprocess before/after pictures (Image Serving renders, disk-cached) */
    consoleThumbnails: ConsoleThumbnailService;
    contextPublish: ContextPublishService;
    metadataPublish: MetadataPublishService;
    videoDelivery: VideoDeliveryService;
    videoSitemap: VideoSitemapService;
    forceRepublish: ForceRepublishService;
    publishHistory: PublishHistoryService;
    setScripts: SetScriptService;
    projects: ProjectService;
    assetState: AssetStateService;
    metadataFields: MetadataFieldService;
    assetMetadata: AssetMetadataService;
    setGeneration: SetGenerationService;
    /** where each item in flight is, for getActiveJobs (written by the worker's activities) */
    itemProgress: ItemProgressReporter;
    /** URL secrets sealed out of Temporal and echoes, revealed only where the URL is called */
    urlSecrets: UrlSecrets;
    /** stored objects no catalog row references (the sweep-orphans command) */
    orphanSweep: OrphanSweepService;
    /** the web console's sign-in sessions (in the catalog, so every API replica knows them) and CSRF tokens */
    consoleSessions: ConsoleSessionService;
  };
  mailer: Mailer;
  /** what this process's worker did (step durations, ripped pages); served by the worker or merged into the API's /metrics */
  metrics: WorkerMetrics;
  hasher: PasswordHasher;
  serverName: string;
  /** Starts the render threads now rather than on the first render (a worker's start; the API never calls it). */
  startRenderThreads(): void;
  close(): Promise<void>;
}

/** storageWrapper: tests wrap the configured driver (one that fails a chosen write) before any service sees it. */
export async function createAppContext(
  config: AppConfig,
  logger: Logger,
  options: { storageWrapper?: (storage: StorageDriver) => StorageDriver } = {},
): Promise<AppContext> {
  const database = await openDatabase(config.database);
  const configured = await createStorage(config.storage);
  const storage = options.storageWrapper ? options.storageWrapper(configured) : configured;
  const db = database.db;
  const repositories = {
    companies: new CompanyRepository(db),
    users: new UserRepository(db),
    assets: new AssetRepository(db),
    folders: new FolderRepository(db),
    imageFormats: new ImageFormatRepository(db),
    jobLogs: new JobLogRepository(db),
    derivations: new DerivationRepository(db),
    isPublications: new IsPublicationRepository(db),
    contextPublications: new ContextPublicationRepository(db),
    sets: new SetRepository(db),
    assetExtras: new AssetExtrasRepository(db),
    videos: new VideoRepository(db),
    projects: new ProjectRepository(db),
    itemProgress: new ItemProgressRepository(db),
    metadata: new MetadataRepository(db),
    sealedValues: new SealedValueRepository(db),
  };
  const secretBox = SecretBox.fromConfig(config.secretsKey, config.dataDir);
  const urlSecrets = new UrlSecrets({ box: secretBox, sealedValues: repositories.sealedValues });
  const hasher = new PasswordHasher();
  const throttle = new LoginThrottle({
    loginFailures: new LoginFailureRepository(db),
    options: {
      maxFailures: config.authThrottle.maxFailures,
      maxAddressFailures: config.authThrottle.maxAddressFailures,
      windowMs: config.authThrottle.windowSeconds * 1000,
    },
  });
  const auth = new AuthService({ users: repositories.users, hasher, cacheSeconds: config.authCacheSeconds, throttle, logger });
  const media = new MediaRepository(config.limits.maxImagePixels);
  // Threads start when the worker starts (startRenderThreads) or on the first render, so the API process never starts them.
  const renderPool =
    config.worker.renderThreads > 0
      ? new RenderPool({ threads: config.worker.renderThreads, maxPixels: config.limits.maxImagePixels, nice: config.worker.imageThreadNice })
      : undefined;
  const renderer = renderPool ?? media;
  // Children start on first use, so a process that never rips (the API) never forks Ghostscript.
  const metrics = new WorkerMetrics();
  const rip = new MeteredRipPool({ size: config.rip.poolSize, pageTimeoutMs: config.rip.pageTimeoutMs }, (pages, seconds) =>
    metrics.observeRippedPages(pages, seconds),
  );
  const serverName = `${os.hostname()}-${process.pid}`;
  const colors = new ColorProfiles({ assets: repositories.assets, storage });
  const mailer = createMailer(config.mail);
  const companySecret = (company: string) => repositories.companies.callbackSecret(company, newSecret);
  // ffmpeg/ffprobe run only when a video is ingested or reprocessed, as child processes of the worker.
  const publishDirectory = new PublishDirectory(config.serverPublishRoot);
  const exportLinks = new ExportLinks({ config: { publicUrl: config.publicUrl, ttlSeconds: config.export.urlTtlSeconds }, secretFor: companySecret });
  /**
   * What services are built from, under one name each: a service's constructor
   * takes one dependencies object and picks the parts it names from this bag.
   */
  const parts = {
    ...repositories,
    videoSitemaps: new VideoSitemapRepository(db),
    storageReferences: new StorageReferencesRepository(db),
    consoleSessions: new ConsoleSessionRepository(db),
    storage,
    scratch: new Scratch(storage),
    media,
    renderer,
    rip,
    colors,
    ledger: new ItemLedger(repositories.jobLogs, serverName),
    publishDirectory,
    exportLinks,
    renderIsImage,
    videoDriver: new FfmpegAdapter(config.video),
    mailer,
    logger,
    hasher,
  };
  const videoService = new VideoService(parts);
  const ingest = new IngestService({ ...parts, videoService });
  return {
    mailer,
    metrics,
    config,
    logger,
    database,
    storage,
    repositories,
    hasher,
    services: {
      auth,
      accounts: new AccountService({ ...parts, auth }),
      memberships: new MembershipService({ ...parts, auth }),
      assets: new AssetService(parts),
      folders: new FolderService(parts),
      imageFormats: new ImageFormatService(parts),
      assetLifecycle: new AssetLifecycleService(parts),
      assetAssociations: new AssetAssociationsService(parts),
      assetMove: new AssetMoveService(parts),
      ingest,
      urlUploads: new UrlUploadService({
        ...parts,
        ingest,
        urlSecrets,
        download: {
          guard: { allowPrivate: config.urlUpload.allowPrivate, allowedHosts: config.urlUpload.allowedHosts },
          allowHint: 'set URL_UPLOAD_ALLOWED_HOSTS or URL_UPLOAD_ALLOW_PRIVATE=true to allow',
          connectTimeoutMs: config.urlUpload.connectTimeoutMs,
          readTimeoutMs: config.urlUpload.readTimeoutMs,
          maxRedirects: config.urlUpload.maxRedirects,
          maxBytes: config.limits.maxUploadFileBytes,
          attempts: config.urlUpload.attempts,
          retryDelayMs: 1000,
        },
      }),
      directoryUploads: new DirectoryUploadService({
        ...parts,
        ingest,
        importDirectory: new ImportDirectory(config.importRoot),
        limits: { maxBytes: config.limits.maxUploadFileBytes, unzipMaxEntries: config.unzip.maxEntries, unzipMaxBytes: config.unzip.maxBytes },
      }),
      optimize: new OptimizeService(parts),
      reprocess: new ReprocessService({
        ...parts,
        documents: new DocumentRipService({ ...parts, limits: { maxPages: config.rip.maxPages } }),
        layers: new PsdLayerService({ ...parts, limits: { maxPixels: config.limits.maxImagePixels } }),
        videoService,
      }),
      bookkeeping: new JobBookkeeping({ jobLogs: repositories.jobLogs, serverName }),
      jobLogs: new JobLogService({ ...parts, auth }),
      notifier: new JobNotifier({ ...parts, notifications: new NotificationService(mailer) }),
      callbacks: new CallbackService({
        guard: { allowPrivate: config.callbacks.allowPrivate, allowedHosts: config.callbacks.allowedHosts },
        timeoutMs: config.callbacks.timeoutMs,
        secretFor: companySecret,
      }),
      // Conversions run on the render threads when the process has them (RenderPool.renderIsImage says why).
      exports: new ExportService({
        ...parts,
        renderIsImage: renderPool ? renderPool.renderIsImage.bind(renderPool) : renderIsImage,
        limits: { maxPixels: config.export.maxPixels },
      }),
      exportArchives: new ExportArchiveService(parts),
      exportDownloads: new ExportDownloadService(parts),
      isPublish: new IsPublishService(parts),
      isDelivery: new IsDeliveryService({
        ...parts,
        delivery: { maxPixels: config.export.maxPixels, cacheMaxAgeSeconds: config.imageServing.cacheMaxAgeSeconds },
      }),
      // The cache folder is made on the first thumbnail, so a worker process never makes it.
      consoleThumbnails: new ConsoleThumbnailService({
        ...parts,
        thumbnailCache: new ThumbnailCache(config.consoleThumbnails.cacheDir, config.consoleThumbnails.cacheMaxBytes),
        thumbnails: { maxPixels: config.export.maxPixels },
      }),
      contextPublish: new ContextPublishService(parts),
      videoDelivery: new VideoDeliveryService({ ...parts, delivery: { cacheMaxAgeSeconds: config.imageServing.cacheMaxAgeSeconds } }),
      metadataPublish: new MetadataPublishService(parts),
      videoSitemap: new VideoSitemapService({
        ...parts,
        sitemap: { publicUrl: config.publicUrl, cacheMaxAgeSeconds: config.imageServing.cacheMaxAgeSeconds },
      }),
      forceRepublish: new ForceRepublishService(parts),
      publishHistory: new PublishHistoryService({ ...parts, publishHistory: new PublishHistoryRepository(db), serverName }),
      setScripts: new SetScriptService(parts),
      projects: new ProjectService(parts),
      assetState: new AssetStateService(parts),
      metadataFields: new MetadataFieldService(parts),
      assetMetadata: new AssetMetadataService(parts),
      setGeneration: new SetGenerationService(parts),
      orphanSweep: new OrphanSweepService({ ...parts, sweep: { exportTtlMs: config.export.urlTtlSeconds * 1000 } }),
      urlSecrets,
      consoleSessions: new ConsoleSessionService({
        auth,
        consoleSessions: parts.consoleSessions,
        companies: repositories.companies,
        csrfKey: secretBox.deriveKey('ips-console-csrf-v1'),
        options: config.consoleSession,
      }),
      itemProgress: new ItemProgressReporter({
        itemProgress: repositories.itemProgress,
        logger: logger.child({ component: 'item-progress' }),
        minIntervalMs: ITEM_PROGRESS_INTERVAL_MS,
      }),
    },
    serverName,
    startRenderThreads: () => renderPool?.start(),
    close: async () => {
      await rip.close();
      await renderPool?.close();
      await mailer.close();
      await database.close();
    },
  };
}

/**
 * The services only the API runs: they start and signal workflows through the
 * job gateway, which exists once the API process has connected to Temporal
 * (the worker role never builds them).
 */
export function createApiServices(ctx: AppContext, gateway: JobGateway): { uploads: UploadService; jobs: JobService } {
  const { auth, directoryUploads, urlSecrets } = ctx.services;
  // One list for both: a job either service starts is listed by getActiveJobs at once.
  const running = new RunningJobs({ gateway, jobLogs: ctx.repositories.jobLogs, ttlMs: ctx.config.progressCacheMs, staleMs: ctx.config.progressStaleMs });
  const shared = { ...ctx.repositories, storage: ctx.storage, logger: ctx.logger, gateway, auth, directoryUploads, urlSecrets, running };
  return {
    uploads: new UploadService({ ...shared, config: ctx.config }),
    jobs: new JobService({
      ...shared,
      lanes: new JobLanes({ mode: ctx.config.jobLanes, perWorker: ctx.config.worker.activityConcurrency, workers: () => gateway.activityWorkers() }),
      config: { timezone: ctx.config.timezone, progressCacheMs: ctx.config.progressCacheMs, progressStaleMs: ctx.config.progressStaleMs },
    }),
  };
}
