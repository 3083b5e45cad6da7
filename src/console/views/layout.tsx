import type { ComponentChildren } from 'preact';
import { LOCALES } from '../../domain/i18n/catalog.js';
import type { Chrome, ConsoleSection } from './chrome.js';

const SECTIONS: ReadonlyArray<{ id: ConsoleSection; href: string; text: 'nav.jobs' | 'nav.logs' | 'nav.assets' | 'nav.submit' }> = [
  { id: 'jobs', href: '/console/jobs', text: 'nav.jobs' },
  { id: 'logs', href: '/console/logs', text: 'nav.logs' },
  { id: 'assets', href: '/console/assets', text: 'nav.assets' },
  { id: 'submit', href: '/console/submit', text: 'nav.submit' },
];

const LANGUAGE_NAMES: Record<string, string> = { en: 'English', nl: 'Nederlands', fr: 'Français' };

/**
 * The page frame. htmx sends the CSRF token as a header on every request it
 * makes (hx-headers on <body> is inherited); plain forms carry it as `_csrf`.
 * htmx's own inline indicator styles are off so the CSP can forbid inline styles.
 */
export function Layout({ chrome, title, children }: { chrome: Chrome; title: string; children: ComponentChildren }) {
  const { t } = chrome;
  const headers = chrome.csrfToken ? JSON.stringify({ 'X-CSRF-Token': chrome.csrfToken }) : undefined;
  return (
    <html lang={chrome.locale}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="htmx-config" content='{"includeIndicatorStyles":false,"allowEval":false,"historyCacheSize":0}' />
        <title>{`${title} · ${t('app.title')}`}</title>
        <link rel="stylesheet" href="/console/static/console.css" />
        <script src="/console/static/htmx.min.js" defer></script>
        <script src="/console/static/console.js" type="module"></script>
      </head>
      <body hx-headers={headers}>
        <a class="skip" href="#main">
          {t('nav.skip')}
        </a>
        <header class="top">
          <span class="brand">{t('app.title')}</span>
          {chrome.allowed && (
            <nav aria-label={t('nav.main')}>
              <ul>
                {SECTIONS.filter((s) => chrome.allowed!.has(s.id)).map((s) => (
                  <li>
                    <a href={s.href} aria-current={chrome.section === s.id ? 'page' : undefined}>
                      {t(s.text)}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          )}
          {chrome.email && <Account chrome={chrome} />}
        </header>
        <main id="main" tabIndex={-1}>
          {chrome.notice && (
            <p class="notice" role="status">
              {chrome.notice}
            </p>
          )}
          {children}
        </main>
        <footer>
          <span>{t('nav.language')}:</span>{' '}
          {LOCALES.map((l) => (
            <a href={withLang(chrome.path, l)} hreflang={l} lang={l} aria-current={l === chrome.locale ? 'true' : undefined}>
              {LANGUAGE_NAMES[l]}
            </a>
          ))}{' '}
          · <a href="/api/docs">{t('nav.apiDocs')}</a>
        </footer>
      </body>
    </html>
  );
}

function Account({ chrome }: { chrome: Chrome }) {
  const { t } = chrome;
  const companies = chrome.companies ?? [];
  return (
    <div class="account">
      {(companies.length > 1 || (companies.length === 1 && !chrome.companyHandle)) && (
        <form method="post" action="/console/company" class="switcher">
          <input type="hidden" name="_csrf" value={chrome.csrfToken} />
          <label for="company-switch">{t('session.company')}</label>
          <select id="company-switch" name="companyHandle" required>
            {!chrome.companyHandle && <option value="">{t('session.choose')}</option>}
            {companies.map((c) => (
              <option value={c.handle} selected={c.handle === chrome.companyHandle}>
                {c.name}
              </option>
            ))}
          </select>
          <button type="submit">{t('session.switch')}</button>
        </form>
      )}
      {companies.length === 1 && chrome.companyHandle && <span class="company">{companies[0]!.name}</span>}
      <span class="who">{t('session.signedInAs', { email: chrome.email! })}</span>
      <form method="post" action="/console/sign-out">
        <input type="hidden" name="_csrf" value={chrome.csrfToken} />
        <button type="submit">{t('session.signOut')}</button>
      </form>
    </div>
  );
}

/** The same page in another language (the choice is remembered in a cookie by the console). */
function withLang(path: string, lang: string): string {
  const url = new URL(path, 'http://console.invalid');
  url.searchParams.set('lang', lang);
  return `${url.pathname}${url.search}`;
}
