import { IpsFault } from '../../domain/faults.js';
import { OPERATION_ACCESS, type OperationName, type Role } from '../../domain/roles.js';
import type { ConsoleSession, ConsoleSessionService } from '../../services/console/console-session.service.js';
import { translator } from '../../console/i18n/index.js';
import type { Chrome, ConsoleSection } from '../../console/views/chrome.js';
import { renderPage } from '../../console/views/render.js';
import { MessagePage } from '../../console/views/sign-in.js';
import type { OperationInvoker } from '../operation-invoker.js';
import type { JsonOperation, OperationReturn } from '../operations.js';
import type { Request } from 'express';
import { type ConsoleRequest, LANGUAGE_COOKIE, consoleRequest } from './console-request.js';
import { type ConsoleReply, type ReplyCookie, html, redirect } from './console-reply.js';

/** The operation that opens each section: a role the operation refuses is not offered the section. */
const SECTION_OPERATIONS: Readonly<Record<ConsoleSection, OperationName>> = {
  jobs: 'getActiveJobs',
  logs: 'getJobLogs',
  assets: 'searchAssets',
  submit: 'submitJob',
};

/** A signed-in request: who, in which company, and a way to run IPS operations as them. */
export interface SignedIn {
  request: ConsoleRequest;
  session: ConsoleSession;
  companyHandle?: string;
  chrome: Chrome;
  /** whether the caller's role in the selected company may run the operation */
  may(operation: OperationName): boolean;
  /** runs an IPS operation as the caller: the API's role check, validation and service */
  run<N extends JsonOperation>(operation: N, body: unknown): Promise<OperationReturn<N>>;
}

/**
 * Every console request passes here: the session (else the sign-in page),
 * for a change the CSRF token, then the page with the caller's chrome.
 */
export class ConsoleGate {
  constructor(
    private readonly sessions: ConsoleSessionService,
    private readonly operations: OperationInvoker,
    private readonly options: { publicUrlIsHttps: boolean },
  ) {}

  /** The console's view of an HTTP request (cookies, form, language, TLS). */
  requestOf(req: Request): ConsoleRequest {
    return consoleRequest(req, this.options);
  }

  /** A page to read: signed-in callers only. */
  async read(req: ConsoleRequest, section: ConsoleSection | undefined, build: (s: SignedIn) => Promise<ConsoleReply>): Promise<ConsoleReply> {
    const session = await this.sessions.resolve(req.sessionToken);
    if (!session) return this.toSignIn(req);
    const signedIn = await this.signedIn(req, session, section);
    return this.withLanguage(req, await this.guarded(signedIn, build));
  }

  /**
   * A part of a page (a fragment htmx polls every second, a thumbnail of a
   * grid of 48): the same session check, without the page frame's company
   * list, which would otherwise be read once per poll and per picture.
   */
  async readPart(req: ConsoleRequest, section: ConsoleSection | undefined, build: (s: SignedIn) => Promise<ConsoleReply>): Promise<ConsoleReply> {
    const session = await this.sessions.resolve(req.sessionToken);
    if (!session) return this.toSignIn(req);
    return this.guarded(await this.signedIn(req, session, section, false), build);
  }

  /** A change (POST): signed-in callers whose request carries the session's CSRF token. */
  async change(req: ConsoleRequest, section: ConsoleSection | undefined, build: (s: SignedIn) => Promise<ConsoleReply>): Promise<ConsoleReply> {
    const session = await this.sessions.resolve(req.sessionToken);
    if (!session) return this.toSignIn(req);
    const signedIn = await this.signedIn(req, session, section);
    if (!req.sessionToken || !req.csrfOffered || !this.sessions.csrfMatches(req.sessionToken, req.csrfOffered)) {
      const { t } = signedIn.chrome;
      return html(renderPage(MessagePage({ chrome: signedIn.chrome, title: t('error.title'), message: t('error.csrf') })), 403);
    }
    return this.guarded(signedIn, build);
  }

  /** An IPS fault the page did not handle itself (a tampered link, a job gone meanwhile) is shown as a page, not as JSON. */
  private async guarded(s: SignedIn, build: (s: SignedIn) => Promise<ConsoleReply>): Promise<ConsoleReply> {
    try {
      return await build(s);
    } catch (err) {
      if (!(err instanceof IpsFault)) throw err;
      const { t } = s.chrome;
      return html(renderPage(MessagePage({ chrome: s.chrome, title: t('error.title'), message: err.message })), err.httpStatus);
    }
  }

  private async signedIn(req: ConsoleRequest, session: ConsoleSession, section: ConsoleSection | undefined, frame = true): Promise<SignedIn> {
    const t = translator(req.locale);
    const { principal } = session;
    const companyHandle = session.companyHandle;
    const roleIn = principal.memberships.find((m) => m.isActive && m.companyHandle === companyHandle)?.role;
    const may = (operation: OperationName) => {
      const roles: readonly Role[] = OPERATION_ACCESS[operation].roles;
      return principal.isIpsAdmin ? roles.includes('IpsAdmin') : roleIn !== undefined && roles.includes(roleIn);
    };
    const run = <N extends JsonOperation>(operation: N, body: unknown) => this.operations.invokeAs(principal, operation, body, req.locale);
    const allowed = new Set((Object.keys(SECTION_OPERATIONS) as ConsoleSection[]).filter((s) => companyHandle !== undefined && may(SECTION_OPERATIONS[s])));
    const companies = frame ? await this.companies(run, principal.isIpsAdmin) : [];
    const chrome: Chrome = {
      t,
      locale: req.locale,
      path: req.path,
      csrfToken: this.sessions.csrfToken(req.sessionToken!),
      email: principal.email,
      companies,
      // An IpsAdmin starts in no company (it manages them all): it picks one first.
      ...(companyHandle || !frame ? {} : { notice: t(companies.length > 0 ? 'session.chooseCompany' : 'error.noCompany') }),
      ...(companyHandle ? { companyHandle } : {}),
      ...(section ? { section } : {}),
      allowed,
    };
    return { request: req, session, ...(companyHandle ? { companyHandle } : {}), chrome, may, run };
  }

  /** The companies the switcher offers: the caller's active memberships, or every company for an IpsAdmin. */
  private async companies(run: SignedIn['run'], isIpsAdmin: boolean): Promise<Array<{ handle: string; name: string }>> {
    if (isIpsAdmin) {
      const all = await run('getAllCompanies', { includeExpired: false });
      return all.companyArray.items.map((c) => ({ handle: c.companyHandle, name: c.name }));
    }
    const mine = await run('getCompanyMembership', {});
    return mine.membershipArray.items.filter((m) => m.isActive).map((m) => ({ handle: m.company.companyHandle, name: m.company.name }));
  }

  private toSignIn(req: ConsoleRequest): ConsoleReply {
    const next = req.method === 'GET' && !req.htmx ? `?next=${encodeURIComponent(req.path)}` : '';
    return redirect(`/console/sign-in${next}`, req.htmx);
  }

  /** ?lang= chose a language: remember it for the next pages. */
  private withLanguage(req: ConsoleRequest, reply: ConsoleReply): ConsoleReply {
    if (!req.languageChosen) return reply;
    const cookie: ReplyCookie = { name: LANGUAGE_COOKIE, value: req.locale, maxAge: 365 * 24 * 3600, httpOnly: true, secure: req.secure };
    return { ...reply, cookies: [...(reply.cookies ?? []), cookie] };
  }
}
