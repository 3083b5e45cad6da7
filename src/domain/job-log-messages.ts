/**
 * Job-log message catalog, kept as an entry point for existing importers; the
 * messages and their translations now live in ./i18n/. Details are stored as
 * a key plus arguments and rendered when read; without a locale,
 * renderMessage renders English as before.
 */
export { MESSAGES_EN, renderMessage, type MessageKey } from './i18n/catalog.js';
