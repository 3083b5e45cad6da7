import { Controller, Get, Headers, Res } from '@nestjs/common';
import type { Response } from 'express';
import { MetricsService } from '../../services/observability/metrics.service.js';

/** Prometheus scrape endpoint; unauthenticated unless METRICS_TOKEN is set (the service checks the bearer token). */
@Controller()
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get('metrics')
  async scrape(@Headers('authorization') authorization: string | undefined, @Res() res: Response): Promise<void> {
    const reply = await this.metrics.scrape(authorization);
    res.status(reply.status).type(reply.contentType).send(reply.body);
  }
}
