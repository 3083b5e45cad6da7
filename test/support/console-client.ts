/**
 * A cookie-keeping HTTP client of the console, for tests that check what a
 * browser test cannot see (headers, cookies, refused requests).
 */
export interface ConsoleClient {
  signIn(who: { email: string; password: string }): Promise<Response>;
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  post(path: string, form: Record<string, string>, headers?: Record<string, string>): Promise<Response>;
  /** the CSRF token the signed-in pages carry */
  csrfToken(): Promise<string>;
  cookie(name: string): string | undefined;
}

export function consoleClient(baseUrl: string): ConsoleClient {
  const jar = new Map<string, string>();
  const keep = (res: Response) => {
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      if (value === '' || /Max-Age=0/i.test(line)) jar.delete(name);
      else jar.set(name, value);
    }
    return res;
  };
  const cookieHeader = () => [...jar].map(([n, v]) => `${n}=${v}`).join('; ');
  const get = async (path: string, headers: Record<string, string> = {}) =>
    keep(await fetch(`${baseUrl}${path}`, { redirect: 'manual', headers: { cookie: cookieHeader(), ...headers } }));
  const post = async (path: string, form: Record<string, string>, headers: Record<string, string> = {}) =>
    keep(
      await fetch(`${baseUrl}${path}`, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: cookieHeader(), 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams(form),
      }),
    );
  return {
    get,
    post,
    async signIn(who) {
      const form = await (await get('/console/sign-in')).text();
      const token = /name="_csrf" value="([^"]+)"/.exec(form)?.[1] ?? '';
      return post('/console/sign-in', { email: who.email, password: who.password, _csrf: token });
    },
    async csrfToken() {
      const page = await (await get('/console/jobs')).text();
      const token = /name="_csrf" value="([^"]+)"/.exec(page)?.[1];
      if (!token) throw new Error('no CSRF token on /console/jobs: not signed in?');
      return token;
    },
    cookie: (name) => jar.get(name),
  };
}
