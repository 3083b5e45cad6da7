import { describe, expect, it } from 'vitest';
import { LOCALES, MESSAGES_EN, catalogFor, placeholdersOf, renderMessage, resolveLocale, type MessageKey } from '../../src/domain/i18n/catalog.js';
import * as legacy from '../../src/domain/job-log-messages.js';

const keys = Object.keys(MESSAGES_EN) as MessageKey[];

describe('resolveLocale', () => {
  it.each([
    ['en', 'en'],
    ['nl', 'nl'],
    ['nl-BE', 'nl'],
    ['nl_NL', 'nl'],
    ['FR', 'fr'],
    ['fr-CA', 'fr'],
    ['de-DE', 'en'],
    ['', 'en'],
    ['*', 'en'],
    ['garbage;;,', 'en'],
    [undefined, 'en'],
    [null, 'en'],
  ])('%s → %s', (tag, expected) => {
    expect(resolveLocale(tag)).toBe(expected);
  });

  it.each([
    ['fr-CH, fr;q=0.9, en;q=0.8', 'fr'],
    ['de-DE, nl;q=0.5, fr;q=0.7', 'fr'],
    ['en;q=0.3, nl-BE;q=0.9, de', 'nl'],
    ['de, es;q=0.9', 'en'],
    ['fr;q=0, nl;q=0.1', 'nl'],
    ['nl;q=0.8, fr;q=0.8', 'nl'],
    [' fr-FR ; q=1.0 ,en;q=0.5', 'fr'],
  ])('Accept-Language %j → %s', (header, expected) => {
    expect(resolveLocale(header)).toBe(expected);
  });
});

describe('catalog completeness', () => {
  it('includes the job-engine and e-mail keys', () => {
    for (const key of [
      'jobBegun',
      'jobDone',
      'jobStopped',
      'jobFailed',
      'jobPaused',
      'jobResumed',
      'optimizeSuccess',
      'optimizeError',
      'nothingToDo',
      'mailSubjectDone',
      'mailSubjectStopped',
      'mailSubjectFailed',
      'mailCounts',
      'mailFirstErrors',
    ]) {
      expect(keys).toContain(key);
    }
  });

  describe.each(LOCALES.filter((l) => l !== 'en'))('%s', (locale) => {
    const catalog = catalogFor(locale);

    it('has exactly the English keys', () => {
      expect(Object.keys(catalog).sort()).toEqual([...keys].sort());
    });

    it.each(keys)('%s keeps the same placeholders', (key) => {
      expect(placeholdersOf(catalog[key])).toEqual(placeholdersOf(MESSAGES_EN[key]));
    });

    it('is translated, not copied from English', () => {
      // Templates that are nothing but placeholders and punctuation are legitimately identical.
      const wordy = keys.filter((k) => /[a-z]{2,}/i.test(MESSAGES_EN[k].replace(/\{\w+\}/g, '')));
      const copied = wordy.filter((k) => catalog[k] === MESSAGES_EN[k]);
      expect(copied).toEqual([]);
    });
  });
});

describe('renderMessage', () => {
  it('renders English with arguments by default', () => {
    expect(renderMessage('fileError', { path: 'a/b.jpg', reason: 'corrupt' })).toBe('a/b.jpg failed: corrupt');
    expect(renderMessage('jobDone', { name: 'j1', success: 3, error: 1, warning: 0 })).toBe('Job j1 finished: 3 succeeded, 1 failed, 0 warnings');
  });

  it('renders in the requested locale, accepting any tag form', () => {
    expect(renderMessage('jobPaused', { user: 'ann@x.io' }, 'nl-BE')).toBe('Taak gepauzeerd door ann@x.io');
    expect(renderMessage('jobPaused', { user: 'ann@x.io' }, 'fr')).toBe('Tâche suspendue par ann@x.io');
    expect(renderMessage('jobPaused', { user: 'ann@x.io' }, 'fr-CH, en;q=0.5')).toBe('Tâche suspendue par ann@x.io');
    expect(renderMessage('jobPaused', { user: 'ann@x.io' }, 'de')).toBe('Job paused by ann@x.io');
  });

  it('falls back to the key itself for an unknown key', () => {
    expect(renderMessage('noSuchKey', {}, 'nl')).toBe('noSuchKey');
    expect(renderMessage('constructor', {}, 'fr')).toBe('constructor');
  });

  it('leaves a placeholder without an argument visible and ignores extra arguments', () => {
    expect(renderMessage('fileError', { path: 'x.tif' }, 'en')).toBe('x.tif failed: {reason}');
    expect(renderMessage('uploadBegun', { extra: 1 })).toBe('Upload has begun!');
  });

  it('does not re-expand placeholders inside argument values', () => {
    expect(renderMessage('fileError', { path: '{reason}', reason: 'r' })).toBe('{reason} failed: r');
  });

  it('keeps the job-log-messages entry point working in English', () => {
    expect(legacy.MESSAGES_EN.uploadBegun).toBe('Upload has begun!');
    expect(legacy.renderMessage('fileUpdated', { path: 'p.png', name: 'p' })).toBe('p.png replaced the existing asset p');
  });
});
