import { FaultCode, IpsFault } from '../domain/faults.js';
import { OPERATION_ACCESS } from '../domain/roles.js';
import { parseInput } from '../domain/validate.js';
import { AuthService, type Credentials } from '../services/auth.service.js';
import type { Principal } from '../services/principal.js';
import type { OperationHandlers } from './operation-handlers.js';
import { OPERATIONS, type JsonOperation, type OperationReturn } from './operations.js';

export interface OperationRequest {
  credentials?: Credentials;
  /** the operation's `…Param` as a plain object, before validation */
  body: unknown;
  clientAddress?: string;
  locale?: string;
}

/**
 * Runs one IPS operation for either wire format: authenticate, check the
 * caller's role (in the body's company for company-scoped operations), validate
 * the param with the operation's schema, call the service.
 */
export class OperationInvoker {
  constructor(
    private readonly auth: AuthService,
    private readonly handlers: OperationHandlers,
  ) {}

  static isOperation(name: string): name is JsonOperation {
    return Object.hasOwn(OPERATIONS, name);
  }

  async invoke(name: string, request: OperationRequest): Promise<unknown> {
    if (!OperationInvoker.isOperation(name)) {
      throw new IpsFault(
        FaultCode.InvalidRequest,
        `Unknown operation '${name.slice(0, 100)}': see /api/docs for the operations this server implements`,
        undefined,
        'notFound',
      );
    }
    const caller = await this.auth.authenticate(request.credentials, request.clientAddress);
    return this.invokeAs(caller, name, request.body, request.locale);
  }

  /**
   * The same call for a caller authenticated another way (a console session,
   * which re-reads the user and memberships on every request): the same role
   * check, validation and service, so the console can do nothing the API
   * would refuse.
   */
  async invokeAs<N extends JsonOperation>(caller: Principal, name: N, body: unknown, locale?: string): Promise<OperationReturn<N>> {
    this.authorize(caller, name, body);
    const param = parseInput(OPERATIONS[name].param, body ?? {});
    const handler = this.handlers[name] as (call: { caller: Principal; param: unknown; locale?: string }) => Promise<unknown>;
    return (await handler({ caller, param, ...(locale ? { locale } : {}) })) as OperationReturn<N>;
  }

  /**
   * A company-scoped operation is checked against the role held in the body's
   * companyHandle; a body without one falls through to validation, which names
   * the missing field (unless the caller holds no active membership at all).
   */
  private authorize(caller: Principal, name: JsonOperation, body: unknown): void {
    const raw = (body ?? {}) as { companyHandle?: unknown };
    const companyHandle = typeof raw.companyHandle === 'string' && raw.companyHandle.trim() ? raw.companyHandle.trim() : undefined;
    const scope = OPERATION_ACCESS[name].scope;
    if (scope === 'company' && companyHandle === undefined) {
      if (!caller.isIpsAdmin && !caller.memberships.some((m) => m.isActive)) this.auth.authorize(caller, name);
    } else {
      this.auth.authorize(caller, name, scope === 'global' ? undefined : companyHandle);
    }
  }
}
