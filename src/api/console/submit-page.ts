import { IpsFault } from '../../domain/faults.js';
import { renderPage } from '../../console/views/render.js';
import { MessagePage } from '../../console/views/sign-in.js';
import { SUBMIT_TYPES, SubmitPage, type SubmitType, type SubmitView } from '../../console/views/submit.js';
import type { SignedIn } from './console-gate.js';
import { type ConsoleReply, html } from './console-reply.js';
import { FormError, defaultValues, placeFault, postedValues, submitBody } from './submit-page-body.js';

/** The Submit page: the form of the job type ?type= names (reprocess first). */
export async function submitPage(s: SignedIn): Promise<ConsoleReply> {
  const type = submitType(s.request.query.type);
  if (!s.companyHandle) return noCompany(s);
  if (!s.may('submitJob')) return page(s, { type, allowed: false }, 403);
  return page(s, { type, values: defaultValues(type) });
}

/**
 * A posted form: submitJob as the signed-in user. Accepted → a fresh form of
 * the same type under a status line with the job's links; refused for its
 * input → the form again with what was typed and the error under the control
 * it is about (400). A refused role is not the form's to show: the gate's
 * error page answers it with the operation's 403.
 */
export async function submitPost(s: SignedIn): Promise<ConsoleReply> {
  const type = submitType(s.request.form.type);
  if (!s.companyHandle) return noCompany(s);
  const values = postedValues(s.request.form);
  try {
    const { jobHandle } = await s.run('submitJob', await submitBody(s, type, values));
    return page(s, { type, values: defaultValues(type), submitted: { jobHandle, name: (values.jobName ?? '').trim() } });
  } catch (err) {
    if (err instanceof FormError) return page(s, { type, values, errors: { [err.control]: err.message } }, 400);
    if (!(err instanceof IpsFault) || err.kind !== 'ipsApiFault') throw err;
    // A fault on a field is the form's input; one without (a server error) keeps its own status.
    return page(s, { type, values, ...placeFault(type, err) }, err.field ? 400 : err.httpStatus);
  }
}

function submitType(asked: string | undefined): SubmitType {
  return SUBMIT_TYPES.find((t) => t === asked) ?? 'reprocess';
}

function page(s: SignedIn, view: Partial<SubmitView> & Pick<SubmitView, 'type'>, status = 200): ConsoleReply {
  const full: SubmitView = { chrome: s.chrome, allowed: true, values: {}, errors: {}, formErrors: [], ...view };
  return html(renderPage(SubmitPage(full)), status);
}

function noCompany(s: SignedIn): ConsoleReply {
  const { t } = s.chrome;
  return html(renderPage(MessagePage({ chrome: s.chrome, title: t('submit.title'), message: t('error.noCompany') })), 403);
}
