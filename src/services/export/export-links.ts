import { createHmac, timingSafeEqual } from 'node:crypto';

export interface ExportLinkConfig {
  /** where clients reach this server, e.g. https://ips.example.com (no trailing slash needed) */
  publicUrl: string;
  ttlSeconds: number;
}

/** Why a download token is refused: `forged` → 403, `expired` → 410. */
export class ExportLinkError extends Error {
  constructor(readonly why: 'malformed' | 'forged' | 'expired') {
    super(why === 'expired' ? 'This download link has expired' : 'This download link is not valid');
    this.name = 'ExportLinkError';
  }
}

export interface ExportLinkClaims {
  companyHandle: string;
  jobHandle: string;
  expiresAt: Date;
}

/**
 * Signed, expiring download URLs for export archives: `/export/<token>`,
 * where the token carries company, job and expiry and an HMAC-SHA256 over
 * them. The key is derived from the company's own secret (the one that signs
 * its callbacks), so a token can be neither forged nor extended without it,
 * and one company's key says nothing about another's.
 */
export class ExportLinks {
  private readonly config: ExportLinkConfig;
  private readonly secretFor: (companyHandle: string) => Promise<string>;
  private readonly now: () => number;

  constructor(deps: { config: ExportLinkConfig; secretFor: (companyHandle: string) => Promise<string>; now?: () => number }) {
    ({ config: this.config, secretFor: this.secretFor } = deps);
    this.now = deps.now ?? Date.now;
  }

  /** A URL valid for the configured time from now. */
  async issue(companyHandle: string, jobHandle: string): Promise<{ url: string; expiresAt: Date }> {
    const expiresAt = new Date(Math.floor(this.now() / 1000) * 1000 + this.config.ttlSeconds * 1000);
    const payload = Buffer.from(JSON.stringify([companyHandle, jobHandle, expiresAt.getTime() / 1000]), 'utf8').toString('base64url');
    const signature = (await this.sign(companyHandle, payload)).toString('base64url');
    return { url: `${this.config.publicUrl.replace(/\/+$/, '')}/export/${payload}.${signature}`, expiresAt };
  }

  /** The claims of a genuine, unexpired token; an ExportLinkError otherwise. */
  async verify(token: string): Promise<ExportLinkClaims> {
    const [payload, signature, extra] = token.split('.');
    if (!payload || !signature || extra !== undefined || token.length > 2048) throw new ExportLinkError('malformed');
    let claims: unknown;
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      throw new ExportLinkError('malformed');
    }
    if (!Array.isArray(claims) || claims.length !== 3 || typeof claims[0] !== 'string' || typeof claims[1] !== 'string' || !Number.isSafeInteger(claims[2])) {
      throw new ExportLinkError('malformed');
    }
    const [companyHandle, jobHandle, expires] = claims as [string, string, number];
    let key: Buffer;
    try {
      key = await this.sign(companyHandle, payload);
    } catch {
      // An unknown company: indistinguishable from a forged token.
      throw new ExportLinkError('forged');
    }
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== key.length || !timingSafeEqual(given, key)) throw new ExportLinkError('forged');
    // Checked after the signature, so "expired" is only ever said of a genuine link.
    if (expires * 1000 <= this.now()) throw new ExportLinkError('expired');
    return { companyHandle, jobHandle, expiresAt: new Date(expires * 1000) };
  }

  private async sign(companyHandle: string, payload: string): Promise<Buffer> {
    const key = createHmac('sha256', await this.secretFor(companyHandle))
      .update('ips-export-url-v1')
      .digest();
    return createHmac('sha256', key).update(payload).digest();
  }
}
