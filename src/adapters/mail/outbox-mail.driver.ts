import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type StreamTransport from 'nodemailer/lib/stream-transport/index.js';
import { mailFields } from './mail-fields.js';
import type { MailMessage, Mailer } from './mail.driver.js';

/**
 * Writes each message as an RFC 5322 .eml file instead of sending it. Built by
 * nodemailer's stream transport, so the file is exactly what SMTP would have
 * carried (Date, Message-ID, MIME parts) and opens in any mail client.
 */
export class OutboxMailer implements Mailer {
  private readonly transporter: nodemailer.Transporter<StreamTransport.SentMessageInfo> = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
  });

  constructor(
    private readonly dir: string,
    private readonly from: string,
  ) {}

  async send(msg: MailMessage): Promise<{ messageId: string; where: string }> {
    const data: nodemailer.SendMailOptions & { newline: 'windows' } = {
      // CRLF line ends: RFC 5322 requires them and mail clients opening .eml files expect them.
      // nodemailer reads `newline` from the message (its typings list it only on the transport).
      newline: 'windows',
      ...mailFields(this.from, msg),
    };
    const info = await this.transporter.sendMail(data);
    const file = await this.writeAtomically(info.message as Buffer);
    return { messageId: info.messageId, where: file };
  }

  async close(): Promise<void> {
    this.transporter.close();
  }

  /**
   * Temp file + rename in the same directory, so anything watching the outbox
   * sees either no file or a complete one; the dot prefix and .tmp suffix keep
   * a half-written file out of `*.eml` globs. Colons of the ISO timestamp are
   * replaced because they are invalid in Windows and SMB file names.
   */
  private async writeAtomically(message: Buffer): Promise<string> {
    await fs.mkdir(this.dir, { recursive: true });
    const name = `${new Date().toISOString().replace(/:/g, '-')}-${randomBytes(6).toString('hex')}.eml`;
    const file = path.join(this.dir, name);
    const tmp = path.join(this.dir, `.${name}.tmp`);
    try {
      const handle = await fs.open(tmp, 'wx');
      try {
        await handle.writeFile(message);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fs.rename(tmp, file);
    } catch (err) {
      await fs.rm(tmp, { force: true });
      throw err;
    }
    return file;
  }
}
