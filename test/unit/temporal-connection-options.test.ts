import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { describeTemporalTls, temporalConnectionOptions } from '../../src/adapters/temporal/temporal-connection-options.js';

const API_KEY = 'tmprl-api-key-that-must-never-be-printed';
const CLUSTER = { TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233' };

/** The configuration error loadConfig throws for `env`, as text ('' when it loads). */
function configError(env: Record<string, string>): string {
  try {
    loadConfig(env);
    return '';
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
}

describe('Temporal connection settings', () => {
  it('connect over plain gRPC by default', () => {
    expect(loadConfig({}).temporal.connection).toEqual({ tls: false });
    expect(loadConfig({ ...CLUSTER, TEMPORAL_TLS: 'false' }).temporal.connection).toEqual({ tls: false });
  });

  it('turn TLS on when asked, or when a certificate, CA, server name or API key is given', () => {
    expect(loadConfig({ ...CLUSTER, TEMPORAL_TLS: 'true' }).temporal.connection).toEqual({ tls: true });
    expect(loadConfig({ ...CLUSTER, TEMPORAL_API_KEY: API_KEY }).temporal.connection).toEqual({ tls: true, apiKey: API_KEY });
    expect(loadConfig({ ...CLUSTER, TEMPORAL_TLS_CA_FILE: 'ca.pem' }).temporal.connection).toEqual({ tls: true, caFile: path.resolve('ca.pem') });
    expect(loadConfig({ ...CLUSTER, TEMPORAL_TLS_SERVER_NAME: 'temporal.internal' }).temporal.connection).toEqual({
      tls: true,
      serverName: 'temporal.internal',
    });
    expect(loadConfig({ ...CLUSTER, TEMPORAL_TLS_CERT_FILE: 'c.pem', TEMPORAL_TLS_KEY_FILE: 'k.pem' }).temporal.connection).toEqual({
      tls: true,
      clientCertFile: path.resolve('c.pem'),
      clientKeyFile: path.resolve('k.pem'),
    });
  });

  it('refuse a value of TEMPORAL_TLS other than true or false, showing it', () => {
    expect(configError({ ...CLUSTER, TEMPORAL_TLS: 'yes' })).toContain("TEMPORAL_TLS: expected true or false, received 'yes'");
  });

  it('want the client certificate and its key together', () => {
    expect(configError({ ...CLUSTER, TEMPORAL_TLS_CERT_FILE: 'c.pem' })).toContain(
      'TEMPORAL_TLS_CERT_FILE, TEMPORAL_TLS_KEY_FILE: expected both (the client certificate and its key) or neither, received only TEMPORAL_TLS_CERT_FILE',
    );
    expect(configError({ ...CLUSTER, TEMPORAL_TLS_KEY_FILE: 'k.pem' })).toContain('received only TEMPORAL_TLS_KEY_FILE');
  });

  it('want one source of API key, and never show the key', () => {
    const message = configError({ ...CLUSTER, TEMPORAL_API_KEY: API_KEY, TEMPORAL_API_KEY_FILE: 'key.txt' });
    expect(message).toContain('TEMPORAL_API_KEY, TEMPORAL_API_KEY_FILE: expected one of them, received both');
    expect(message).not.toContain(API_KEY);
  });

  it('refuse TEMPORAL_TLS=false beside TLS settings or an API key (the key would cross the network in clear)', () => {
    const message = configError({ ...CLUSTER, TEMPORAL_TLS: 'false', TEMPORAL_API_KEY: API_KEY, TEMPORAL_TLS_CA_FILE: 'ca.pem' });
    expect(message).toContain('TEMPORAL_TLS: expected true or unset with TEMPORAL_TLS_CA_FILE, TEMPORAL_API_KEY set, received false');
    expect(message).not.toContain(API_KEY);
  });

  it('refuse TLS without TEMPORAL_ADDRESS: the local dev server serves plain gRPC only', () => {
    expect(configError({ TEMPORAL_TLS: 'true' })).toContain('TEMPORAL_ADDRESS: expected the cluster address when TLS or an API key is configured');
  });

  it('refuse an API key that cannot be a header value, without showing it', () => {
    const message = configError({ ...CLUSTER, TEMPORAL_API_KEY: `${API_KEY}\nsecond line` });
    expect(message).toContain('TEMPORAL_API_KEY: expected one line of printable characters (the value is not shown)');
    expect(message).not.toContain(API_KEY);
  });

  it('report every problem at once', () => {
    const message = configError({ TEMPORAL_TLS_CERT_FILE: 'c.pem', TEMPORAL_API_KEY: API_KEY, TEMPORAL_API_KEY_FILE: 'k' });
    expect(message.split('\n').filter((l) => l.startsWith('  '))).toHaveLength(3);
  });
});

describe('temporalConnectionOptions', () => {
  let dir: string;
  const file = (name: string) => path.join(dir, name);
  const CERT = '-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n';
  const CA = '-----BEGIN CERTIFICATE-----\nMIIBca\n-----END CERTIFICATE-----\n';
  const KEY = '-----BEGIN EC PRIVATE KEY-----\nMHcfake\n-----END EC PRIVATE KEY-----\n';
  const options = (connection: Record<string, unknown>) =>
    temporalConnectionOptions({ namespace: 'ips.acct', connection: { tls: true, ...connection } }, 'ips.acct.tmprl.cloud:7233');

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-temporal-tls-'));
    await fs.writeFile(file('client.pem'), CERT);
    await fs.writeFile(file('client.key'), KEY);
    await fs.writeFile(file('ca.pem'), CA);
    await fs.writeFile(file('api-key'), `${API_KEY}\n`);
    await fs.writeFile(file('empty'), '\n');
    await fs.writeFile(file('not-pem'), 'secret-looking content of the wrong file');
  });
  afterAll(async () => fs.rm(dir, { recursive: true, force: true }));

  it('is the address alone without TLS', async () => {
    expect(await temporalConnectionOptions({ namespace: 'default', connection: { tls: false } }, '127.0.0.1:7233')).toEqual({ address: '127.0.0.1:7233' });
  });

  it('is plain TLS (the system CAs) with TLS on and nothing else', async () => {
    expect(await options({})).toEqual({ address: 'ips.acct.tmprl.cloud:7233', tls: {} });
  });

  it('reads the client certificate, its key and the server CA, and sets the server name', async () => {
    const built = await options({
      clientCertFile: file('client.pem'),
      clientKeyFile: file('client.key'),
      caFile: file('ca.pem'),
      serverName: 'frontend.internal',
    });
    expect(built.tls?.serverNameOverride).toBe('frontend.internal');
    expect(Buffer.from(built.tls!.clientCertPair!.crt).toString()).toBe(CERT);
    expect(Buffer.from(built.tls!.clientCertPair!.key).toString()).toBe(KEY);
    expect(Buffer.from(built.tls!.serverRootCACertificate!).toString()).toBe(CA);
    expect(built.apiKey).toBeUndefined();
    expect(built.metadata).toBeUndefined();
  });

  it('reads the API key from its file (trimmed) and names the namespace for Temporal Cloud', async () => {
    const built = await options({ apiKeyFile: file('api-key') });
    expect(built).toEqual({ address: 'ips.acct.tmprl.cloud:7233', tls: {}, apiKey: API_KEY, metadata: { 'temporal-namespace': 'ips.acct' } });
    expect(describeTemporalTls(built)).toBe('TLS, API key');
  });

  it('takes the API key given in the environment', async () => {
    expect((await options({ apiKey: API_KEY })).apiKey).toBe(API_KEY);
  });

  it('stops on a file that cannot be read, naming the setting and the path', async () => {
    await expect(options({ caFile: file('missing.pem') })).rejects.toThrow(
      new ConfigError(`Invalid configuration:\n  TEMPORAL_TLS_CA_FILE: expected a readable file, received ${file('missing.pem')} (ENOENT)`),
    );
    await expect(options({ clientCertFile: file('client.pem'), clientKeyFile: dir })).rejects.toThrow(
      /TEMPORAL_TLS_KEY_FILE: expected a readable file, .*\(EISDIR\)/,
    );
  });

  it('stops on a file that is not what the setting names, without showing its content', async () => {
    const wrongKey = options({ clientCertFile: file('client.pem'), clientKeyFile: file('client.pem') });
    await expect(wrongKey).rejects.toThrow(`TEMPORAL_TLS_KEY_FILE: expected a PEM private key, received ${file('client.pem')}, which holds none`);
    const wrongCert = options({ clientCertFile: file('not-pem'), clientKeyFile: file('client.key') });
    await expect(wrongCert).rejects.toThrow('TEMPORAL_TLS_CERT_FILE: expected a PEM certificate');
    await expect(wrongCert).rejects.not.toThrow('secret-looking');
  });

  it('stops on an empty API key file', async () => {
    await expect(options({ apiKeyFile: file('empty') })).rejects.toThrow(
      `TEMPORAL_API_KEY_FILE: expected one line holding the API key, received ${file('empty')}, which is empty`,
    );
  });

  it('describes the settings in force without the key', async () => {
    const built = await options({
      clientCertFile: file('client.pem'),
      clientKeyFile: file('client.key'),
      caFile: file('ca.pem'),
      serverName: 'x',
      apiKey: API_KEY,
    });
    const text = describeTemporalTls(built);
    expect(text).toBe('TLS, client certificate, CA from TEMPORAL_TLS_CA_FILE, server name x, API key');
    expect(text).not.toContain(API_KEY);
    expect(describeTemporalTls({ address: 'a:1' })).toBe('plain gRPC (no TLS)');
  });
});
