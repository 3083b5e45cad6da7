import type { Mailer } from '../adapters/mail/mail.driver.js';
import { renderMessage, resolveLocale, type Locale, type MessageKey } from '../domain/i18n/catalog.js';
import type { EMAIL_SETTINGS } from '../domain/schemas/common.schema.js';

/** Every job's emailSetting (Adobe IPS: sting-constants/r-email-settings). */
export type EmailSetting = (typeof EMAIL_SETTINGS)[number];

export interface JobLogLine {
  assetName?: string;
  message: string;
}

/** What a job notification reports; built by the job engine from its JobLog (Adobe IPS: data-types/r-job-log) once the job has ended. */
export interface JobSummaryForMail {
  jobName: string;
  originalJobName: string;
  jobType: string;
  companyName: string;
  startDate: string;
  endDate: string;
  success: number;
  errors: number;
  warnings: number;
  duplicates: number;
  updated: number;
  total: number;
  outcome: 'done' | 'stopped' | 'failed';
  /** Already rendered in the recipient's locale; more than MAX_LISTED may be passed, only the first are shown. */
  firstErrors: JobLogLine[];
  firstWarnings: JobLogLine[];
  /** Appended as they are, e.g. a download URL (http(s) URLs become links in the HTML part). */
  extraLines?: string[];
}

/** Keeps a mail about a huge failed job readable; the job log holds the rest. */
export const MAX_LISTED = 10;

/**
 * Whether a job that has ended (done, stopped or failed) warrants a mail under
 * `setting`. A failed job counts as an error even when no file failed, since
 * the job itself did.
 */
export function shouldNotify(setting: EmailSetting, s: Pick<JobSummaryForMail, 'errors' | 'warnings' | 'outcome'>): boolean {
  const hasErrors = s.errors > 0 || s.outcome === 'failed';
  switch (setting) {
    case 'All':
    case 'JobCompletion':
      return true;
    case 'Error':
      return hasErrors;
    case 'ErrorAndWarning':
      return hasErrors || s.warnings > 0;
    case 'None':
      return false;
    default: {
      // A setting from storage that the type does not know: stay silent rather than mail by surprise.
      const _unknown: never = setting;
      return false;
    }
  }
}

/** Neutral and unambiguous in every supported language, and independent of the host's ICU data. */
function formatDate(iso: string): string {
  const d = new Date(iso);
  if (!iso || Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

interface MailList {
  heading: string;
  items: string[];
  more?: string;
}

interface MailContent {
  subject: string;
  intro: string;
  facts: string[];
  lists: MailList[];
  extra: string[];
  footer: string;
}

function buildContent(s: JobSummaryForMail, locale: Locale): MailContent {
  const t = (key: MessageKey, args: Record<string, string | number> = {}) => renderMessage(key, args, locale);

  const subjectKey: MessageKey =
    s.outcome === 'failed'
      ? 'mailSubjectFailed'
      : s.outcome === 'stopped'
        ? 'mailSubjectStopped'
        : s.errors > 0 || s.warnings > 0
          ? 'mailSubjectDoneWithIssues'
          : 'mailSubjectDone';
  const introKey: MessageKey = s.outcome === 'failed' ? 'mailIntroFailed' : s.outcome === 'stopped' ? 'mailIntroStopped' : 'mailIntroDone';

  const facts: string[] = [];
  if (s.originalJobName && s.originalJobName !== s.jobName) facts.push(t('mailOriginalName', { name: s.originalJobName }));
  if (s.startDate) facts.push(t('mailStarted', { date: formatDate(s.startDate) }));
  if (s.endDate) facts.push(t('mailEnded', { date: formatDate(s.endDate) }));
  facts.push(
    t('mailCounts', {
      total: s.total,
      success: s.success,
      updated: s.updated,
      duplicate: s.duplicates,
      error: s.errors,
      warning: s.warnings,
    }),
  );

  const list = (lines: JobLogLine[], count: number, allKey: MessageKey, firstKey: MessageKey): MailList[] => {
    const shown = lines.slice(0, MAX_LISTED);
    if (shown.length === 0) return [];
    // The counter may lag the lines handed in (or vice versa); never claim fewer than we list.
    const total = Math.max(count, lines.length);
    const items = shown.map((l) => (l.assetName ? t('mailItem', { asset: l.assetName, message: l.message }) : l.message));
    return total > shown.length
      ? [{ heading: t(firstKey, { shown: shown.length, total }), items, more: t('mailMore', { count: total - shown.length }) }]
      : [{ heading: t(allKey, { count: total }), items }];
  };

  return {
    // Job names are user input; a line break must not end up in a header.
    subject: t(subjectKey, { name: s.jobName, error: s.errors, warning: s.warnings }).replace(/[\r\n]+/g, ' '),
    intro: t(introKey, { type: s.jobType, name: s.jobName, company: s.companyName }),
    facts,
    lists: [...list(s.firstErrors, s.errors, 'mailErrors', 'mailFirstErrors'), ...list(s.firstWarnings, s.warnings, 'mailWarnings', 'mailFirstWarnings')],
    extra: s.extraLines ?? [],
    footer: t('mailFooter'),
  };
}

function renderText(c: MailContent): string {
  const blocks = [
    c.intro,
    c.facts.join('\n'),
    ...c.lists.map((l) => [l.heading, ...l.items.map((i) => `- ${i}`), ...(l.more ? [l.more] : [])].join('\n')),
    ...(c.extra.length ? [c.extra.join('\n')] : []),
    // "-- " is the standard signature separator; clients fold what follows.
    `-- \n${c.footer}`,
  ];
  return `${blocks.join('\n\n')}\n`;
}

export function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/**
 * Escapes first, then links http(s) URLs; escaped text has no quotes or angle
 * brackets left to break out of the href. Sentence punctuation right after a
 * URL stays outside the link.
 */
function escapeAndLink(value: string): string {
  return escapeHtml(value).replace(/\bhttps?:\/\/\S+?(?=[.,;:!?)]*(?:\s|$))/g, (url) => `<a href="${url}">${url}</a>`);
}

function renderHtml(c: MailContent, locale: Locale): string {
  const e = escapeHtml;
  const parts = [
    '<!DOCTYPE html>',
    `<html lang="${locale}">`,
    `<head><meta charset="utf-8"><title>${e(c.subject)}</title></head>`,
    '<body style="font-family: sans-serif">',
    `<p>${e(c.intro)}</p>`,
    `<p>${c.facts.map(e).join('<br>\n')}</p>`,
    ...c.lists.flatMap((l) => [
      `<h3>${e(l.heading)}</h3>`,
      `<ul>\n${l.items.map((i) => `<li>${e(i)}</li>`).join('\n')}\n</ul>`,
      ...(l.more ? [`<p>${e(l.more)}</p>`] : []),
    ]),
    ...(c.extra.length ? [`<p>${c.extra.map(escapeAndLink).join('<br>\n')}</p>`] : []),
    `<hr>\n<p><small>${e(c.footer)}</small></p>`,
    '</body>',
    '</html>',
  ];
  return `${parts.join('\n')}\n`;
}

/** The localised job notification: subject, plain-text body and an HTML alternative with the same content. */
export function composeJobMail(s: JobSummaryForMail, locale: string): { subject: string; text: string; html: string } {
  const loc = resolveLocale(locale);
  const content = buildContent(s, loc);
  return { subject: content.subject, text: renderText(content), html: renderHtml(content, loc) };
}

/**
 * Decides whether a finished job warrants a mail and sends it. The only I/O is
 * the injected Mailer; a delivery failure rejects so the calling activity
 * retries it.
 */
export class NotificationService {
  constructor(private readonly mailer: Mailer) {}

  async notify(to: string, setting: EmailSetting, summary: JobSummaryForMail, locale?: string): Promise<{ sent: boolean; where?: string }> {
    // A job submitted by a user without an e-mail address has nobody to tell.
    if (!shouldNotify(setting, summary) || !to.trim()) return { sent: false };
    const mail = composeJobMail(summary, locale ?? 'en');
    const { where } = await this.mailer.send({
      to: to.trim(),
      ...mail,
      // Lets recipients (and mail rules) tie the message to its job without parsing the localised subject.
      headers: { 'X-IPS-Job': summary.jobName },
    });
    return { sent: true, where };
  }
}
