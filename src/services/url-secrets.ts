import type { SealedValueRepository } from '../adapters/repositories/sealed-value.repository.js';
import type { SecretBox } from '../adapters/security/secret-box.js';
import { withoutUrlSecrets } from '../domain/faults.js';
import { nowIso, randomId } from '../domain/handles.js';

/** Job fields holding a URL whose query may carry a token (a webhook key, a presigned download). */
const URL_FIELDS = new Set(['postHttpUrl', 'httpCompletionUrl', 'sourceUrl']);
const SEALED_QUERY = /^\?ips-sealed=([A-Za-z0-9]{16,64})$/;

/**
 * Keeps URL secrets out of Temporal (workflow inputs, history, memo) and out
 * of every echo and log: before a job starts, each URL field whose URL has a
 * query or fragment is replaced by the same URL with `?ips-sealed=<id>`, the
 * original sealed in the catalog (SecretBox); the activity that calls the URL
 * reveals it, and only there. Echoes show the URL with `?[redacted]`.
 */
export class UrlSecrets {
  constructor(private readonly deps: { box: SecretBox; sealedValues: SealedValueRepository }) {}

  /** A copy of a job's options in which every secret-bearing URL is a sealed reference. */
  async sealOptions<T>(companyHandle: string, options: T): Promise<T> {
    return (await this.walk(options, async (url) => this.seal(companyHandle, url))) as T;
  }

  /** The URL to call: a sealed reference opened, any other URL as it is. */
  async reveal(companyHandle: string, url: string): Promise<string> {
    if (!URL.canParse(url)) return url;
    const match = SEALED_QUERY.exec(new URL(url).search);
    if (!match) return url;
    const sealed = await this.deps.sealedValues.find(companyHandle, match[1]!);
    if (!sealed) throw new Error(`the sealed URL ${withoutUrlSecrets(url)} is no longer stored`);
    return this.deps.box.open(sealed);
  }

  private async seal(companyHandle: string, url: string): Promise<string> {
    if (!URL.canParse(url)) return url;
    const parsed = new URL(url);
    if (!parsed.search && !parsed.hash) return url;
    const id = randomId(24);
    await this.deps.sealedValues.insert({ seal_id: id, company_handle: companyHandle, sealed: this.deps.box.seal(url), created_at: nowIso() });
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}?ips-sealed=${id}`;
  }

  private async walk(value: unknown, onUrl: (url: string) => Promise<string>, key?: string): Promise<unknown> {
    if (typeof value === 'string') return key && URL_FIELDS.has(key) ? onUrl(value) : value;
    if (Array.isArray(value)) return Promise.all(value.map((v) => this.walk(v, onUrl, key)));
    if (value === null || typeof value !== 'object') return value;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = await this.walk(v, onUrl, k);
    return out;
  }
}

/** A job's options as echoed (memo, getActiveJobs, getScheduledJobs): URL fields without query or fragment. */
export function withoutSecretsInUrls<T>(value: T, key?: string): T {
  if (typeof value === 'string') return (key && URL_FIELDS.has(key) ? withoutUrlSecrets(value) : value) as T;
  if (Array.isArray(value)) return value.map((v) => withoutSecretsInUrls(v, key)) as T;
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutSecretsInUrls(v, k)])) as T;
}
