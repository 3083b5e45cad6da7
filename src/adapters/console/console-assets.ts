import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export interface StaticFile {
  body: Buffer;
  contentType: string;
  etag: string;
}

const TYPES: Record<string, string> = { '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8' };

/**
 * The console's static files, read once at start: our stylesheet and script
 * (src/console/assets, copied beside the compiled code by `npm run build`) and
 * htmx from its npm package. Nothing comes from a CDN, so the console works
 * offline; the files are listed once at start, so no request path ever
 * reaches the file system.
 */
export class ConsoleAssets {
  private readonly files = new Map<string, StaticFile>();

  constructor() {
    const folder = fileURLToPath(new URL('../../console/assets/', import.meta.url));
    const own = readdirSync(folder)
      .filter((name) => /\.(css|js)$/.test(name))
      .map((name) => [name, `${folder}${name}`] as const);
    const htmx = createRequire(import.meta.url).resolve('htmx.org/dist/htmx.min.js');
    for (const [name, path] of [...own, ['htmx.min.js', htmx] as const]) {
      const body = readFileSync(path);
      const type = TYPES[name.slice(name.lastIndexOf('.'))] ?? 'application/octet-stream';
      this.files.set(name, { body, contentType: type, etag: `"${createHash('sha256').update(body).digest('hex').slice(0, 32)}"` });
    }
  }

  get(name: string): StaticFile | undefined {
    return this.files.get(name);
  }
}
