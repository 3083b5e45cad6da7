import { Controller, HttpCode, Post } from '@nestjs/common';
import { SetScriptService } from '../../services/sets/set-script.service.js';
import { IpsOperation, ParamOf } from '../ips-operation.decorator.js';
import type { OperationParam } from '../operations.js';

/** Extension operations: the company's automated set-generation scripts. */
@Controller('api')
export class SetScriptController {
  constructor(private readonly scripts: SetScriptService) {}

  @Post('saveSetGenerationScript')
  @HttpCode(200)
  @IpsOperation('saveSetGenerationScript')
  save(@ParamOf('saveSetGenerationScript') p: OperationParam<'saveSetGenerationScript'>) {
    return this.scripts.save(p);
  }

  @Post('getSetGenerationScripts')
  @HttpCode(200)
  @IpsOperation('getSetGenerationScripts')
  list(@ParamOf('getSetGenerationScripts') p: OperationParam<'getSetGenerationScripts'>) {
    return this.scripts.list(p);
  }

  @Post('deleteSetGenerationScript')
  @HttpCode(200)
  @IpsOperation('deleteSetGenerationScript')
  delete(@ParamOf('deleteSetGenerationScript') p: OperationParam<'deleteSetGenerationScript'>) {
    return this.scripts.delete(p);
  }
}
