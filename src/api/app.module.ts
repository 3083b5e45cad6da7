import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { AppContext } from '../app/context.js';
import { ExportDownloadService } from '../services/export/export-download.service.js';
import type { JobService } from '../services/job.service.js';
import { MetricsService } from '../services/observability/metrics.service.js';
import { ReadinessService } from '../services/observability/readiness.service.js';
import { IsDeliveryService } from '../services/publish/is-delivery.service.js';
import { VideoDeliveryService } from '../services/publish/video-delivery.service.js';
import { VideoSitemapService } from '../services/publish/video-sitemap.service.js';
import { UploadService } from '../services/upload.service.js';
import { ExportController } from './controllers/export.controller.js';
import { HealthController } from './controllers/health.controller.js';
import { ImageServingController } from './controllers/image-serving.controller.js';
import { MetricsController } from './controllers/metrics.controller.js';
import { OperationController } from './controllers/operation.controller.js';
import { SoapController } from './controllers/soap.controller.js';
import { UploadController } from './controllers/upload.controller.js';
import { VideoContentController } from './controllers/video-content.controller.js';
import { ConsoleSubmitController } from './controllers/console-submit.controller.js';
import { ConsoleController } from './controllers/console.controller.js';
import { ConsoleAssetsController } from './controllers/console-assets.controller.js';
import { ConsoleThumbnailService } from '../services/console/console-thumbnails.service.js';
import { ConsoleLogsController } from './controllers/console-logs.controller.js';
import { ConsoleAssets } from '../adapters/console/console-assets.js';
import { ConsoleGate } from './console/console-gate.js';
import { SignInPages } from './console/sign-in-page.js';
import { FaultFilter } from './fault.filter.js';
import { operationHandlers } from './operation-handlers.js';
import { OperationInvoker } from './operation-invoker.js';
import { SoapService } from './soap/soap.service.js';

/**
 * The HTTP facade. Services are built outside Nest (the worker shares them),
 * so the module only hands the existing instances to the controllers. JSON
 * and SOAP both run operations through the one OperationInvoker.
 */
@Module({})
export class AppModule {
  static register(
    ctx: AppContext,
    uploads: UploadService,
    jobs: JobService,
    observability: { readiness: ReadinessService; metrics: MetricsService },
  ): DynamicModule {
    const invoker = new OperationInvoker(ctx.services.auth, operationHandlers({ ...ctx.services, jobs }));
    return {
      module: AppModule,
      controllers: [
        OperationController,
        SoapController,
        UploadController,
        ExportController,
        ImageServingController,
        VideoContentController,
        HealthController,
        MetricsController,
        ConsoleSubmitController,
        ConsoleController,
        ConsoleAssetsController,
        ConsoleLogsController,
      ],
      providers: [
        { provide: OperationInvoker, useValue: invoker },
        {
          provide: SoapService,
          useValue: new SoapService(
            invoker,
            { maxBodyBytes: ctx.config.limits.maxXmlBodyBytes, ...(ctx.config.publicUrlSet ? { publicUrl: ctx.config.publicUrl } : {}) },
            ctx.logger,
          ),
        },
        { provide: UploadService, useValue: uploads },
        { provide: ExportDownloadService, useValue: ctx.services.exportDownloads },
        { provide: IsDeliveryService, useValue: ctx.services.isDelivery },
        { provide: VideoDeliveryService, useValue: ctx.services.videoDelivery },
        { provide: VideoSitemapService, useValue: ctx.services.videoSitemap },
        { provide: ReadinessService, useValue: observability.readiness },
        { provide: MetricsService, useValue: observability.metrics },
        { provide: APP_FILTER, useValue: new FaultFilter(ctx.logger) },
        {
          provide: ConsoleGate,
          useValue: new ConsoleGate(ctx.services.consoleSessions, invoker, { publicUrlIsHttps: ctx.config.publicUrl.startsWith('https:') }),
        },
        { provide: SignInPages, useValue: new SignInPages(ctx.services.consoleSessions, ctx.config.consoleSession.maxHours * 3600) },
        { provide: ConsoleAssets, useValue: new ConsoleAssets() },
        { provide: ConsoleThumbnailService, useValue: ctx.services.consoleThumbnails },
      ],
    };
  }
}
