import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException } from '@nestjs/common';
import type { Response } from 'express';
import type { Logger } from '../adapters/logging/logger.js';
import { FaultCode, IpsFault, LoginThrottledFault } from '../domain/faults.js';

/** Every failure leaves as an IPS fault body `{ fault, code, reason, field? }` (docs/api.md#faults). */
@Catch()
export class FaultFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const fault = toFault(exception);
    if (fault.code === FaultCode.Exception && fault.httpStatus === 500) {
      this.logger.error({ err: exception }, 'unhandled error');
    }
    if (res.headersSent) return;
    if (fault instanceof LoginThrottledFault) res.setHeader('Retry-After', String(fault.retryAfterSeconds));
    res.status(fault.httpStatus).json(fault.toJSON());
  }
}

export function toFault(exception: unknown): IpsFault {
  if (exception instanceof IpsFault) return exception;
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    if (status === 404)
      return new IpsFault(FaultCode.InvalidRequest, 'Unknown operation: use POST /api/<operationName> (see /api/docs)', undefined, 'notFound');
    if (status === 413) return new IpsFault(FaultCode.InvalidRequest, 'The request body is larger than the limit', undefined, 'tooLarge');
    if (status < 500) return new IpsFault(FaultCode.InvalidRequest, exception.message);
  }
  const bodyError = exception as { type?: string; status?: number; limit?: number };
  if (bodyError?.type === 'entity.too.large') {
    return new IpsFault(FaultCode.InvalidRequest, `The request body is larger than the limit of ${bodyError.limit} bytes`, undefined, 'tooLarge');
  }
  if (bodyError?.type === 'entity.parse.failed') {
    return new IpsFault(FaultCode.InvalidRequest, '(body): expected a JSON object, received text that is not valid JSON');
  }
  if (typeof bodyError?.status === 'number' && bodyError.status >= 400 && bodyError.status < 500) {
    return new IpsFault(FaultCode.InvalidRequest, `The request could not be read (${bodyError.type ?? 'bad request'})`);
  }
  return new IpsFault(FaultCode.Exception, 'Internal server error');
}
