import type { MailMessage } from './mail.driver.js';

/** nodemailer message fields shared by both backends. */
export function mailFields(from: string, msg: MailMessage) {
  return {
    from,
    // An address object is used verbatim, so a `to` with commas cannot fan out to extra recipients.
    to: { name: '', address: msg.to },
    subject: msg.subject,
    text: msg.text,
    html: msg.html,
    headers: msg.headers,
  };
}
