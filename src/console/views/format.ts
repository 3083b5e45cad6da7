import type { Locale } from '../../domain/i18n/catalog.js';

/**
 * A date as people read it in their language, in UTC (the server does not
 * know the reader's zone; the <time> element keeps the exact instant).
 */
export function formatDate(locale: Locale, iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium', timeZone: 'UTC' }).format(date)} UTC`;
}

/** A job log's kind from its opening log type (BeginReprocess → Reprocess), as the job-log lists show it. */
export function jobKind(logType: string): string {
  return logType.replace(/^Begin/, '');
}
