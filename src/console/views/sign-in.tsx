import type { Chrome } from './chrome.js';
import { Layout } from './layout.js';

export interface SignInView {
  chrome: Chrome;
  /** the token of the sign-in form (double-submitted with a cookie: a login CSRF cannot sign someone in as another user) */
  formToken: string;
  email?: string;
  next?: string;
  error?: string;
}

export function SignInPage({ chrome, formToken, email, next, error }: SignInView) {
  const { t } = chrome;
  return (
    <Layout chrome={chrome} title={t('signIn.title')}>
      <h1>{t('signIn.title')}</h1>
      <form method="post" action="/console/sign-in" class="card narrow">
        <input type="hidden" name="_csrf" value={formToken} />
        {next && <input type="hidden" name="next" value={next} />}
        {error && (
          <p class="error" role="alert" id="sign-in-error">
            {error}
          </p>
        )}
        <label for="email">{t('signIn.email')}</label>
        <input id="email" name="email" type="email" autocomplete="username" required value={email} aria-describedby={error ? 'sign-in-error' : undefined} />
        <label for="password">{t('signIn.password')}</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required />
        <button type="submit">{t('signIn.submit')}</button>
      </form>
    </Layout>
  );
}

export function MessagePage({ chrome, title, message }: { chrome: Chrome; title: string; message: string }) {
  return (
    <Layout chrome={chrome} title={title}>
      <h1>{title}</h1>
      <p class="error" role="alert">
        {message}
      </p>
    </Layout>
  );
}
