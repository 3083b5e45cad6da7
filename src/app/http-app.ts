import { isUtf8 } from 'node:buffer';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication, NestExpressBodyParserOptionsFor } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import { type NextFunction, type Request, type Response, urlencoded } from 'express';
import { type AppContext, createApiServices } from './context.js';
import type { JobGateway } from '../adapters/temporal/job.gateway.js';
import { AppModule } from '../api/app.module.js';
import { toFault } from '../api/fault.filter.js';
import { FaultCode, IpsFault } from '../domain/faults.js';
import { buildOpenApiDocument } from '../api/openapi.js';
import { apiMetricsService } from './observability.js';
import { readinessChecks } from './readiness-checks.js';
import { ReadinessService } from '../services/observability/readiness.service.js';

export interface HttpAppOptions {
  /** one process runs the API and the worker (role `all`): /metrics also shows the worker's metrics */
  withWorkerMetrics?: boolean;
}

export async function createHttpApp(ctx: AppContext, jobs: JobGateway, opts: HttpAppOptions = {}): Promise<NestExpressApplication> {
  const { uploads, jobs: jobService } = createApiServices(ctx, jobs);
  const observability = { readiness: new ReadinessService(readinessChecks(ctx, jobs)), metrics: apiMetricsService(ctx, opts.withWorkerMetrics ?? false) };
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(ctx, uploads, jobService, observability), {
    bodyParser: false,
    logger: false,
  });
  // Nest's type omits `verify` because it uses it for `rawBody: true`, which this app does not set; express.json() takes it as is.
  const json = { limit: ctx.config.limits.maxJsonBodyBytes, strict: true, verify: refuseInvalidUtf8 } as NestExpressBodyParserOptionsFor<'json'>;
  app.useBodyParser('json', json);
  // The console's forms post urlencoded; only its routes parse them (the JSON API stays JSON-only).
  app.use('/console', urlencoded({ extended: false, limit: 64 * 1024, parameterLimit: 100 }));
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

/**
 * The parser would decode invalid UTF-8 into U+FFFD and carry on, so a client's
 * broken encoding would silently become stored names; refuse the body instead.
 */
function refuseInvalidUtf8(_req: unknown, _res: unknown, body: Buffer, encoding: string | null): void {
  if ((encoding ?? 'utf-8').toLowerCase().replace('-', '') === 'utf8' && !isUtf8(body)) {
    throw new IpsFault(FaultCode.InvalidRequest, '(body): expected JSON in UTF-8, received bytes that are not valid UTF-8');
  }
}
