import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { VideoDeliveryService } from '../../services/publish/video-delivery.service.js';
import { VIDEO_SITEMAP_FILE, VideoSitemapService } from '../../services/publish/video-sitemap.service.js';

/** Public delivery of published videos (no credentials: what a company publishes is public). */
@Controller('is')
export class VideoContentController {
  constructor(
    private readonly delivery: VideoDeliveryService,
    private readonly sitemaps: VideoSitemapService,
  ) {}

  /** The company's video sitemap as its last CreateVideoSitemapJob wrote it, at DMC's URL; declared before `content` so it is routed first. */
  @Get(`content/:rootId/${VIDEO_SITEMAP_FILE}`)
  async videoSitemap(@Param('rootId') rootId: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const reply = await this.sitemaps.serve(rootId, req.headers['if-none-match']);
    res.status(reply.status).set(reply.headers);
    if (reply.body === null) res.end();
    else if (typeof reply.body === 'string') res.send(reply.body);
    else await pipeline(reply.body, res);
  }

  @Get('content/:rootId/:name')
  async content(@Param('rootId') rootId: string, @Param('name') name: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const reply = await this.delivery.serve(rootId, name, req.headers.range, req.headers['if-none-match']);
    res.status(reply.status).set(reply.headers);
    if (reply.body === null) res.end();
    else if (typeof reply.body === 'string') res.send(reply.body);
    else await pipeline(reply.body, res);
  }
}
