import { DEFAULT_LOCALE, type Locale } from '../../domain/i18n/catalog.js';
import { type ConsoleCatalog, type ConsoleTextKey, en } from './en.js';
import { fr } from './fr.js';
import { nl } from './nl.js';

export type { ConsoleTextKey };

const CATALOGS: Readonly<Record<Locale, ConsoleCatalog>> = { en, nl, fr };

/** A translator bound to one locale: t('jobs.progressLabel', { done: 3, total: 20 }). */
export type Translate = (key: ConsoleTextKey, params?: Readonly<Record<string, string | number>>) => string;

export function translator(locale: Locale): Translate {
  const catalog = CATALOGS[locale] ?? CATALOGS[DEFAULT_LOCALE];
  return (key, params) => {
    const template = catalog[key] ?? en[key];
    return params ? template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole)) : template;
  };
}
