import type { Locale } from '../../domain/i18n/catalog.js';
import type { Translate } from '../i18n/index.js';

export type ConsoleSection = 'jobs' | 'logs' | 'assets' | 'submit';

/** What every signed-in page shows around its content: who, which company, what the role allows. */
export interface Chrome {
  t: Translate;
  locale: Locale;
  /** the page's own path and query, for the language links */
  path: string;
  csrfToken?: string;
  email?: string;
  companies?: ReadonlyArray<{ handle: string; name: string }>;
  companyHandle?: string;
  section?: ConsoleSection;
  /** the sections the caller's role in the company allows (a role that may not submit is not offered Submit) */
  allowed?: ReadonlySet<ConsoleSection>;
  /** a one-line message shown at the top (sign-out, submitted job) */
  notice?: string;
}
