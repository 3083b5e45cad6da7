import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import type { AppContext } from '../app/context.js';
import type { JobGateway } from '../adapters/temporal/job-gateway.js';
import { JobService } from '../services/job.service.js';
import { UploadService } from '../services/upload.service.js';
import { AppModule } from './app.module.js';
import { toFault } from './fault.filter.js';
import { buildOpenApiDocument } from './openapi.js';

export async function createHttpApp(ctx: AppContext, jobs: JobGateway): Promise<NestExpressApplication> {
  const uploads = new UploadService(ctx.services.auth, ctx.repositories.companies, ctx.repositories.assets, ctx.storage, jobs, ctx.config, ctx.repositories.sets);
  const jobService = new JobService(jobs, ctx.repositories.users, ctx.repositories.jobLogs, ctx.services.auth, {
    timezone: ctx.config.timezone,
    lanes: ctx.config.worker.activityConcurrency,
  }, ctx.repositories.assets, ctx.repositories.imageFormats, ctx.services.directoryUploads, ctx.repositories.sets);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(ctx, uploads, jobService), {
    bodyParser: false,
    logger: false,
  });
  app.useBodyParser('json', { limit: ctx.config.limits.maxJsonBodyBytes, strict: true });
  // Body-parser failures (bad JSON, too large) happen before Nest's filters see the request.
  app.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    const fault = toFault(err);
    res.status(fault.httpStatus).json(fault.toJSON());
  });
  app.disable('x-powered-by');
  const document = buildOpenApiDocument(process.env.npm_package_version ?? '0.1.0');
  SwaggerModule.setup('api/docs', app, document as never, { jsonDocumentUrl: 'api/docs-json', raw: ['json'] });
  app.enableShutdownHooks();
  return app;
}
