import fs from 'node:fs/promises';
import type { TLSConfig } from '@temporalio/client';
import { type AppConfig, ConfigError } from '../../config/config.js';

/**
 * What both connections take: the client's `Connection.connect` (API, start-up
 * checks) and the worker's `NativeConnection.connect`. Holds the API key: never log it.
 */
export interface TemporalConnectOptions {
  address: string;
  /** undefined: plain gRPC (the dev server, the compose stack) */
  tls?: TLSConfig;
  apiKey?: string;
  metadata?: Record<string, string>;
}

/**
 * The connection options for `address` from the configuration: TLS with the
 * server CA, SNI override and mTLS client certificate, and the API key, each
 * read from its file now, so a wrong path or a file that is not what the
 * setting names stops the start with a message naming the setting (never the
 * file's content).
 */
export async function temporalConnectionOptions(
  temporal: Pick<AppConfig['temporal'], 'namespace' | 'connection'>,
  address: string,
): Promise<TemporalConnectOptions> {
  const c = temporal.connection;
  if (!c.tls) return { address };
  const tls: TLSConfig = {};
  if (c.serverName) tls.serverNameOverride = c.serverName;
  if (c.caFile) tls.serverRootCACertificate = await readPem('TEMPORAL_TLS_CA_FILE', c.caFile, CERTIFICATE, 'a PEM certificate');
  if (c.clientCertFile && c.clientKeyFile) {
    tls.clientCertPair = {
      crt: await readPem('TEMPORAL_TLS_CERT_FILE', c.clientCertFile, CERTIFICATE, 'a PEM certificate'),
      key: await readPem('TEMPORAL_TLS_KEY_FILE', c.clientKeyFile, PRIVATE_KEY, 'a PEM private key'),
    };
  }
  const apiKey = c.apiKeyFile ? await readApiKey(c.apiKeyFile) : c.apiKey;
  if (!apiKey) return { address, tls };
  // Temporal Cloud routes API-key requests by this header; a self-hosted cluster ignores it.
  return { address, tls, apiKey, metadata: { 'temporal-namespace': temporal.namespace } };
}

/** Names the TLS settings in force, for a failed connection's message (paths and names only, never the key). */
export function describeTemporalTls(options: TemporalConnectOptions): string {
  if (!options.tls) return 'plain gRPC (no TLS)';
  const parts = ['TLS'];
  if (options.tls.clientCertPair) parts.push('client certificate');
  if (options.tls.serverRootCACertificate) parts.push('CA from TEMPORAL_TLS_CA_FILE');
  if (options.tls.serverNameOverride) parts.push(`server name ${options.tls.serverNameOverride}`);
  if (options.apiKey) parts.push('API key');
  return parts.join(', ');
}

const CERTIFICATE = /-----BEGIN CERTIFICATE-----/;
const PRIVATE_KEY = /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/;

async function readSetting(name: string, file: string): Promise<Buffer> {
  try {
    return await fs.readFile(file);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new ConfigError(`Invalid configuration:\n  ${name}: expected a readable file, received ${file} (${e.code ?? e.message})`);
  }
}

async function readPem(name: string, file: string, marker: RegExp, expected: string): Promise<Buffer> {
  const bytes = await readSetting(name, file);
  if (!marker.test(bytes.toString('latin1'))) {
    throw new ConfigError(`Invalid configuration:\n  ${name}: expected ${expected}, received ${file}, which holds none`);
  }
  return bytes;
}

async function readApiKey(file: string): Promise<string> {
  const key = (await readSetting('TEMPORAL_API_KEY_FILE', file)).toString('utf8').trim();
  // The key becomes an HTTP header value: one line of visible characters.
  if (!/^[\x21-\x7e]+$/.test(key)) {
    throw new ConfigError(
      `Invalid configuration:\n  TEMPORAL_API_KEY_FILE: expected one line holding the API key, received ${file}, which is ${key ? 'not one line of printable characters' : 'empty'}`,
    );
  }
  return key;
}
