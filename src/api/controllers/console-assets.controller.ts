import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ConsoleThumbnailService } from '../../services/console/console-thumbnails.service.js';
import { UploadService } from '../../services/upload.service.js';
import { assetDetailsPage } from '../console/assets-page-details.js';
import { assetGridFragment, assetsPage } from '../console/assets-page.js';
import { assetThumbnail, jobThumbnail } from '../console/assets-page-thumbnails.js';
import { ConsoleGate } from '../console/console-gate.js';
import { send } from '../console/console-reply.js';
import { consoleUpload } from '../console/upload-endpoint.js';

/** The console's Assets section: the grid, an asset's page, the upload and the thumbnails (docs/console.md). */
@Controller('console')
export class ConsoleAssetsController {
  constructor(
    private readonly gate: ConsoleGate,
    private readonly uploads: UploadService,
    private readonly thumbnails: ConsoleThumbnailService,
  ) {}

  @Get('assets')
  async assets(@Req() req: Request, @Res() res: Response): Promise<void> {
    send(res, await this.gate.read(this.gate.requestOf(req), 'assets', assetsPage));
  }

  // Before assets/:assetHandle; no asset handle is 'grid' (they are a|…).
  @Get('assets/grid')
  async grid(@Req() req: Request, @Res() res: Response): Promise<void> {
    send(res, await this.gate.readPart(this.gate.requestOf(req), 'assets', assetGridFragment));
  }

  @Get('assets/:assetHandle')
  async asset(@Req() req: Request, @Param('assetHandle') assetHandle: string, @Res() res: Response): Promise<void> {
    send(res, await this.gate.read(this.gate.requestOf(req), 'assets', (s) => assetDetailsPage(s, assetHandle)));
  }

  @Post('upload')
  async upload(@Req() req: Request, @Res() res: Response): Promise<void> {
    send(res, await this.gate.change(this.gate.requestOf(req), 'assets', (s) => consoleUpload(s, this.uploads, req)));
  }

  @Get('thumbnails/asset/:assetHandle')
  async assetThumbnail(@Req() req: Request, @Param('assetHandle') assetHandle: string, @Res() res: Response): Promise<void> {
    const ifNoneMatch = req.headers['if-none-match'];
    send(res, await this.gate.readPart(this.gate.requestOf(req), 'assets', (s) => assetThumbnail(s, this.thumbnails, assetHandle, ifNoneMatch)));
  }

  @Get('thumbnails/job/:jobHandle/:assetHandle/:which')
  async jobThumbnail(
    @Req() req: Request,
    @Param('jobHandle') jobHandle: string,
    @Param('assetHandle') assetHandle: string,
    @Param('which') which: string,
    @Res() res: Response,
  ): Promise<void> {
    const ifNoneMatch = req.headers['if-none-match'];
    send(
      res,
      await this.gate.readPart(this.gate.requestOf(req), 'logs', (s) => jobThumbnail(s, this.thumbnails, { jobHandle, assetHandle, which }, ifNoneMatch)),
    );
  }
}
