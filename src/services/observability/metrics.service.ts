import { timingSafeEqual } from 'node:crypto';
import type { MetricsExposition } from '../../adapters/metrics/metrics-exposition.js';
import type { MetricsReply } from '../../adapters/metrics/metrics-http-server.js';

/**
 * GET /metrics, on the API and on the worker's metrics port. Open by default
 * (Prometheus scrapes without credentials on a private network); with
 * METRICS_TOKEN set, a scrape needs `Authorization: Bearer <token>`.
 */
export class MetricsService {
  constructor(
    private readonly exposition: MetricsExposition,
    private readonly token?: string,
  ) {}

  async scrape(authorization: string | undefined): Promise<MetricsReply> {
    if (this.token && !bearerMatches(authorization, this.token)) {
      return { status: 401, contentType: 'text/plain; charset=utf-8', body: 'metrics need Authorization: Bearer <METRICS_TOKEN>\n' };
    }
    return { status: 200, contentType: this.exposition.contentType, body: await this.exposition.render() };
  }
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  if (!match) return false;
  const given = Buffer.from(match[1]!);
  const expected = Buffer.from(token);
  // Constant time, so the response time does not reveal how much of the token was right.
  return given.length === expected.length && timingSafeEqual(given, expected);
}
