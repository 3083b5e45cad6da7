import type { Mailer } from './mail.driver.js';
import { OutboxMailer } from './outbox-mail.driver.js';
import { SmtpMailer } from './smtp-mail.driver.js';

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
