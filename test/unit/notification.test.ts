import { describe, expect, it } from 'vitest';
import type { MailMessage, Mailer } from '../../src/adapters/mail/mail.driver.js';
import {
  MAX_LISTED,
  NotificationService,
  composeJobMail,
  shouldNotify,
  type EmailSetting,
  type JobSummaryForMail,
} from '../../src/services/notification.service.js';

const summary = (over: Partial<JobSummaryForMail> = {}): JobSummaryForMail => ({
  jobName: 'nightly-upload_2024',
  originalJobName: 'nightly-upload',
  jobType: 'UploadDirectoryJob',
  companyName: 'Acme',
  startDate: '2024-05-01T10:00:00.000Z',
  endDate: '2024-05-01T10:05:30.000Z',
  success: 40,
  errors: 0,
  warnings: 0,
  duplicates: 2,
  updated: 5,
  total: 47,
  outcome: 'done',
  firstErrors: [],
  firstWarnings: [],
  ...over,
});

const lines = (n: number, prefix: string) =>
  Array.from({ length: n }, (_, i) => ({ assetName: `${prefix}-${i + 1}.jpg`, message: `${prefix} message ${i + 1}` }));

describe('shouldNotify', () => {
  const cases = {
    clean: { errors: 0, warnings: 0, outcome: 'done' },
    warnings: { errors: 0, warnings: 2, outcome: 'done' },
    errors: { errors: 3, warnings: 0, outcome: 'done' },
    failed: { errors: 0, warnings: 0, outcome: 'failed' },
    stopped: { errors: 0, warnings: 0, outcome: 'stopped' },
  } as const;
  type Case = keyof typeof cases;
  const table: Record<EmailSetting, Record<Case, boolean>> = {
    All: { clean: true, warnings: true, errors: true, failed: true, stopped: true },
    Error: { clean: false, warnings: false, errors: true, failed: true, stopped: false },
    ErrorAndWarning: { clean: false, warnings: true, errors: true, failed: true, stopped: false },
    JobCompletion: { clean: true, warnings: true, errors: true, failed: true, stopped: true },
    None: { clean: false, warnings: false, errors: false, failed: false, stopped: false },
  };
  const rows = Object.entries(table).flatMap(([setting, expected]) =>
    (Object.keys(cases) as Case[]).map((c) => [setting as EmailSetting, c, expected[c]] as const),
  );

  it.each(rows)('%s with a %s job → %s', (setting, c, expected) => {
    expect(shouldNotify(setting, cases[c])).toBe(expected);
  });

  it('treats a stopped job with errors like any job with errors', () => {
    expect(shouldNotify('Error', { errors: 1, warnings: 0, outcome: 'stopped' })).toBe(true);
    expect(shouldNotify('ErrorAndWarning', { errors: 0, warnings: 1, outcome: 'stopped' })).toBe(true);
  });
});

describe('composeJobMail', () => {
  const withErrors = summary({
    errors: 2,
    warnings: 1,
    success: 44,
    firstErrors: [{ assetName: 'broken.tif', message: 'not a TIFF' }, { message: 'disk full' }],
    firstWarnings: [{ assetName: '.DS_Store', message: 'hidden file ignored' }],
  });

  it.each([
    [
      'en',
      'IPS job nightly-upload_2024 completed (errors: 2, warnings: 1)',
      'Files: 47 · succeeded: 44 · updated: 5 · duplicates skipped: 2 · failed: 2 · warnings: 1',
      'Errors (2):',
      'broken.tif: not a TIFF',
    ],
    [
      'nl-NL',
      'IPS-taak nightly-upload_2024 voltooid (fouten: 2, waarschuwingen: 1)',
      'Bestanden: 47 · geslaagd: 44 · bijgewerkt: 5 · duplicaten overgeslagen: 2 · mislukt: 2 · waarschuwingen: 1',
      'Fouten (2):',
      'broken.tif: not a TIFF',
    ],
    [
      'fr',
      'Tâche IPS nightly-upload_2024 terminée (erreurs : 2, avertissements : 1)',
      'Fichiers : 47 · réussis : 44 · mis à jour : 5 · doublons ignorés : 2 · en échec : 2 · avertissements : 1',
      'Erreurs (2) :',
      'broken.tif : not a TIFF',
    ],
  ])('renders %s with counts, dates and the first errors', (locale, subject, counts, errorsHeading, firstError) => {
    const mail = composeJobMail(withErrors, locale);
    expect(mail.subject).toBe(subject);
    for (const body of [mail.text, mail.html]) {
      expect(body).toContain(counts);
      expect(body).toContain(errorsHeading);
      expect(body).toContain(firstError);
      expect(body).toContain('disk full');
      expect(body).toContain('hidden file ignored');
      expect(body).toContain('2024-05-01 10:00:00 UTC');
      expect(body).toContain('2024-05-01 10:05:30 UTC');
      expect(body).toContain('nightly-upload');
    }
    expect(mail.text).toContain(`- ${firstError}`);
  });

  it('uses the outcome for subject and introduction', () => {
    expect(composeJobMail(summary(), 'en').subject).toBe('IPS job nightly-upload_2024 completed');
    expect(composeJobMail(summary({ outcome: 'stopped' }), 'nl').subject).toBe('IPS-taak nightly-upload_2024 is gestopt');
    const failed = composeJobMail(summary({ outcome: 'failed' }), 'fr');
    expect(failed.subject).toBe('Échec de la tâche IPS nightly-upload_2024');
    expect(failed.text).toContain('La tâche UploadDirectoryJob nightly-upload_2024 de la société Acme a échoué.');
  });

  it('shows the original job name only when it differs', () => {
    expect(composeJobMail(summary(), 'en').text).toContain('Submitted as: nightly-upload');
    expect(composeJobMail(summary({ originalJobName: 'nightly-upload_2024' }), 'en').text).not.toContain('Submitted as');
  });

  it('escapes user-controlled text in the HTML part only', () => {
    const mail = composeJobMail(
      summary({
        jobName: 'job <b>x</b>',
        companyName: 'A & B',
        errors: 1,
        firstErrors: [{ assetName: '<script>alert(1)</script>.jpg', message: 'bad "quote" \'s' }],
      }),
      'en',
    );
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).not.toContain('<b>x</b>');
    expect(mail.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;.jpg: bad &quot;quote&quot; &#39;s');
    expect(mail.html).toContain('A &amp; B');
    expect(mail.text).toContain('<script>alert(1)</script>.jpg: bad "quote" \'s');
  });

  it('caps both lists at 10 and says how many more there are', () => {
    const mail = composeJobMail(summary({ errors: 25, warnings: 12, firstErrors: lines(25, 'err'), firstWarnings: lines(12, 'warn') }), 'en');
    expect(MAX_LISTED).toBe(10);
    expect(mail.text).toContain('Errors (first 10 of 25):');
    expect(mail.text).toContain('Warnings (first 10 of 12):');
    expect(mail.text).toContain('err-10.jpg: err message 10');
    expect(mail.text).not.toContain('err-11.jpg');
    expect(mail.text).not.toContain('warn-11.jpg');
    expect(mail.text).toContain('… and 15 more');
    expect(mail.text).toContain('… and 2 more');
    expect(mail.html.match(/<li>/g)).toHaveLength(20);
  });

  it('counts from the larger of the counter and the lines handed in', () => {
    const mail = composeJobMail(summary({ errors: 40, firstErrors: lines(3, 'e') }), 'en');
    expect(mail.text).toContain('Errors (first 3 of 40):');
    expect(mail.text).toContain('… and 37 more');
  });

  it('appends extra lines and links URLs in the HTML part', () => {
    const mail = composeJobMail(summary({ extraLines: ['Download: https://ips.example/dl?a=1&b=2.', 'Plain <note>'] }), 'en');
    expect(mail.text).toContain('Download: https://ips.example/dl?a=1&b=2.');
    expect(mail.html).toContain('<a href="https://ips.example/dl?a=1&amp;b=2">https://ips.example/dl?a=1&amp;b=2</a>.');
    expect(mail.html).toContain('Plain &lt;note&gt;');
  });

  it('keeps line breaks in a job name out of the subject', () => {
    expect(composeJobMail(summary({ jobName: 'a\r\nBcc: x@y.z' }), 'en').subject).toBe('IPS job a Bcc: x@y.z completed');
  });
});

describe('NotificationService', () => {
  class FakeMailer implements Mailer {
    sent: MailMessage[] = [];
    async send(msg: MailMessage) {
      this.sent.push(msg);
      return { messageId: `<${this.sent.length}@test>`, where: 'fake' };
    }
    async close() {}
  }

  it('sends a localised mail with the job header when the setting asks for it', async () => {
    const mailer = new FakeMailer();
    const result = await new NotificationService(mailer).notify(' ann@x.io ', 'Error', summary({ errors: 1, firstErrors: [{ message: 'boom' }] }), 'nl-BE');
    expect(result).toEqual({ sent: true, where: 'fake' });
    expect(mailer.sent).toHaveLength(1);
    expect(mailer.sent[0]).toMatchObject({ to: 'ann@x.io', headers: { 'X-IPS-Job': 'nightly-upload_2024' } });
    expect(mailer.sent[0]?.subject).toContain('IPS-taak');
    expect(mailer.sent[0]?.html).toContain('<html lang="nl">');
  });

  it('sends nothing when the setting does not ask for it or there is no address', async () => {
    const mailer = new FakeMailer();
    const service = new NotificationService(mailer);
    expect(await service.notify('ann@x.io', 'Error', summary())).toEqual({ sent: false });
    expect(await service.notify('ann@x.io', 'None', summary({ outcome: 'failed' }))).toEqual({ sent: false });
    expect(await service.notify('  ', 'All', summary())).toEqual({ sent: false });
    expect(mailer.sent).toHaveLength(0);
  });

  it('lets a delivery failure reject so the activity retries', async () => {
    const failing: Mailer = { send: async () => Promise.reject(new Error('connection refused')), close: async () => {} };
    await expect(new NotificationService(failing).notify('ann@x.io', 'All', summary())).rejects.toThrow('connection refused');
  });
});
