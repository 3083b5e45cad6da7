import { en, type Catalog, type MessageKey } from './en.js';
import { fr } from './fr.js';
import { nl } from './nl.js';

/**
 * Message catalog for job-log details and e-mails. Texts are stored as a key
 * plus arguments and rendered when read, so the same row can be shown in the
 * reader's locale (submitJob/locale; docs/jobs/job-engine.md#job-logs). English is the
 * reference and the fallback. Pure: safe to import from workflows.
 */
export type { Catalog, MessageKey };

export const LOCALES = ['en', 'nl', 'fr'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';

/** The English catalog, kept under its historical name for job-log-messages.ts importers. */
export const MESSAGES_EN = en;

const CATALOGS: Readonly<Record<Locale, Catalog>> = { en, nl, fr };

export function isLocale(value: string): value is Locale {
  return (LOCALES as readonly string[]).includes(value);
}

export function catalogFor(locale: Locale): Readonly<Catalog> {
  return CATALOGS[locale];
}

/**
 * Maps a language tag ('nl-BE', 'FR', Java-style 'fr_CA') or an
 * Accept-Language value ('fr-CH, fr;q=0.9, en;q=0.8') to a supported locale.
 * Only the primary subtag matters because we keep one catalog per language.
 * Ranges are tried by descending q (ties keep header order); q=0 means "not
 * this one"; anything unsupported or malformed ends in English.
 */
export function resolveLocale(tag: string | undefined | null): Locale {
  if (!tag) return DEFAULT_LOCALE;
  const ranges = tag
    .split(',')
    .map((part, index) => {
      const [range = '', ...params] = part.split(';');
      let q = 1;
      for (const param of params) {
        const m = /^\s*q\s*=\s*([0-9.]+)\s*$/i.exec(param);
        if (m) q = Number(m[1]);
      }
      return { range: range.trim(), q, index };
    })
    .filter((r) => r.range !== '' && Number.isFinite(r.q) && r.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { range } of ranges) {
    const primary = (range.split(/[-_]/)[0] ?? '').toLowerCase();
    if (isLocale(primary)) return primary;
  }
  return DEFAULT_LOCALE;
}

/** The `{name}` placeholders a template uses, sorted and de-duplicated. */
export function placeholdersOf(template: string): string[] {
  return [...new Set(Array.from(template.matchAll(/\{(\w+)\}/g), (m) => m[1] ?? ''))].sort();
}

/**
 * Renders `key` in `locale` (any tag resolveLocale accepts; English when
 * omitted). A key missing from the locale falls back to English, an unknown
 * key renders as itself, and a placeholder without an argument stays visible
 * as `{name}` so a gap shows in the log rather than silently vanishing.
 * Own-property checks keep keys like 'constructor' from reaching Object.prototype.
 */
export function renderMessage(key: string, args: Record<string, string | number> = {}, locale?: string): string {
  const catalog: Readonly<Record<string, string>> = CATALOGS[resolveLocale(locale)];
  const english: Readonly<Record<string, string>> = en;
  const template = Object.hasOwn(catalog, key) ? (catalog[key] as string) : Object.hasOwn(english, key) ? (english[key] as string) : key;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.hasOwn(args, name) ? String(args[name]) : whole));
}
