import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DownloadFailed, DownloadRefused, type DownloadOptions, downloadUrl } from '../../src/adapters/http/url-download.js';

/**
 * The UploadUrlsJob downloader against a receiver on loopback (only
 * 127.0.0.1 allowed). Needs no database and no Temporal, even though it runs
 * in the integration projects.
 */
describe('downloadUrl', () => {
  let server: http.Server;
  let port: number;
  const seen: Array<{ url: string; host: string | undefined }> = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      seen.push({ url: req.url ?? '', host: req.headers.host });
      if (req.url === '/file') return void res.end('payload');
      if (req.url === '/loop') return void res.writeHead(302, { Location: '/loop' }).end();
      if (req.url === '/to-metadata') return void res.writeHead(301, { Location: 'http://169.254.169.254/latest/meta-data/' }).end();
      if (req.url === '/to-ftp') return void res.writeHead(302, { Location: 'ftp://files.test/a.jpg' }).end();
      if (req.url === '/declared-big') return void res.writeHead(200, { 'Content-Length': '1000' }).end('x'.repeat(1000));
      // Headers, then silence: the read timeout ends it.
      if (req.url === '/stall') return void res.writeHead(200, { 'Content-Type': 'image/jpeg' }).write('partial');
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const opts = (extra: Partial<DownloadOptions> = {}): DownloadOptions => ({
    guard: { allowPrivate: false, allowedHosts: ['127.0.0.1'] },
    connectTimeoutMs: 2000,
    readTimeoutMs: 2000,
    maxRedirects: 3,
    maxBytes: 100,
    allowHint: 'allow it in the test',
    ...extra,
  });
  const text = (body: Readable) => buffer(body).then((b) => b.toString());
  const failure = (p: Promise<unknown>) =>
    p.then(
      () => expect.fail('expected a failure'),
      (err: unknown) => err as Error,
    );

  it('connects to the address the guard checked while Host stays the URL host', async () => {
    const asked: string[] = [];
    const lookup = async (host: string) => {
      asked.push(host);
      return ['127.0.0.1'];
    };
    await expect(
      downloadUrl(`http://files.test:${port}/file`, opts({ guard: { allowPrivate: false, allowedHosts: ['127.0.0.1/32'] }, lookup }), text),
    ).resolves.toBe('payload');
    expect(asked).toEqual(['files.test']);
    expect(seen.at(-1)).toEqual({ url: '/file', host: `files.test:${port}` });
  });

  it('refuses a name that resolves to a private address, without connecting', async () => {
    const before = seen.length;
    const err = await failure(downloadUrl(`http://intranet.test:${port}/file`, opts({ lookup: async () => ['10.0.0.1'] }), text));
    expect(err).toBeInstanceOf(DownloadRefused);
    expect(err.message).toBe('refused: 10.0.0.1 is a private address (intranet.test resolves to it) (allow it in the test)');
    expect(seen.length).toBe(before);
  });

  it('checks every redirect hop and stops after maxRedirects', async () => {
    const loop = await failure(downloadUrl(`http://127.0.0.1:${port}/loop`, opts(), text));
    expect(loop).toBeInstanceOf(DownloadRefused);
    expect(loop.message).toBe('more than 3 redirects');
    const metadata = await failure(downloadUrl(`http://127.0.0.1:${port}/to-metadata`, opts(), text));
    expect(metadata.message).toContain('refused: 169.254.169.254 is a link-local address (the cloud metadata service lives there)');
    const ftp = await failure(downloadUrl(`http://127.0.0.1:${port}/to-ftp`, opts(), text));
    expect(ftp.message).toContain('scheme ftp:');
  });

  it('refuses a declared Content-Length over the limit before reading the body', async () => {
    const err = await failure(downloadUrl(`http://127.0.0.1:${port}/declared-big`, opts(), text));
    expect(err).toBeInstanceOf(DownloadRefused);
    expect(err.message).toBe('larger than the limit of 100 bytes (Content-Length 1000)');
  });

  it('treats 4xx as final and a stalled body as retryable', async () => {
    expect((await failure(downloadUrl(`http://127.0.0.1:${port}/nothing`, opts(), text))).message).toBe('HTTP 404');
    const stalled = await failure(downloadUrl(`http://127.0.0.1:${port}/stall`, opts({ readTimeoutMs: 200 }), text));
    expect(stalled).toBeInstanceOf(DownloadFailed);
    expect(stalled.message).toBe(`no data from 127.0.0.1:${port} for 200 ms`);
  });
});
