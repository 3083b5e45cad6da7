import nodemailer from 'nodemailer';
// The SMTPTransport class (not the factory) because only its constructor merges
// our timeouts with the options parsed from the URL; createTransport({ url })
// would drop everything but the URL.
import SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { mailFields } from './mail-fields.js';
import { type MailMessage, MailSendError, type Mailer } from './mail.driver.js';

/**
 * Nodemailer's defaults wait 2 minutes for a TCP connection and 10 minutes on
 * an idle socket. The caller is a Temporal activity with its own retry policy,
 * so a dead relay should fail within seconds and be retried, not hold a worker
 * slot. Options given in the URL query (e.g. ?socketTimeout=120000) still win.
 */
const TIMEOUTS = {
  connectionTimeout: 10_000,
  greetingTimeout: 10_000,
  dnsTimeout: 10_000,
  socketTimeout: 60_000,
} satisfies SMTPTransport.Options;

export class SmtpMailer implements Mailer {
  private readonly transporter: nodemailer.Transporter<SMTPTransport.SentMessageInfo>;
  private readonly where: string;

  constructor(
    smtpUrl: string,
    private readonly from: string,
  ) {
    let url: URL;
    try {
      url = new URL(smtpUrl);
    } catch {
      throw new Error('SMTP_URL: expected smtp://[user:pass@]host[:port] or smtps://…, received an unparsable URL');
    }
    if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
      throw new Error(`SMTP_URL: expected the smtp: or smtps: scheme, received '${url.protocol}'`);
    }
    // Not pooled: notifications are rare, one connection per message is simpler
    // and never leaves a half-dead pooled socket behind between jobs.
    const transport = new SMTPTransport({ ...TIMEOUTS, url: smtpUrl });
    this.transporter = nodemailer.createTransport(transport);
    const { host = 'localhost', port, secure } = transport.options;
    // Same default ports as nodemailer's connection; credentials never appear here.
    this.where = `smtp://${host}:${port ?? (secure ? 465 : 587)}`;
  }

  async send(msg: MailMessage): Promise<{ messageId: string; where: string }> {
    try {
      const info = await this.transporter.sendMail(mailFields(this.from, msg));
      return { messageId: info.messageId, where: this.where };
    } catch (err) {
      throw toMailSendError(err, this.where);
    }
  }

  async close(): Promise<void> {
    this.transporter.close();
  }
}

function toMailSendError(err: unknown, where: string): MailSendError {
  const e = err as { message?: string; code?: string; responseCode?: number };
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const permanent =
    (responseCode !== undefined && responseCode >= 500 && responseCode < 600) ||
    // nodemailer's own envelope check (no valid recipient) fails before any server reply
    (e.code === 'EENVELOPE' && responseCode === undefined);
  return new MailSendError(`sending mail via ${where} failed: ${e.message ?? String(err)}`, permanent, e.code, responseCode, {
    cause: err,
  });
}
