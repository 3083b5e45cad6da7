import { parseCookie } from 'cookie';
import type { Request } from 'express';
import { type Locale, isLocale, resolveLocale } from '../../domain/i18n/catalog.js';

export const SESSION_COOKIE = 'ips_session';
export const SIGN_IN_COOKIE = 'ips_sign_in';
export const LANGUAGE_COOKIE = 'ips_lang';

/** What the console needs from an HTTP request, read once so pages never touch Express. */
export interface ConsoleRequest {
  method: string;
  /** path and query, e.g. /console/logs/j-1?page=2 */
  path: string;
  query: Readonly<Record<string, string>>;
  form: Readonly<Record<string, string>>;
  cookies: Readonly<Record<string, string | undefined>>;
  sessionToken?: string;
  /** the CSRF token offered: the X-CSRF-Token header (htmx, fetch) or the form's `_csrf` */
  csrfOffered?: string;
  locale: Locale;
  /** ?lang= asked for another language: the reply remembers it in a cookie */
  languageChosen: boolean;
  /** htmx asked for a fragment */
  htmx: boolean;
  clientAddress?: string;
  /** the request came over TLS (directly, or the service's PUBLIC_URL is https behind a proxy) */
  secure: boolean;
}

export function consoleRequest(req: Request, opts: { publicUrlIsHttps: boolean }): ConsoleRequest {
  const cookies = parseCookie(req.headers.cookie ?? '');
  const query = flat(req.query);
  const form = flat(req.body);
  const asked = query.lang?.toLowerCase();
  const locale =
    asked && isLocale(asked)
      ? asked
      : cookies[LANGUAGE_COOKIE] && isLocale(cookies[LANGUAGE_COOKIE])
        ? cookies[LANGUAGE_COOKIE]
        : resolveLocale(req.headers['accept-language']);
  const header = req.headers['x-csrf-token'];
  return {
    method: req.method,
    path: req.originalUrl,
    query,
    form,
    cookies,
    ...(cookies[SESSION_COOKIE] ? { sessionToken: cookies[SESSION_COOKIE] } : {}),
    ...(typeof header === 'string' ? { csrfOffered: header } : form._csrf ? { csrfOffered: form._csrf } : {}),
    locale,
    languageChosen: asked !== undefined && isLocale(asked),
    htmx: req.headers['hx-request'] === 'true',
    ...(req.ip ? { clientAddress: req.ip } : {}),
    secure: req.secure || opts.publicUrlIsHttps,
  };
}

/** Query strings and urlencoded forms as single strings (a repeated key keeps its first value). */
function flat(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!value || typeof value !== 'object') return out;
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const first = Array.isArray(v) ? v[0] : v;
    if (typeof first === 'string') out[key] = first;
  }
  return out;
}
