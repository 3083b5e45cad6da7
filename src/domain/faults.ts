/**
 * IPS faults (Adobe IPS: faults/r-ips-api-fault, faults/r-authentication-fault,
 * faults/r-authorization-fault) as one error type the HTTP layer maps to
 * `{ fault, code, reason, field }`. Codes are the IPS constants so a client
 * migrating off IPS can keep its error handling.
 */
export type FaultKind = 'authenticationFault' | 'authorizationFault' | 'ipsApiFault';

export const FaultCode = {
  NoCredentials: 10000,
  InvalidCredentials: 10001,
  InvalidUser: 10002,
  InvalidCompany: 20000,
  NoOperationPermission: 20003,
  NoImpersonationPermission: 20004,
  IllegalParameterValue: 20005,
  IllegalCompany: 20006,
  IllegalRequestUser: 20007,
  MissingPermission: 20009,
  Exception: 30000,
  InvalidParameter: 30001,
  MissingParameter: 30002,
  InvalidRequest: 30003,
} as const;
export type FaultCode = (typeof FaultCode)[keyof typeof FaultCode];

/** Extra HTTP meaning an ipsApiFault can carry beyond its IPS code (docs/api.md#faults). */
export type FaultStatusHint = 'notFound' | 'conflict' | 'tooLarge' | 'forbidden' | 'gone' | 'tooManyRequests';

export class IpsFault extends Error {
  readonly kind: FaultKind;
  constructor(
    readonly code: FaultCode,
    readonly reason: string,
    readonly field?: string,
    readonly hint?: FaultStatusHint,
  ) {
    super(reason);
    this.name = 'IpsFault';
    this.kind = code < 20000 ? 'authenticationFault' : code < 30000 ? 'authorizationFault' : 'ipsApiFault';
  }

  get httpStatus(): number {
    if (this.hint === 'tooManyRequests') return 429;
    if (this.kind === 'authenticationFault') return 401;
    if (this.kind === 'authorizationFault') return 403;
    if (this.hint === 'notFound') return 404;
    if (this.hint === 'conflict') return 409;
    if (this.hint === 'tooLarge') return 413;
    if (this.hint === 'forbidden') return 403;
    if (this.hint === 'gone') return 410;
    return this.code === FaultCode.Exception ? 500 : 400;
  }

  toJSON(): { fault: FaultKind; code: number; reason: string; field?: string } {
    return { fault: this.kind, code: this.code, reason: this.reason, ...(this.field ? { field: this.field } : {}) };
  }
}

/**
 * Login refused because too many recent attempts failed for the e-mail or the
 * client address: an authenticationFault (10001, as a wrong password, so clients
 * keep their handling) with HTTP 429 and a Retry-After in seconds.
 */
export class LoginThrottledFault extends IpsFault {
  constructor(readonly retryAfterSeconds: number) {
    super(
      FaultCode.InvalidCredentials,
      `Too many failed logins for this user or client address: try again in ${retryAfterSeconds} seconds`,
      undefined,
      'tooManyRequests',
    );
  }
}

export const faults = {
  missing: (field: string, expected: string) => new IpsFault(FaultCode.MissingParameter, `${field} is required: expected ${expected}, received nothing`, field),
  invalid: (field: string, expected: string, received: unknown) =>
    new IpsFault(FaultCode.InvalidParameter, `${field}: expected ${expected}, received ${describe(received)}`, field),
  notFound: (field: string, what: string, handle: string) =>
    new IpsFault(FaultCode.InvalidParameter, `${field}: no ${what} with handle '${handle}'`, field, 'notFound'),
  conflict: (field: string, reason: string) => new IpsFault(FaultCode.Exception, reason, field, 'conflict'),
  noPermission: (operation: string) => new IpsFault(FaultCode.NoOperationPermission, `User does not have permission to access operation '${operation}'`),
  foreignCompany: (field = 'companyHandle') => new IpsFault(FaultCode.IllegalCompany, 'User is not an active member of the requested company', field),
  /** A handle of another company than the request's companyHandle (the handle is not echoed: it carries that company's id). */
  foreignHandle: (field: string, what: string) =>
    new IpsFault(FaultCode.IllegalCompany, `${field}: the ${what} belongs to another company than companyHandle names`, field),
};

/** A short, bounded rendering of a received value for fault reasons (never echoes huge input). */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  const text = typeof value === 'string' ? `'${withoutUrlSecrets(value)}'` : String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...'` : text;
}

/**
 * A URL's query and fragment may carry a signature or token (a presigned
 * download, a webhook key): a fault reason, log line or echo shows the URL
 * without them. Anything that is not an absolute URL is returned unchanged.
 */
export function withoutUrlSecrets(text: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text) || !URL.canParse(text)) return text;
  const url = new URL(text);
  if (!url.search && !url.hash && !url.username && !url.password) return text;
  return `${url.protocol}//${url.host}${url.pathname}${url.search ? '?[redacted]' : ''}${url.hash ? '#[redacted]' : ''}`;
}

/** Fields whose value is a credential: a fault about them never shows what was received. */
export const CREDENTIAL_FIELDS: ReadonlySet<string> = new Set(['password', 'newPassword', 'oldPassword', 'jwtToken', 'apikey', 'imsOrg', 'secret']);
