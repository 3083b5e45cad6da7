import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import http2 from 'node:http2';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { promisify } from 'node:util';
import { NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { connectTemporal } from '../../src/adapters/temporal/temporal-connection.js';
import { type TemporalConnectOptions, temporalConnectionOptions } from '../../src/adapters/temporal/temporal-connection-options.js';

/**
 * The Temporal connection options on the wire. The CLI's dev server serves
 * plain gRPC only (`temporal server start-dev` has no TLS flags), so a TLS
 * terminator in front of the run's dev server stands in for a production
 * frontend: it asks for a client certificate signed by the test CA (mTLS) and
 * passes the decrypted HTTP/2 on unchanged. A second stand-in, an HTTP/2 server
 * that refuses every call as Temporal Cloud refuses a bad key, shows what the
 * API key sends. Both the client connection and the worker's native
 * connection go through each. Only in the integration-sqlite project: nothing
 * here touches the catalog.
 */

const exec = promisify(execFile);
const inThisProject = process.env.IPS_TEST_DB !== 'postgres';
const SERVER_NAME = 'temporal.ips.test';
const API_KEY = 'ips-test-api-key-never-printed';

/** A CA, a server certificate for SERVER_NAME and a client certificate, made with openssl (EC P-256: quick). */
async function makeCertificates(dir: string): Promise<void> {
  const openssl = (...args: string[]) => exec('openssl', args, { cwd: dir });
  const ext = (name: string, lines: string[]) => fs.writeFile(path.join(dir, name), `${lines.join('\n')}\n`);
  await ext('ca.ext', ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign', 'subjectKeyIdentifier=hash']);
  await ext('server.ext', ['basicConstraints=CA:FALSE', 'keyUsage=digitalSignature', 'extendedKeyUsage=serverAuth', `subjectAltName=DNS:${SERVER_NAME}`]);
  await ext('client.ext', ['basicConstraints=CA:FALSE', 'keyUsage=digitalSignature', 'extendedKeyUsage=clientAuth']);
  const key = (name: string) => openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`);
  await key('ca');
  await openssl(
    'req',
    '-x509',
    '-new',
    '-key',
    'ca.key',
    '-subj',
    '/CN=IPS test CA',
    '-days',
    '2',
    '-out',
    'ca.pem',
    '-extensions',
    'v3_ca',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  );
  for (const [name, cn] of [
    ['server', SERVER_NAME],
    ['client', 'ips-worker'],
  ] as const) {
    await key(name);
    await openssl('req', '-new', '-key', `${name}.key`, '-subj', `/CN=${cn}`, '-out', `${name}.csr`);
    await openssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.pem`,
    );
  }
}

/** Listens on a free port of 127.0.0.1 and gives it. */
async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

async function close(server: net.Server | undefined): Promise<void> {
  if (server) await new Promise((resolve) => server.close(resolve));
}

/** The options the service would build from these settings (files read as at start). */
async function optionsFor(env: Record<string, string>): Promise<TemporalConnectOptions> {
  const config = loadConfig(env);
  return temporalConnectionOptions(config.temporal, config.temporal.address!);
}

/** The settled outcome of a connection attempt: its error message, or '' when it connected (the connection closed again). */
async function failure(connect: () => Promise<{ close(): Promise<void> }>): Promise<string> {
  try {
    const connection = await connect();
    await connection.close();
    return '';
  } catch (err) {
    return String(err instanceof Error ? `${err.message} ${String(err.cause ?? '')}` : err);
  }
}

describe.runIf(inThisProject)('Temporal over TLS', () => {
  let dir: string;
  let terminator: tls.Server;
  let terminatorPort: number;
  let cloud: http2.Http2SecureServer;
  let cloudPort: number;
  const seenByCloud: http2.IncomingHttpHeaders[] = [];
  const file = (name: string) => path.join(dir, name);
  const sockets = new Set<net.Socket>();
  const sessions = new Set<http2.ServerHttp2Session>();

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-temporal-tls-'));
    await makeCertificates(dir);
    const [dev, devPort] = process.env.IPS_TEST_TEMPORAL!.split(/:(?=\d+$)/);
    const [key, cert, ca] = await Promise.all(['server.key', 'server.pem', 'ca.pem'].map((n) => fs.readFile(file(n))));
    terminator = tls.createServer({ key, cert, ca, requestCert: true, rejectUnauthorized: true, ALPNProtocols: ['h2'] }, (client) => {
      const upstream = net.connect(Number(devPort), dev === 'localhost' ? '127.0.0.1' : dev);
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    // A refused handshake (no client certificate) is what the test wants; it is not a server fault.
    terminator.on('tlsClientError', () => undefined);
    terminator.on('connection', (raw: net.Socket) => {
      sockets.add(raw);
      raw.on('close', () => sockets.delete(raw));
    });
    terminatorPort = await listen(terminator);

    cloud = http2.createSecureServer({ key, cert, ALPNProtocols: ['h2'] });
    cloud.on('session', (session) => {
      sessions.add(session);
      session.on('close', () => sessions.delete(session));
    });
    cloud.on('stream', (stream, headers) => {
      seenByCloud.push(headers);
      stream.respond(
        { ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '16', 'grpc-message': 'stand-in refuses every key' },
        { endStream: true },
      );
    });
    cloudPort = await listen(cloud);
  }, 60_000);

  afterAll(async () => {
    for (const s of sockets) s.destroy();
    for (const s of sessions) s.destroy();
    await close(terminator);
    await close(cloud);
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  const mtls = () => ({
    TEMPORAL_ADDRESS: `127.0.0.1:${terminatorPort}`,
    TEMPORAL_TLS_CERT_FILE: file('client.pem'),
    TEMPORAL_TLS_KEY_FILE: file('client.key'),
    TEMPORAL_TLS_CA_FILE: file('ca.pem'),
    TEMPORAL_TLS_SERVER_NAME: SERVER_NAME,
  });

  it('connects the client with a client certificate, the server CA and the server name, and talks to Temporal', async () => {
    const connection = await connectTemporal(await optionsFor(mtls()), 20_000);
    try {
      const { namespaceInfo } = await connection.workflowService.describeNamespace({ namespace: 'default' });
      expect(namespaceInfo?.name).toBe('default');
    } finally {
      await connection.close();
    }
  });

  it("connects the worker's native connection the same way", async () => {
    const connection = await NativeConnection.connect(await optionsFor(mtls()));
    try {
      const { namespaceInfo } = await connection.workflowService.describeNamespace({ namespace: 'default' });
      expect(namespaceInfo?.name).toBe('default');
    } finally {
      await connection.close();
    }
  });

  it('is refused without the client certificate, saying which TLS settings were in force', async () => {
    const env: Record<string, string> = { ...mtls() };
    delete env.TEMPORAL_TLS_CERT_FILE;
    delete env.TEMPORAL_TLS_KEY_FILE;
    const options = await optionsFor(env);
    const message = await failure(() => connectTemporal(options, 3_000));
    expect(message).toContain(`cannot reach Temporal at 127.0.0.1:${terminatorPort} over TLS, CA from TEMPORAL_TLS_CA_FILE, server name ${SERVER_NAME}`);
    expect(message).toContain('(TLS handshake: the server wants a client certificate (TEMPORAL_TLS_CERT_FILE, TEMPORAL_TLS_KEY_FILE)');
    expect(await failure(() => NativeConnection.connect(options))).not.toBe('');
  });

  it('is refused when the server certificate is not for the expected name', async () => {
    const options = await optionsFor({ ...mtls(), TEMPORAL_TLS_SERVER_NAME: 'other.ips.test' });
    const message = await failure(() => connectTemporal(options, 3_000));
    expect(message).toContain('over TLS, client certificate');
    expect(message).toContain('(TLS handshake: the server certificate is for another name (TEMPORAL_TLS_SERVER_NAME)');
    expect(await failure(() => NativeConnection.connect(options))).not.toBe('');
  });

  it('fails clearly when TLS meets a plain gRPC port', async () => {
    const options = await optionsFor({ TEMPORAL_ADDRESS: process.env.IPS_TEST_TEMPORAL!, TEMPORAL_TLS: 'true' });
    const message = await failure(() => connectTemporal(options, 3_000));
    expect(message).toContain(`cannot reach Temporal at ${process.env.IPS_TEST_TEMPORAL} over TLS:`);
    expect(message).toContain('(TLS handshake: the server does not speak TLS on this port (plain gRPC?)');
    expect(await failure(() => NativeConnection.connect(options))).not.toBe('');
  });

  it('sends the API key as a bearer token with the namespace, over TLS, and never prints it', async () => {
    await fs.writeFile(file('api-key'), `${API_KEY}\n`, { mode: 0o600 });
    const env = {
      TEMPORAL_ADDRESS: `127.0.0.1:${cloudPort}`,
      TEMPORAL_NAMESPACE: 'ips-test.a1b2c',
      TEMPORAL_API_KEY_FILE: file('api-key'),
      TEMPORAL_TLS_CA_FILE: file('ca.pem'),
      TEMPORAL_TLS_SERVER_NAME: SERVER_NAME,
    };
    const options = await optionsFor(env);
    seenByCloud.length = 0;
    const message = await failure(() => connectTemporal(options, 3_000));
    expect(message).toContain('UNAUTHENTICATED');
    expect(message).toContain('over TLS, CA from TEMPORAL_TLS_CA_FILE, server name temporal.ips.test, API key');
    expect(message).not.toContain(API_KEY);
    expect(seenByCloud.length).toBeGreaterThan(0);
    expect(seenByCloud[0]).toMatchObject({ authorization: `Bearer ${API_KEY}`, 'temporal-namespace': 'ips-test.a1b2c' });

    seenByCloud.length = 0;
    const native = await failure(() => NativeConnection.connect(options));
    expect(native).not.toBe('');
    expect(native).not.toContain(API_KEY);
    expect(seenByCloud.map((h) => h.authorization)).toContain(`Bearer ${API_KEY}`);
  });
});
