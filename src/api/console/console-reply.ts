import { stringifySetCookie } from 'cookie';
import type { Response } from 'express';
import type { Readable } from 'node:stream';

export interface ReplyCookie {
  name: string;
  value: string;
  /** seconds; 0 removes the cookie */
  maxAge?: number;
  httpOnly: boolean;
  secure: boolean;
}

/** One console reply: a page, a fragment, a redirect or bytes (thumbnails, static files). */
export interface ConsoleReply {
  status: number;
  headers?: Record<string, string>;
  body: string | Buffer | Readable;
  cookies?: readonly ReplyCookie[];
}

/**
 * Pages are private and change with every job: never cached, never framed,
 * scripts and styles only from the console's own files.
 */
const PAGE_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  'Content-Security-Policy':
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'same-origin',
};

export function html(body: string, status = 200, cookies?: readonly ReplyCookie[]): ConsoleReply {
  return { status, headers: { ...PAGE_HEADERS }, body, ...(cookies ? { cookies } : {}) };
}

/** A redirect after a change (POST → GET); htmx follows HX-Redirect instead of swapping the page in. */
export function redirect(location: string, htmx: boolean, cookies?: readonly ReplyCookie[]): ConsoleReply {
  const headers: Record<string, string> = htmx ? { 'HX-Redirect': location, 'Cache-Control': 'no-store' } : { Location: location, 'Cache-Control': 'no-store' };
  return { status: htmx ? 200 : 303, headers, body: '', ...(cookies ? { cookies } : {}) };
}

export function send(res: Response, reply: ConsoleReply): void {
  for (const c of reply.cookies ?? []) {
    res.append(
      'Set-Cookie',
      stringifySetCookie({
        name: c.name,
        value: c.value,
        path: '/console',
        httpOnly: c.httpOnly,
        secure: c.secure,
        sameSite: 'strict',
        ...(c.maxAge !== undefined ? { maxAge: c.maxAge } : {}),
      }),
    );
  }
  res.status(reply.status);
  for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
  if (typeof reply.body === 'string' || Buffer.isBuffer(reply.body)) {
    res.end(reply.body);
    return;
  }
  reply.body.on('error', () => res.destroy());
  reply.body.pipe(res);
}
