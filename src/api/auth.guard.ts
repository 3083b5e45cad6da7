import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { OPERATION_ACCESS, type OperationName } from '../domain/roles.js';
import { AuthService } from '../services/auth.service.js';
import { type AuthenticatedRequest, OPERATION_KEY } from './ips-operation.decorator.js';

/**
 * Authenticates every operation (HTTP Basic) and checks the caller's role for
 * it. For company-scoped operations the role is the one held in the body's
 * companyHandle; a body without one falls through to validation, which names
 * the missing field.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const operation = this.reflector.get<OperationName | undefined>(OPERATION_KEY, context.getHandler());
    if (!operation) return true; // health, docs and the upload servlet (which authenticates its parts itself)
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const principal = await this.auth.authenticate(AuthService.parseBasic(req.headers.authorization), req.ip);
    const body = (req.body ?? {}) as { companyHandle?: unknown };
    const companyHandle = typeof body.companyHandle === 'string' && body.companyHandle.trim() ? body.companyHandle.trim() : undefined;
    const scope = OPERATION_ACCESS[operation].scope;
    if (scope === 'company' && companyHandle === undefined) {
      if (!principal.isIpsAdmin && !principal.memberships.some((m) => m.isActive)) this.auth.authorize(principal, operation);
    } else {
      this.auth.authorize(principal, operation, scope === 'global' ? undefined : companyHandle);
    }
    req.principal = principal;
    return true;
  }
}
