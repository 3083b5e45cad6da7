import { type ExecutionContext, SetMetadata, createParamDecorator, Body, type PipeTransform } from '@nestjs/common';
import type { Request } from 'express';
import type { OperationName } from '../domain/roles.js';
import { parseInput } from '../domain/validate.js';
import type { Principal } from '../services/principal.js';
import { OPERATIONS, type JsonOperation } from './operations.js';

export const OPERATION_KEY = 'ips:operation';

/** Names the IPS operation a route implements; the auth guard reads it to authenticate and authorize. */
export const IpsOperation = (name: OperationName) => SetMetadata(OPERATION_KEY, name);

export interface AuthenticatedRequest extends Request {
  principal?: Principal;
}

/** The authenticated caller (set by the auth guard). */
export const Caller = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('route has no @IpsOperation, so no caller was authenticated');
  return principal;
});

class OperationParamPipe implements PipeTransform {
  constructor(private readonly name: JsonOperation) {}
  transform(value: unknown) {
    return parseInput(OPERATIONS[this.name].param, value ?? {});
  }
}

/** The request body validated against the operation's `…Param` schema. */
export const ParamOf = (name: JsonOperation) => Body(new OperationParamPipe(name));
