import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { IsDeliveryService } from '../../services/publish/is-delivery.service.js';

/** Public Image Serving of published assets (no credentials: what a company publishes is public). */
@Controller('is')
export class ImageServingController {
  constructor(private readonly delivery: IsDeliveryService) {}

  @Get('image/:rootId/:name')
  async image(@Param('rootId') rootId: string, @Param('name') name: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    // The raw query: IS splits at `&` and decodes each value itself (docs/image-serving.md#parsing), so Express's parsed query is of no use.
    const query = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?') + 1) : '';
    const reply = await this.delivery.serve(rootId, name, query, req.headers['if-none-match']);
    res.status(reply.status).set(reply.headers);
    if (typeof reply.body === 'string') res.send(reply.body);
    else await pipeline(reply.body, res);
  }
}
