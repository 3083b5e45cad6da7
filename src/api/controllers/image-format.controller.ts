import { Controller, HttpCode, Post } from '@nestjs/common';
import { ImageFormatService } from '../../services/image-format.service.js';
import { IpsOperation, ParamOf } from '../ips-operation.decorator.js';
import type { OperationParam } from '../operations.js';

@Controller('api')
export class ImageFormatController {
  constructor(private readonly formats: ImageFormatService) {}

  @Post('saveImageFormat')
  @HttpCode(200)
  @IpsOperation('saveImageFormat')
  saveImageFormat(@ParamOf('saveImageFormat') p: OperationParam<'saveImageFormat'>) {
    return this.formats.save(p);
  }

  @Post('getImageFormats')
  @HttpCode(200)
  @IpsOperation('getImageFormats')
  getImageFormats(@ParamOf('getImageFormats') p: OperationParam<'getImageFormats'>) {
    return this.formats.list(p);
  }

  @Post('deleteImageFormat')
  @HttpCode(200)
  @IpsOperation('deleteImageFormat')
  deleteImageFormat(@ParamOf('deleteImageFormat') p: OperationParam<'deleteImageFormat'>) {
    return this.formats.delete(p);
  }
}
