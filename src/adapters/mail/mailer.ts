import { OutboxMailer } from './outbox.mailer.js';
import { SmtpMailer } from './smtp.mailer.js';

export { MailSendError } from './smtp.mailer.js';

/** One message to one recipient; `from` is fixed by the mailer's configuration. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
  headers?: Record<string, string>;
}

export interface Mailer {
  /**
   * Delivers (SMTP) or stores (outbox) one message. Rejects on failure so the
   * calling activity can retry; SMTP rejections carry MailSendError.permanent.
   * `where` is `smtp://host:port` or the path of the written .eml file.
   */
  send(msg: MailMessage): Promise<{ messageId: string; where: string }>;
  close(): Promise<void>;
}

export interface MailerOptions {
  /** smtp://user:pass@host:port or smtps://…; unset → write .eml files to outboxDir */
  smtpUrl?: string;
  /** RFC 5322 From, e.g. `IPS <ips@localhost>` */
  from: string;
  outboxDir: string;
}

/**
 * Picks the backend from configuration: a real SMTP relay when SMTP_URL is
 * set, otherwise an outbox directory, so a fresh install keeps every
 * notification (readable with any mail client) without needing a mail server.
 */
export function createMailer(opts: MailerOptions): Mailer {
  return opts.smtpUrl ? new SmtpMailer(opts.smtpUrl, opts.from) : new OutboxMailer(opts.outboxDir, opts.from);
}
