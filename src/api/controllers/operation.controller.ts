import { Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { AuthService } from '../../services/auth.service.js';
import { OperationInvoker } from '../operation-invoker.js';

/** `POST /api/<operationName>`: the JSON wire format of every IPS operation (docs/api.md). */
@Controller('api')
export class OperationController {
  constructor(private readonly invoker: OperationInvoker) {}

  @Post(':operation')
  @HttpCode(200)
  invoke(@Param('operation') operation: string, @Req() req: Request) {
    return this.invoker.invoke(operation, {
      credentials: AuthService.parseBasic(req.headers.authorization),
      body: req.body,
      clientAddress: req.ip,
      locale: req.headers['accept-language'],
    });
  }
}
