import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';

/** Enough for any error page a receiver sends back; more is never read. */
export const MAX_RESPONSE_BYTES = 64 * 1024;

/** The request did not produce a complete response: connection failure, timeout or cancellation. */
export class OutboundHttpError extends Error {
  constructor(
    message: string,
    readonly kind: 'network' | 'timeout' | 'aborted',
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'OutboundHttpError';
  }
}

/**
 * POSTs `body` to `url`, connecting to `ip` (already checked by the address
 * guard) while the Host header and TLS server name stay the URL's host name,
 * so virtual hosting and certificate checks work as usual.
 *
 * Redirects are never followed (Node's client does not, and we keep it so):
 * a 3xx is returned like any other status, because following it would reach
 * an address the guard never saw. Only the first MAX_RESPONSE_BYTES of the
 * response body are read. `timeoutMs` bounds the whole exchange, connect to
 * last byte, not just socket idleness.
 */
export function postJson(
  url: URL,
  ip: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<{ status: number; text: string }> {
  const family = isIP(ip);
  if (family === 0) return Promise.reject(new TypeError(`ip: expected an IPv4 or IPv6 address, received '${ip}'`));
  if (signal?.aborted) return Promise.reject(new OutboundHttpError('request cancelled before it started', 'aborted'));
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');

  // Node (autoSelectFamily, on by default since v20) asks for `all` addresses; older paths ask for one.
  const pinned: LookupFunction = (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address: ip, family }]);
    else callback(null, ip, family);
  };

  const options: https.RequestOptions = {
    method: 'POST',
    protocol: url.protocol,
    hostname: host,
    port: url.port ? Number(url.port) : undefined,
    path: `${url.pathname}${url.search}`,
    headers: { ...headers, Host: url.host, 'Content-Length': String(Buffer.byteLength(body)) },
    lookup: pinned,
    // No pooled sockets: a kept-alive connection is tied to an address checked for another call.
    agent: false,
    // SNI carries host names only; for an IP literal the certificate is checked against the IP.
    ...(url.protocol === 'https:' && isIP(host) === 0 ? { servername: host } : {}),
  };

  return new Promise((resolve, reject) => {
    let settled = false;
    const client = url.protocol === 'https:' ? https : http;
    const req = client.request(options);

    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      outcome();
      // Frees the socket at once, also when the body was cut at the cap.
      req.destroy();
    };
    const fail = (err: unknown) =>
      settle(() =>
        reject(err instanceof OutboundHttpError ? err : new OutboundHttpError(`POST ${url.origin} failed: ${errorText(err)}`, 'network', { cause: err })),
      );
    const onAbort = () => fail(new OutboundHttpError('request cancelled', 'aborted'));
    const timer = setTimeout(() => fail(new OutboundHttpError(`no complete response from ${url.origin} within ${timeoutMs} ms`, 'timeout')), timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });

    req.on('error', fail);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const done = () => settle(() => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('data', (chunk: Buffer) => {
        const room = MAX_RESPONSE_BYTES - size;
        chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
        size += Math.min(chunk.length, room);
        if (size >= MAX_RESPONSE_BYTES) done();
      });
      res.on('end', done);
      res.on('error', fail);
      res.on('close', () => fail(new OutboundHttpError(`connection to ${url.origin} closed before the response ended`, 'network')));
    });
    req.end(body);
  });
}

function errorText(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code && !err.message.includes(code) ? `${code} ${err.message}` : err.message;
  }
  return String(err);
}
