import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { Readable } from 'node:stream';
import { AddressRefused, type GuardOptions, type HostLookup, resolveAllowed, validateCallbackUrl } from './address-guard.js';

/**
 * GET of a source file for UploadUrlsJob, guarded against server-side request
 * forgery like postHttpUrl callbacks: every hop (the URL and each redirect
 * target) is resolved, checked by the address guard and connected to at the
 * address that was checked, so neither a redirect nor a DNS answer that
 * changes between check and connect can reach a private address.
 */

export interface DownloadOptions {
  guard: GuardOptions;
  /** TCP (and TLS) connection set-up, per hop */
  connectTimeoutMs: number;
  /** longest silence while waiting for the headers or the next bytes of the body */
  readTimeoutMs: number;
  /** hops followed after the first request; more is a refusal */
  maxRedirects: number;
  /** a Content-Length above this is refused before any byte is read (the sink enforces it for the body) */
  maxBytes: number;
  /** for the refusal message: how an operator allows such hosts */
  allowHint: string;
  lookup?: HostLookup;
}

/** Retrying cannot help: refused address or scheme, 4xx, too many redirects, too large. */
export class DownloadRefused extends Error {
  override name = 'DownloadRefused';
}

/** May work on a retry: network or DNS error, timeout, 5xx, 408, 429. */
export class DownloadFailed extends Error {
  override name = 'DownloadFailed';
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * Fetches `url` and hands the body to `sink` (which streams it to storage and
 * enforces the byte limit); resolves with what the sink returned. The
 * Content-Type header is ignored: the ingest pipeline sniffs the bytes.
 */
export async function downloadUrl<T>(url: string, opts: DownloadOptions, sink: (body: Readable) => Promise<T>, signal?: AbortSignal): Promise<T> {
  let current = guarded(() => validateCallbackUrl(url), opts.allowHint);
  for (let hop = 0; ; hop++) {
    let ip: string;
    try {
      ip = await resolveAllowed(current, opts.guard, opts.lookup);
    } catch (err) {
      if (err instanceof AddressRefused) throw new DownloadRefused(refusal(err, opts.allowHint));
      throw new DownloadFailed(`cannot resolve ${current.hostname}: ${messageOf(err)}`, { cause: err });
    }
    const res = await request(current, ip, opts, signal);
    const status = res.statusCode ?? 0;
    if (REDIRECTS.has(status)) {
      res.destroy();
      const location = res.headers.location;
      if (!location) throw new DownloadRefused(`HTTP ${status} without a Location header`);
      if (hop >= opts.maxRedirects) throw new DownloadRefused(`more than ${opts.maxRedirects} redirects`);
      let next: URL;
      try {
        next = new URL(location, current);
      } catch {
        throw new DownloadRefused(`HTTP ${status} to an invalid Location '${location.slice(0, 200)}'`);
      }
      current = guarded(() => validateCallbackUrl(next.href), opts.allowHint);
      continue;
    }
    if (status < 200 || status >= 300) {
      res.destroy();
      const text = `HTTP ${status}${hop > 0 ? ` from ${current.origin}${current.pathname}` : ''}`;
      if (status === 408 || status === 429 || status >= 500) throw new DownloadFailed(text);
      throw new DownloadRefused(text);
    }
    const declared = Number(res.headers['content-length']);
    if (Number.isFinite(declared) && declared > opts.maxBytes) {
      res.destroy();
      throw new DownloadRefused(`larger than the limit of ${opts.maxBytes} bytes (Content-Length ${declared})`);
    }
    return sink(res);
  }
}

/** One GET to `ip`, the Host header and TLS name staying the URL's; resolves when the headers are in. */
function request(url: URL, ip: string, opts: DownloadOptions, signal?: AbortSignal): Promise<http.IncomingMessage> {
  const family = isIP(ip);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  // Node asks for `all` addresses (autoSelectFamily) or for one: either way only the checked one.
  const pinned: LookupFunction = (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address: ip, family }]);
    else callback(null, ip, family);
  };
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new DownloadFailed('download cancelled'));
    const req = client.request({
      method: 'GET',
      protocol: url.protocol,
      hostname: host,
      port: url.port ? Number(url.port) : undefined,
      path: `${url.pathname}${url.search}`,
      headers: { Host: url.host, 'User-Agent': 'ips-job-service', Accept: '*/*', 'Accept-Encoding': 'identity' },
      lookup: pinned,
      // No pooled sockets: a kept-alive connection is tied to an address checked for another URL.
      agent: false,
      signal,
      ...(url.protocol === 'https:' && isIP(host) === 0 ? { servername: host } : {}),
    });
    const connectTimer = setTimeout(
      () => req.destroy(new DownloadFailed(`no connection to ${url.host} within ${opts.connectTimeoutMs} ms`)),
      opts.connectTimeoutMs,
    );
    req.once('socket', (socket) => {
      const connected = () => clearTimeout(connectTimer);
      if (!socket.connecting) connected();
      socket.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', connected);
    });
    let response: http.IncomingMessage | undefined;
    // Socket idleness, for the headers and then for every chunk of the body (where the sink sees it as the stream's error).
    req.setTimeout(opts.readTimeoutMs, () => {
      const err = new DownloadFailed(`no data from ${url.host} for ${opts.readTimeoutMs} ms`);
      if (response) response.destroy(err);
      req.destroy(err);
    });
    req.once('error', (err) => {
      clearTimeout(connectTimer);
      reject(
        err instanceof DownloadFailed
          ? err
          : new DownloadFailed(signal?.aborted ? 'download cancelled' : `GET ${url.origin} failed: ${errorText(err)}`, { cause: err }),
      );
    });
    req.once('response', (res) => {
      clearTimeout(connectTimer);
      response = res;
      // An error after the headers (reset, read timeout) reaches the sink as a body stream error.
      res.once('error', () => undefined);
      resolve(res);
    });
    req.end();
  });
}

function guarded(step: () => URL, hint: string): URL {
  try {
    return step();
  } catch (err) {
    if (err instanceof AddressRefused) throw new DownloadRefused(refusal(err, hint));
    throw err;
  }
}

function refusal(err: AddressRefused, hint: string): string {
  return `refused: ${err.reason} (${hint})`;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function errorText(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code && !err.message.includes(code) ? `${code} ${err.message}` : err.message;
  }
  return String(err);
}
