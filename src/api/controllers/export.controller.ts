import { Controller, Get, Param, Res } from '@nestjs/common';
import type { Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { ExportDownloadService } from '../../services/export/export-download.service.js';

/** Export archives behind signed, expiring URLs (no credentials: the token is the credential until it expires). */
@Controller('export')
export class ExportController {
  constructor(private readonly downloads: ExportDownloadService) {}

  @Get(':token')
  async download(@Param('token') token: string, @Res() res: Response): Promise<void> {
    const file = await this.downloads.open(token);
    res.status(200);
    res.setHeader('Content-Type', 'application/zip');
    res.setHeader('Content-Length', String(file.size));
    res.setHeader('Content-Disposition', `attachment; filename="${file.fileName}"`);
    // The URL is a secret: keep it out of shared caches.
    res.setHeader('Cache-Control', 'private, no-store');
    await pipeline(file.stream, res);
  }
}
