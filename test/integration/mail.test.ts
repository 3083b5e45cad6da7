import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MailSendError, type Mailer } from '../../src/adapters/mail/mail.driver.js';
import { createMailer } from '../../src/adapters/mail/mail.factory.js';
import { NotificationService, type EmailSetting, type JobSummaryForMail } from '../../src/services/notification.service.js';

/**
 * Real SMTP delivery (smtp-server on loopback) and the .eml outbox. Needs no
 * database and no Temporal, even though it runs in the integration projects.
 */

const FROM = 'IPS <ips@localhost>';

interface Received {
  mailFrom: string;
  rcptTo: string[];
  user?: string;
  raw: string;
}

const jobWithErrors: JobSummaryForMail = {
  jobName: 'catalog-upload_7',
  originalJobName: 'catalog-upload',
  jobType: 'UploadDirectoryJob',
  companyName: 'Acme',
  startDate: '2024-05-01T10:00:00.000Z',
  endDate: '2024-05-01T10:02:00.000Z',
  success: 8,
  errors: 2,
  warnings: 1,
  duplicates: 0,
  updated: 0,
  total: 11,
  outcome: 'done',
  firstErrors: [
    { assetName: 'cover.tif', message: 'cover.tif failed: not a TIFF file' },
    { assetName: 'back<1>.jpg', message: 'back<1>.jpg failed: truncated' },
  ],
  firstWarnings: [{ assetName: '.DS_Store', message: 'hidden file ignored' }],
};

// --- a deliberately small RFC 5322 / MIME reader, enough for nodemailer's output ---

function decodeWords(value: string): string {
  return value.replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=\s*(?==\?)?/g, (_, _charset: string, enc: string, data: string) =>
    enc.toUpperCase() === 'B' ? Buffer.from(data, 'base64').toString('utf8') : decodeQuotedPrintable(data.replace(/_/g, ' ')),
  );
}

function decodeQuotedPrintable(data: string): string {
  const bytes = data
    .replace(/=\r?\n/g, '')
    .split(/(=[0-9A-Fa-f]{2})/)
    .flatMap((part) => (/^=[0-9A-Fa-f]{2}$/.test(part) ? [Buffer.from([parseInt(part.slice(1), 16)])] : [Buffer.from(part, 'latin1')]));
  return Buffer.concat(bytes).toString('utf8');
}

interface Part {
  headers: Map<string, string>;
  body: string;
}

function parsePart(raw: string): Part {
  const split = raw.indexOf('\r\n\r\n');
  expect(split, 'a header block ended by an empty line').toBeGreaterThan(0);
  const headers = new Map<string, string>();
  for (const line of raw
    .slice(0, split)
    .replace(/\r\n[ \t]+/g, ' ')
    .split('\r\n')) {
    const colon = line.indexOf(':');
    headers.set(line.slice(0, colon).trim().toLowerCase(), decodeWords(line.slice(colon + 1).trim()));
  }
  return { headers, body: raw.slice(split + 4) };
}

function decodeBody(part: Part): string {
  const encoding = (part.headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(part.body);
  if (encoding === 'base64') return Buffer.from(part.body.replace(/\s+/g, ''), 'base64').toString('utf8');
  return part.body;
}

/** Headers of the message plus its decoded text/plain and text/html alternatives. */
function parseMessage(raw: string): { headers: Map<string, string>; text: string; html: string } {
  const top = parsePart(raw);
  const boundary = /boundary="?([^";]+)"?/.exec(top.headers.get('content-type') ?? '')?.[1];
  expect(boundary, 'a multipart/alternative message').toBeDefined();
  const parts = top.body
    .split(`--${boundary}`)
    .slice(1, -1)
    .map((p) => parsePart(p.replace(/^\r\n/, '')));
  const byType = (type: string) => parts.find((p) => p.headers.get('content-type')?.startsWith(type));
  const text = byType('text/plain');
  const html = byType('text/html');
  expect(text && html).toBeTruthy();
  return { headers: top.headers, text: decodeBody(text as Part), html: decodeBody(html as Part) };
}

async function unusedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('mail delivery', () => {
  let smtp: SMTPServer;
  let port: number;
  let received: Received[];

  beforeAll(async () => {
    received = [];
    smtp = new SMTPServer({
      authOptional: true,
      // Credentials from the URL travel in clear text over loopback; this is a test server.
      allowInsecureAuth: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onAuth(auth, _session, callback) {
        if (auth.username === 'ips' && auth.password === 's3cr3t/pw') callback(null, { user: auth.username });
        else callback(new Error('Invalid username or password'));
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          received.push({
            mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            rcptTo: session.envelope.rcptTo.map((r) => r.address),
            user: typeof session.user === 'string' ? session.user : undefined,
            raw: Buffer.concat(chunks).toString('latin1'),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      smtp.once('error', reject);
      smtp.listen(0, '127.0.0.1', () => resolve());
    });
    port = (smtp.server.address() as net.AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
  });

  describe('over SMTP', () => {
    let mailer: Mailer;
    beforeAll(() => {
      mailer = createMailer({ smtpUrl: `smtp://127.0.0.1:${port}`, from: FROM, outboxDir: '/nonexistent' });
    });
    afterAll(async () => mailer?.close());

    const settings: Array<[EmailSetting, string, boolean]> = [
      ['All', 'en', true],
      ['Error', 'nl-BE', true],
      ['ErrorAndWarning', 'fr', true],
      ['JobCompletion', 'en', true],
      ['None', 'en', false],
    ];

    it('delivers the job-with-errors mail for every setting except None', async () => {
      received.length = 0;
      const service = new NotificationService(mailer);
      const results = new Map<EmailSetting, { sent: boolean; where?: string }>();
      for (const [setting, locale] of settings) {
        results.set(setting, await service.notify(`${setting.toLowerCase()}@example.test`, setting, jobWithErrors, locale));
      }

      for (const [setting, , expected] of settings) {
        expect(results.get(setting), setting).toEqual(expected ? { sent: true, where: `smtp://127.0.0.1:${port}` } : { sent: false });
      }
      expect(received.map((r) => r.rcptTo).sort()).toEqual([
        ['all@example.test'],
        ['error@example.test'],
        ['errorandwarning@example.test'],
        ['jobcompletion@example.test'],
      ]);

      const bySetting = (s: string) => {
        const r = received.find((m) => m.rcptTo[0] === `${s}@example.test`);
        expect(r, s).toBeDefined();
        return { envelope: r as Received, ...parseMessage((r as Received).raw) };
      };

      const all = bySetting('all');
      expect(all.envelope.mailFrom).toBe('ips@localhost');
      expect(all.headers.get('from')).toBe(FROM);
      expect(all.headers.get('to')).toBe('all@example.test');
      expect(all.headers.get('x-ips-job')).toBe('catalog-upload_7');
      expect(all.headers.get('subject')).toBe('IPS job catalog-upload_7 completed (errors: 2, warnings: 1)');
      expect(all.headers.get('message-id')).toMatch(/^<.+@.+>$/);
      expect(all.text).toContain('Files: 11 · succeeded: 8 · updated: 0 · duplicates skipped: 0 · failed: 2 · warnings: 1');
      expect(all.text).toContain('cover.tif: cover.tif failed: not a TIFF file');
      expect(all.html).toContain('back&lt;1&gt;.jpg: back&lt;1&gt;.jpg failed: truncated');

      const nl = bySetting('error');
      expect(nl.headers.get('subject')).toBe('IPS-taak catalog-upload_7 voltooid (fouten: 2, waarschuwingen: 1)');
      expect(nl.text).toContain('Fouten (2):');

      const fr = bySetting('errorandwarning');
      expect(fr.headers.get('subject')).toBe('Tâche IPS catalog-upload_7 terminée (erreurs : 2, avertissements : 1)');
      expect(fr.text).toContain('La tâche UploadDirectoryJob catalog-upload_7 de la société Acme est terminée.');

      expect(bySetting('jobcompletion').headers.get('subject')).toContain('completed');
    });

    it('notifies a clean job only for All and JobCompletion', async () => {
      received.length = 0;
      const clean = { ...jobWithErrors, errors: 0, warnings: 0, success: 11, firstErrors: [], firstWarnings: [] };
      const service = new NotificationService(mailer);
      for (const [setting] of settings) await service.notify(`${setting.toLowerCase()}@example.test`, setting, clean);
      expect(received.map((r) => r.rcptTo[0]).sort()).toEqual(['all@example.test', 'jobcompletion@example.test']);
      expect(parseMessage(received[0]?.raw ?? '').headers.get('subject')).toBe('IPS job catalog-upload_7 completed');
    });

    it('authenticates with the credentials in the URL', async () => {
      received.length = 0;
      const authed = createMailer({
        smtpUrl: `smtp://ips:${encodeURIComponent('s3cr3t/pw')}@127.0.0.1:${port}`,
        from: FROM,
        outboxDir: '/nonexistent',
      });
      try {
        const { where } = await authed.send({ to: 'a@example.test', subject: 's', text: 't' });
        expect(where).toBe(`smtp://127.0.0.1:${port}`);
        expect(received[0]?.user).toBe('ips');
      } finally {
        await authed.close();
      }
    });

    it('rejects a refused login as a permanent failure', async () => {
      const wrong = createMailer({ smtpUrl: `smtp://ips:nope@127.0.0.1:${port}`, from: FROM, outboxDir: '/nonexistent' });
      try {
        const err = await wrong.send({ to: 'a@example.test', subject: 's', text: 't' }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(MailSendError);
        expect(err).toMatchObject({ permanent: true, responseCode: 535 });
      } finally {
        await wrong.close();
      }
    });

    it('rejects, as a retryable failure, when nothing listens on the SMTP port', async () => {
      const dead = createMailer({ smtpUrl: `smtp://127.0.0.1:${await unusedPort()}`, from: FROM, outboxDir: '/nonexistent' });
      try {
        const err = await dead.send({ to: 'a@example.test', subject: 's', text: 't' }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(MailSendError);
        expect(err).toMatchObject({ permanent: false });
      } finally {
        await dead.close();
      }
    });

    it('refuses a URL that is not smtp: or smtps:', () => {
      expect(() => createMailer({ smtpUrl: 'http://127.0.0.1:25', from: FROM, outboxDir: '/x' })).toThrow(
        "SMTP_URL: expected the smtp: or smtps: scheme, received 'http:'",
      );
    });
  });

  describe('to the outbox', () => {
    let dir: string;
    let mailer: Mailer;
    beforeAll(async () => {
      dir = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'ips-mail-')), 'outbox');
      mailer = createMailer({ from: FROM, outboxDir: dir });
    });
    afterAll(async () => {
      await mailer?.close();
      if (dir) await fs.rm(path.dirname(dir), { recursive: true, force: true });
    });

    it('writes a complete .eml file a mail client can open', async () => {
      const service = new NotificationService(mailer);
      const result = await service.notify('ann@example.test', 'All', { ...jobWithErrors, extraLines: ['https://ips.example/dl/1'] }, 'fr-CH, en;q=0.5');
      expect(result.sent).toBe(true);
      const files = await fs.readdir(dir);
      expect(files).toHaveLength(1);
      expect(files[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z-[0-9a-f]{12}\.eml$/);
      expect(result.where).toBe(path.join(dir, files[0] as string));

      const raw = await fs.readFile(result.where as string, 'latin1');
      expect(raw).not.toMatch(/[^\r]\n/);
      const msg = parseMessage(raw);
      expect(msg.headers.get('from')).toBe(FROM);
      expect(msg.headers.get('to')).toBe('ann@example.test');
      expect(msg.headers.get('subject')).toBe('Tâche IPS catalog-upload_7 terminée (erreurs : 2, avertissements : 1)');
      expect(msg.headers.get('x-ips-job')).toBe('catalog-upload_7');
      expect(msg.headers.get('date')).toBeTruthy();
      expect(msg.headers.get('mime-version')).toBe('1.0');
      expect(msg.text).toContain('Fichiers : 11 · réussis : 8');
      expect(msg.text).toContain('cover.tif : cover.tif failed: not a TIFF file');
      expect(msg.html).toContain('<a href="https://ips.example/dl/1">');
    });

    it('writes nothing for None', async () => {
      const before = await fs.readdir(dir);
      const result = await new NotificationService(mailer).notify('ann@example.test', 'None', { ...jobWithErrors, outcome: 'failed' });
      expect(result).toEqual({ sent: false });
      expect(await fs.readdir(dir)).toEqual(before);
    });
  });
});
