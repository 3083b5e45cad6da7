import { createHmac } from 'node:crypto';
import { AddressRefused, assertGuardOptions, resolveAllowed, validateCallbackUrl, type GuardOptions, type HostLookup } from '../adapters/http/address-guard.js';
import { postJson } from '../adapters/http/outbound-http.js';
import type { JobLogRow } from '../adapters/repositories/job-log.repository.js';
import type { JobOutcomeKind } from '../jobs/contracts.js';

/**
 * The postHttpUrl callback: when a job ends, a signed JSON summary of its
 * log is POSTed to the URL the submitter gave.
 *
 * Headers sent:
 *   Content-Type: application/json
 *   User-Agent: ips-job-service
 *   X-IPS-Timestamp: <ISO 8601 time of sending>
 *   X-IPS-Signature: sha256=<hex HMAC-SHA256 of `${timestamp}.${rawBody}` with the company's callback secret>
 *
 * How a receiver verifies a callback:
 *   1. Read the raw request body as bytes/text, before any JSON parsing
 *      (re-serialising parsed JSON changes the bytes and breaks the signature).
 *   2. expected = hex(HMAC-SHA256(secret, X-IPS-Timestamp + '.' + rawBody)).
 *   3. Compare `sha256=` + expected with X-IPS-Signature in constant time
 *      (e.g. crypto.timingSafeEqual on equal-length buffers), never with ===.
 *   4. Reject timestamps older than a few minutes (or in the future), so a
 *      captured request cannot be replayed later. The timestamp is signed,
 *      so it cannot be altered without breaking the signature.
 * Callbacks are delivered at least once: a retry after a lost response sends
 * the same jobHandle again (with a new timestamp), so receivers should be
 * idempotent per jobHandle.
 */

/** Not retryable: the URL or its address is refused, or the receiver answered 3xx or 4xx (not 408/429). */
export class CallbackRefused extends Error {
  constructor(
    message: string,
    readonly status?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'CallbackRefused';
  }
}

/** Retryable: network or DNS error, timeout, 5xx, 408 or 429. */
export class CallbackFailed extends Error {
  constructor(
    message: string,
    readonly status?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'CallbackFailed';
  }
}

export interface CallbackPayload {
  jobHandle: string;
  jobName: string;
  originalJobName: string;
  companyHandle: string;
  jobType: string;
  outcome: JobOutcomeKind;
  startDate: string;
  endDate: string;
  counts: { success: number; error: number; warning: number; duplicate: number; updated: number; total: number };
  assetHandles?: string[];
}

/** The callback body from a job's log row, counters as the log has them. */
export function callbackPayloadFromLog(log: JobLogRow, outcome: JobOutcomeKind, assetHandles?: string[]): CallbackPayload {
  return {
    jobHandle: log.job_handle,
    jobName: log.job_name,
    originalJobName: log.original_job_name,
    companyHandle: log.company_handle,
    jobType: log.job_type,
    outcome,
    startDate: log.start_date,
    endDate: log.end_date ?? new Date().toISOString(),
    counts: {
      success: log.file_success_count,
      error: log.file_error_count,
      warning: log.file_warning_count,
      duplicate: log.file_duplicate_count,
      updated: log.file_update_count,
      total: log.total_file_count,
    },
    ...(assetHandles ? { assetHandles } : {}),
  };
}

/** Hex HMAC-SHA256 of `${timestamp}.${body}`: the timestamp is signed too, so it cannot be swapped to defeat replay checks. */
export function signPayload(secret: string, timestamp: string, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

export interface CallbackServiceOptions {
  guard: GuardOptions;
  /** whole request, connect to last byte; default 10 s */
  timeoutMs?: number;
  /** the company's callback secret (stored with the company; never generated here) */
  secretFor(companyHandle: string): Promise<string>;
  /** host name → every address; default: the system resolver (tests inject names) */
  lookup?: HostLookup;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const USER_AGENT = 'ips-job-service';

export class CallbackService {
  private readonly timeoutMs: number;

  constructor(private readonly opts: CallbackServiceOptions) {
    assertGuardOptions(opts.guard);
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!Number.isInteger(this.timeoutMs) || this.timeoutMs < 1) {
      throw new TypeError(`timeoutMs: expected a positive whole number of milliseconds, received ${String(opts.timeoutMs)}`);
    }
  }

  /**
   * One delivery attempt; the calling activity retries CallbackFailed with
   * backoff and gives up at once on CallbackRefused. `signal` (the activity's
   * cancellation signal) aborts the request.
   */
  async send(url: string, payload: CallbackPayload, signal?: AbortSignal): Promise<{ status: number }> {
    const target = refuseOnGuard(() => validateCallbackUrl(url));
    // Shown in errors without query string: callback URLs often carry tokens there.
    const where = `${target.origin}${target.pathname}`;
    let ip: string;
    try {
      ip = await resolveAllowed(target, this.opts.guard, this.opts.lookup);
    } catch (err) {
      if (err instanceof AddressRefused) throw new CallbackRefused(err.message, undefined, { cause: err });
      throw new CallbackFailed(`callback to ${where}: cannot resolve ${target.hostname}: ${messageOf(err)}`, undefined, { cause: err });
    }

    const secret = await this.opts.secretFor(payload.companyHandle);
    const body = JSON.stringify(payload);
    const timestamp = new Date().toISOString();
    const headers = {
      'Content-Type': 'application/json',
      'User-Agent': USER_AGENT,
      'X-IPS-Timestamp': timestamp,
      'X-IPS-Signature': `sha256=${signPayload(secret, timestamp, body)}`,
    };

    let response: { status: number; text: string };
    try {
      response = await postJson(target, ip, body, headers, this.timeoutMs, signal);
    } catch (err) {
      throw new CallbackFailed(`callback to ${where}: ${messageOf(err)}`, undefined, { cause: err });
    }
    const { status, text } = response;
    if (status >= 200 && status < 300) return { status };
    const answer = `callback to ${where}: receiver answered ${status}${snippet(text)}`;
    if (status === 408 || status === 429 || status >= 500) throw new CallbackFailed(answer, status);
    if (status >= 300 && status < 400) throw new CallbackRefused(`${answer} (redirects are not followed)`, status);
    if (status >= 400) throw new CallbackRefused(answer, status);
    throw new CallbackFailed(answer, status);
  }
}

function refuseOnGuard<T>(step: () => T): T {
  try {
    return step();
  } catch (err) {
    if (err instanceof AddressRefused) throw new CallbackRefused(err.message, undefined, { cause: err });
    throw err;
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The start of the receiver's answer, for the job's failure message; bounded so logs stay small. */
function snippet(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  if (!oneLine) return '';
  return `: ${oneLine.length > 200 ? `${oneLine.slice(0, 197)}...` : oneLine}`;
}
