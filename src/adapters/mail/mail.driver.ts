/**
 * The mail port: what services and activities see of mail. Backends
 * (smtp-mail.driver.ts, outbox-mail.driver.ts) implement it and
 * mail.factory.ts picks one from configuration, so this module imports none
 * of them.
 */

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

/**
 * A failed SMTP delivery. `permanent` is true when the server refused with a
 * 5xx reply (bad recipient, authentication refused, message rejected): a retry
 * cannot succeed, so the caller should fail without retrying. Connection
 * errors, timeouts and 4xx replies are transient.
 */
export class MailSendError extends Error {
  override readonly name = 'MailSendError';
  constructor(
    message: string,
    readonly permanent: boolean,
    readonly code?: string,
    readonly responseCode?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
