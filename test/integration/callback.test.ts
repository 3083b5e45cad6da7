import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { GuardOptions } from '../../src/adapters/http/address-guard.js';
import { MAX_RESPONSE_BYTES, OutboundHttpError, postJson } from '../../src/adapters/http/outbound-http.js';
import type { JobLogRow } from '../../src/adapters/repositories/job-log.repository.js';
import { CallbackFailed, CallbackRefused, CallbackService, callbackPayloadFromLog, type CallbackPayload } from '../../src/services/callback.service.js';

/**
 * Real HTTP delivery to a receiver on loopback. Needs no database and no
 * Temporal, even though it runs in the integration projects.
 */

const SECRET = 'acme-callback-secret';
const loopbackAllowed: GuardOptions = { allowPrivate: false, allowedHosts: ['127.0.0.1/32'] };

interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  rawBody: string;
}

interface Receiver {
  url: string;
  port: number;
  received: Received[];
  connections: () => number;
  close(): Promise<void>;
}

const receivers: Receiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

/** A local receiver; `answer` gets each request after its whole body was read. */
async function startReceiver(answer: (res: http.ServerResponse, req: Received) => void): Promise<Receiver> {
  const received: Received[] = [];
  let connections = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, rawBody: Buffer.concat(chunks).toString('utf8') };
      received.push(r);
      answer(res, r);
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const receiver: Receiver = {
    url: `http://127.0.0.1:${port}/hooks/ips?token=abc`,
    port,
    received,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  receivers.push(receiver);
  return receiver;
}

const reply =
  (status: number, body = '', headers: Record<string, string> = {}) =>
  (res: http.ServerResponse) => {
    res.writeHead(status, { 'Content-Type': 'text/plain', ...headers });
    res.end(body);
  };

const payload: CallbackPayload = {
  jobHandle: 'j|acme|42',
  jobName: 'nightly-upload_1714557600000',
  originalJobName: 'nightly-upload',
  companyHandle: 'c|acme',
  jobType: 'UploadDirectoryJob',
  outcome: 'done',
  startDate: '2024-05-01T10:00:00.000Z',
  endDate: '2024-05-01T10:02:00.000Z',
  counts: { success: 8, error: 2, warning: 1, duplicate: 0, updated: 1, total: 11 },
  assetHandles: ['a|acme|1', 'a|acme|2'],
};

function service(guard: GuardOptions = loopbackAllowed, extra: { timeoutMs?: number; lookup?: (host: string) => Promise<string[]> } = {}) {
  const asked: string[] = [];
  const svc = new CallbackService({
    guard,
    ...extra,
    secretFor: async (companyHandle) => {
      asked.push(companyHandle);
      return SECRET;
    },
  });
  return { svc, asked };
}

/** What a receiver does: HMAC over `timestamp.rawBody` with the company secret, compared in constant time. */
function receiverAccepts(headers: http.IncomingHttpHeaders, rawBody: string, secret: string): boolean {
  const timestamp = headers['x-ips-timestamp'];
  const signature = headers['x-ips-signature'];
  if (typeof timestamp !== 'string' || typeof signature !== 'string') return false;
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`);
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

async function caught(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

describe('CallbackService', () => {
  it('POSTs the signed JSON summary, which the receiver can verify', async () => {
    const receiver = await startReceiver(reply(204));
    const { svc, asked } = service();

    await expect(svc.send(receiver.url, payload)).resolves.toEqual({ status: 204 });

    expect(asked).toEqual(['c|acme']);
    expect(receiver.received).toHaveLength(1);
    const [req] = receiver.received as [Received];
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/hooks/ips?token=abc');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['user-agent']).toBe('ips-job-service');
    expect(req.headers['content-length']).toBe(String(Buffer.byteLength(req.rawBody)));
    const timestamp = req.headers['x-ips-timestamp'] as string;
    expect(new Date(timestamp).toISOString()).toBe(timestamp);
    expect(req.headers['x-ips-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);

    expect(receiverAccepts(req.headers, req.rawBody, SECRET)).toBe(true);
    expect(receiverAccepts(req.headers, req.rawBody, 'another-company-secret')).toBe(false);
    expect(receiverAccepts(req.headers, req.rawBody.replace('"error":2', '"error":0'), SECRET)).toBe(false);
    expect(receiverAccepts({ ...req.headers, 'x-ips-timestamp': '2020-01-01T00:00:00.000Z' }, req.rawBody, SECRET)).toBe(false);

    expect(JSON.parse(req.rawBody)).toEqual(payload);
  });

  it('connects to the vetted address while Host stays the URL host name', async () => {
    const receiver = await startReceiver(reply(200, 'ok'));
    const asked: string[] = [];
    const { svc } = service(loopbackAllowed, {
      lookup: async (host) => {
        asked.push(host);
        return ['127.0.0.1'];
      },
    });

    await expect(svc.send(`http://receiver.test:${receiver.port}/hook`, payload)).resolves.toEqual({ status: 200 });

    expect(asked).toEqual(['receiver.test']);
    expect(receiver.received[0]!.headers.host).toBe(`receiver.test:${receiver.port}`);
  });

  it.each([500, 503, 408, 429])('answer %i → CallbackFailed (retryable)', async (status) => {
    const receiver = await startReceiver(reply(status, 'try later'));
    const err = await caught(service().svc.send(receiver.url, payload));
    expect(err).toBeInstanceOf(CallbackFailed);
    expect((err as CallbackFailed).status).toBe(status);
    expect((err as Error).message).toBe(`callback to http://127.0.0.1:${receiver.port}/hooks/ips: receiver answered ${status}: try later`);
  });

  it.each([404, 400, 401, 410])('answer %i → CallbackRefused (not retryable)', async (status) => {
    const receiver = await startReceiver(reply(status));
    const err = await caught(service().svc.send(receiver.url, payload));
    expect(err).toBeInstanceOf(CallbackRefused);
    expect((err as CallbackRefused).status).toBe(status);
  });

  it('does not follow a redirect: 302 → CallbackRefused', async () => {
    const receiver = await startReceiver((res, req) =>
      req.url === '/moved' ? reply(200)(res) : reply(302, '', { Location: `http://127.0.0.1:${receiver.port}/moved` })(res),
    );
    const err = await caught(service().svc.send(receiver.url, payload));
    expect(err).toBeInstanceOf(CallbackRefused);
    expect((err as CallbackRefused).status).toBe(302);
    expect((err as Error).message).toContain('redirects are not followed');
    expect(receiver.received.map((r) => r.url)).toEqual(['/hooks/ips?token=abc']);
  });

  it('refuses loopback when private addresses are not allowed, without connecting', async () => {
    const receiver = await startReceiver(reply(200));
    const { svc, asked } = service({ allowPrivate: false });

    const err = await caught(svc.send(receiver.url, payload));

    expect(err).toBeInstanceOf(CallbackRefused);
    expect((err as Error).message).toBe(`callback URL refused: 127.0.0.1 is a loopback address (http://127.0.0.1:${receiver.port}/hooks/ips?token=abc)`);
    // a name that resolves to loopback (DNS rebinding) is refused the same way
    const rebinding = service({ allowPrivate: false }, { lookup: async () => ['127.0.0.1'] }).svc;
    await expect(rebinding.send(`http://rebind.test:${receiver.port}/`, payload)).rejects.toBeInstanceOf(CallbackRefused);
    expect(receiver.received).toEqual([]);
    expect(receiver.connections()).toBe(0);
    expect(asked).toEqual([]);
  });

  it('refuses a URL the guard rejects before anything else', async () => {
    const { svc } = service();
    await expect(svc.send('ftp://127.0.0.1/hook', payload)).rejects.toBeInstanceOf(CallbackRefused);
    await expect(svc.send('http://user:pass@127.0.0.1/hook', payload)).rejects.toBeInstanceOf(CallbackRefused);
  });

  it('a receiver that never answers → CallbackFailed after timeoutMs', async () => {
    const receiver = await startReceiver(() => undefined);
    const err = await caught(service(loopbackAllowed, { timeoutMs: 500 }).svc.send(receiver.url, payload));
    expect(err).toBeInstanceOf(CallbackFailed);
    expect((err as Error).message).toBe(
      `callback to http://127.0.0.1:${receiver.port}/hooks/ips: no complete response from http://127.0.0.1:${receiver.port} within 500 ms`,
    );
    expect((err as Error).cause).toBeInstanceOf(OutboundHttpError);
    expect(((err as Error).cause as OutboundHttpError).kind).toBe('timeout');
    expect(receiver.received).toHaveLength(1);
  });

  it('a refused connection → CallbackFailed', async () => {
    const receiver = await startReceiver(reply(200));
    const url = receiver.url;
    await receiver.close();
    await expect(service().svc.send(url, payload)).rejects.toBeInstanceOf(CallbackFailed);
  });

  it('a host that does not resolve → CallbackFailed', async () => {
    const { svc } = service(loopbackAllowed, {
      lookup: async (host) => {
        throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
      },
    });
    await expect(svc.send('https://nowhere.test/hook', payload)).rejects.toBeInstanceOf(CallbackFailed);
  });
});

describe('postJson', () => {
  it('reads at most 64 KiB of the response', async () => {
    const receiver = await startReceiver(reply(200, 'x'.repeat(1024 * 1024)));
    const result = await postJson(new URL(receiver.url), '127.0.0.1', '{}', { 'Content-Type': 'application/json' }, 5000);
    expect(result.status).toBe(200);
    expect(result.text).toHaveLength(MAX_RESPONSE_BYTES);
  });

  it('stops when the caller cancels', async () => {
    const receiver = await startReceiver(() => undefined);
    const abort = new AbortController();
    const pending = postJson(new URL(receiver.url), '127.0.0.1', '{}', {}, 60_000, abort.signal);
    setTimeout(() => abort.abort(), 50);
    await expect(pending).rejects.toMatchObject({ name: 'OutboundHttpError', kind: 'aborted' });
  });
});

describe('callbackPayloadFromLog', () => {
  it('copies the log row and its counters', () => {
    const log: JobLogRow = {
      job_handle: 'j|acme|42',
      company_handle: 'c|acme',
      job_type: 'UploadDirectoryJob',
      job_name: 'nightly-upload_1714557600000',
      original_job_name: 'nightly-upload',
      submit_user_email: 'ops@acme.test',
      submit_user_handle: 'u|acme|1',
      locale: null,
      description: null,
      log_type: 'UploadStart',
      job_sub_type: '',
      start_date: '2024-05-01T10:00:00.000Z',
      end_date: '2024-05-01T10:02:00.000Z',
      file_success_count: 8,
      file_error_count: 2,
      file_warning_count: 1,
      file_duplicate_count: 0,
      file_update_count: 1,
      total_file_count: 11,
      transfer_success_count: 0,
      transfer_error_count: 0,
      transfer_warning_count: 0,
      fatal_error: 0,
    };
    expect(callbackPayloadFromLog(log, 'done', ['a|acme|1', 'a|acme|2'])).toEqual(payload);
    expect(callbackPayloadFromLog(log, 'failed')).not.toHaveProperty('assetHandles');
  });
});
