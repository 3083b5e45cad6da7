import { Controller, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { UploadService } from '../../services/upload.service.js';

/** The IPS UploadFile servlet: multipart posts that feed an upload job. */
@Controller('scene7')
export class UploadController {
  constructor(private readonly uploads: UploadService) {}

  @Post('UploadFile')
  async uploadFile(@Req() req: Request, @Res() res: Response): Promise<void> {
    const reply = await this.uploads.handle(req);
    res
      .status(reply.status)
      .set(reply.headers ?? {})
      .setHeader('Content-Type', reply.contentType);
    res.end(reply.body);
  }
}
