import { randomBytes, timingSafeEqual } from 'node:crypto';
import { FaultCode, IpsFault, LoginThrottledFault } from '../../domain/faults.js';
import type { ConsoleSessionService } from '../../services/console/console-session.service.js';
import { translator } from '../../console/i18n/index.js';
import type { Chrome } from '../../console/views/chrome.js';
import { renderPage } from '../../console/views/render.js';
import { SignInPage } from '../../console/views/sign-in.js';
import type { SignedIn } from './console-gate.js';
import { type ConsoleRequest, SESSION_COOKIE, SIGN_IN_COOKIE } from './console-request.js';
import { type ConsoleReply, type ReplyCookie, html, redirect } from './console-reply.js';

/**
 * Signing in and out. The sign-in form carries a random token that must equal
 * the one in its cookie (double submit): without it another site could sign a
 * visitor in as the attacker. The session cookie lives as long as a session may.
 */
export class SignInPages {
  constructor(
    private readonly sessions: ConsoleSessionService,
    private readonly sessionMaxSeconds: number,
  ) {}

  async form(req: ConsoleRequest): Promise<ConsoleReply> {
    if (await this.sessions.resolve(req.sessionToken)) return redirect(safeNext(req.query.next), false);
    return this.render(req, 200, { ...(req.query.signedOut ? { notice: translator(req.locale)('signIn.signedOut') } : {}) });
  }

  async signIn(req: ConsoleRequest): Promise<ConsoleReply> {
    const t = translator(req.locale);
    const expected = req.cookies[SIGN_IN_COOKIE];
    if (!expected || !req.form._csrf || !same(expected, req.form._csrf)) return this.render(req, 403, { error: t('error.csrf') });
    const email = req.form.email ?? '';
    try {
      const { token } = await this.sessions.signIn({ email, password: req.form.password ?? '' }, req.clientAddress);
      const cookies: ReplyCookie[] = [
        { name: SESSION_COOKIE, value: token, maxAge: this.sessionMaxSeconds, httpOnly: true, secure: req.secure },
        { name: SIGN_IN_COOKIE, value: '', maxAge: 0, httpOnly: true, secure: req.secure },
      ];
      return redirect(safeNext(req.form.next), false, cookies);
    } catch (err) {
      if (err instanceof LoginThrottledFault) return this.render(req, 429, { error: t('signIn.throttled'), email });
      if (err instanceof IpsFault && (err.code === FaultCode.InvalidCredentials || err.code === FaultCode.NoCredentials))
        return this.render(req, 401, { error: t('signIn.failed'), email });
      throw err;
    }
  }

  async signOut(req: ConsoleRequest): Promise<ConsoleReply> {
    if (req.sessionToken) await this.sessions.signOut(req.sessionToken);
    return redirect('/console/sign-in?signedOut=1', req.htmx, [{ name: SESSION_COOKIE, value: '', maxAge: 0, httpOnly: true, secure: req.secure }]);
  }

  /** The company switcher: later pages act in the chosen company (one of the caller's, checked by the session service). */
  async switchCompany(s: SignedIn): Promise<ConsoleReply> {
    await this.sessions.selectCompany(s.session, s.request.form.companyHandle ?? '');
    return redirect('/console/jobs', s.request.htmx);
  }

  private render(req: ConsoleRequest, status: number, extra: { error?: string; email?: string; notice?: string }): ConsoleReply {
    const formToken = randomBytes(24).toString('base64url');
    const chrome: Chrome = { t: translator(req.locale), locale: req.locale, path: req.path, ...(extra.notice ? { notice: extra.notice } : {}) };
    const next = req.query.next ?? req.form.next;
    const body = renderPage(
      SignInPage({
        chrome,
        formToken,
        ...(extra.email !== undefined ? { email: extra.email } : {}),
        ...(next ? { next } : {}),
        ...(extra.error ? { error: extra.error } : {}),
      }),
    );
    return html(body, status, [{ name: SIGN_IN_COOKIE, value: formToken, maxAge: 3600, httpOnly: true, secure: req.secure }]);
  }
}

/** Only a console path: `next` must not send a signed-in user to another site. */
function safeNext(next: string | undefined): string {
  return next && /^\/console(\/[^/\\]|$|\?)/.test(next) && !next.includes('//') ? next : '/console/jobs';
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
