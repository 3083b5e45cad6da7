import { createWriteStream, openAsBlob } from 'node:fs';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Profile } from './profile.js';

/** An IPS fault (docs/api.md#faults), or a reply that was not one the CLI understands. */
export class IpsFault extends Error {
  constructor(
    readonly status: number,
    readonly fault: string,
    readonly code: number | undefined,
    readonly reason: string,
    readonly field: string | undefined,
  ) {
    super(`${fault}${code !== undefined ? ` ${code}` : ''}: ${reason}${field ? ` (field ${field})` : ''}`);
  }

  /** 401/403: the credentials or the role, which no retry of the same call fixes. */
  get isAuth(): boolean {
    return this.status === 401 || this.status === 403 || this.fault === 'authenticationFault' || this.fault === 'authorizationFault';
  }
}

/** The service's HTTP API as the CLI uses it: JSON operations, the UploadFile servlet, export downloads. */
export class IpsClient {
  private readonly authorization: string;

  constructor(private readonly profile: Profile) {
    this.authorization = `Basic ${Buffer.from(`${profile.email}:${profile.password}`).toString('base64')}`;
  }

  /** `POST /api/<operation>` with `param`; the operation's return, or an IpsFault. */
  async call<T>(operation: string, param: unknown): Promise<T> {
    const res = await this.fetch(`/api/${operation}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(param),
    });
    return reply<T>(res);
  }

  /**
   * One post of one file to `POST /scene7/UploadFile`. The multipart body is
   * the one FormData serialises, streamed through a counter so `onBytes`
   * reports what has been sent.
   */
  async uploadPost(params: Record<string, unknown>, file: string, onBytes: (n: number) => void): Promise<{ jobHandle: string }> {
    const form = new FormData();
    form.set('uploadParams', JSON.stringify(params));
    form.set('file', await openAsBlob(file), path.basename(file));
    const encoded = new Response(form);
    const body = encoded.body!.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          onBytes(chunk.byteLength);
          controller.enqueue(chunk);
        },
      }),
    );
    const res = await this.fetch('/scene7/UploadFile', {
      method: 'POST',
      headers: { 'content-type': encoded.headers.get('content-type')! },
      body,
      duplex: 'half',
    } as RequestInit);
    return reply(res);
  }

  /** Downloads `url` (a signed link: no credentials) into `file`; `onBytes` counts, `onSize` gets Content-Length when sent. */
  async download(url: string, file: string, onSize: (n: number | undefined) => void, onBytes: (n: number) => void): Promise<void> {
    const res = await fetch(url);
    // A refused link (403 altered, 410 expired) answers as a fault, which reply() throws.
    if (!res.ok) await reply(res);
    if (!res.body) throw new IpsFault(res.status, 'downloadFault', undefined, `GET ${url} answered ${res.status} without a body`, undefined);
    const length = res.headers.get('content-length');
    onSize(length ? Number(length) : undefined);
    const counter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        onBytes(chunk.length);
        done(null, chunk);
      },
    });
    await pipeline(Readable.fromWeb(res.body as never), counter, createWriteStream(file, { mode: 0o644 }));
  }

  private fetch(pathname: string, init: RequestInit): Promise<Response> {
    return fetch(`${this.profile.url}${pathname}`, { ...init, headers: { ...(init.headers as Record<string, string>), authorization: this.authorization } });
  }
}

async function reply<T>(res: Response): Promise<T> {
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (res.ok) return body as T;
  const f = (body ?? {}) as { fault?: string; code?: number; reason?: string; field?: string };
  throw new IpsFault(res.status, f.fault ?? `HTTP ${res.status}`, f.code, f.reason ?? (text.slice(0, 200) || res.statusText), f.field);
}
