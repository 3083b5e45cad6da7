import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import type { AppContext } from '../app/context.js';
import { AccountService } from '../services/account.service.js';
import { AssetService } from '../services/asset.service.js';
import { AuthService } from '../services/auth.service.js';
import { ImageFormatService } from '../services/image-format.service.js';
import { JobLogService } from '../services/job-log.service.js';
import { JobService } from '../services/job.service.js';
import { UploadService } from '../services/upload.service.js';
import { AuthGuard } from './auth.guard.js';
import { AccountController } from './controllers/account.controller.js';
import { AssetController } from './controllers/asset.controller.js';
import { HealthController } from './controllers/health.controller.js';
import { ImageFormatController } from './controllers/image-format.controller.js';
import { JobController } from './controllers/job.controller.js';
import { UploadController } from './controllers/upload.controller.js';
import { FaultFilter } from './fault.filter.js';
import { ExportController } from './controllers/export.controller.js';
import { SetScriptController } from './controllers/set-script.controller.js';
import { SetScriptService } from '../services/sets/set-script.service.js';
import { ExportDownloadService } from '../services/export/export-download.service.js';
import { ImageServingController } from './controllers/image-serving.controller.js';
import { IsDeliveryService } from '../services/publish/is-delivery.service.js';
import { VideoContentController } from './controllers/video-content.controller.js';
import { VideoDeliveryService } from '../services/publish/video-delivery.service.js';
import { VideoSitemapService } from '../services/publish/video-sitemap.service.js';
import { MetricsController } from './controllers/metrics.controller.js';
import { MetricsService } from '../services/observability/metrics.service.js';
import { ReadinessService } from '../services/observability/readiness.service.js';

/**
 * The HTTP facade. Services are built outside Nest (the worker shares them),
 * so the module only hands the existing instances to the controllers.
 */
@Module({})
export class AppModule {
  static register(ctx: AppContext, uploads: UploadService, jobs: JobService, observability: { readiness: ReadinessService; metrics: MetricsService }): DynamicModule {
    return {
      module: AppModule,
      controllers: [AccountController, AssetController, ImageFormatController, JobController, UploadController, ExportController, SetScriptController, ImageServingController, VideoContentController, HealthController, MetricsController],
      providers: [
        { provide: AuthService, useValue: ctx.services.auth },
        { provide: AccountService, useValue: ctx.services.accounts },
        { provide: AssetService, useValue: ctx.services.assets },
        { provide: ImageFormatService, useValue: ctx.services.imageFormats },
        { provide: UploadService, useValue: uploads },
        { provide: JobService, useValue: jobs },
        { provide: JobLogService, useValue: ctx.services.jobLogs },
        { provide: ExportDownloadService, useValue: ctx.services.exportDownloads },
        { provide: IsDeliveryService, useValue: ctx.services.isDelivery },
        { provide: VideoDeliveryService, useValue: ctx.services.videoDelivery },
        { provide: VideoSitemapService, useValue: ctx.services.videoSitemap },
        { provide: SetScriptService, useValue: ctx.services.setScripts },
        { provide: ReadinessService, useValue: observability.readiness },
        { provide: MetricsService, useValue: observability.metrics },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useValue: new FaultFilter(ctx.logger) },
      ],
    };
  }
}
