import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { UploadService } from '../../services/upload.service.js';

/** The IPS UploadFile servlet: multipart posts that feed an upload job. */
@Controller('scene7')
export class UploadController {
  constructor(private readonly uploads: UploadService) {}

  @Post('UploadFile')
  @HttpCode(200)
  uploadFile(@Req() req: Request) {
    return this.uploads.handlePost(req);
  }
}
