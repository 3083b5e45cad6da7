import { Client, Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import { SEARCH_ATTRIBUTE_NAMES } from './search-attributes.js';
import { describeTemporalTls, type TemporalConnectOptions } from './temporal-connection-options.js';
import { tlsHandshakeProblem } from './temporal-tls-diagnosis.js';

/**
 * Connects to the Temporal frontend, retrying while it starts (compose, dev
 * server). `target`: an address (plain gRPC) or the options
 * temporalConnectionOptions built (TLS, client certificate, API key).
 */
export async function connectTemporal(target: string | TemporalConnectOptions, timeoutMs = 60_000): Promise<Connection> {
  const options = typeof target === 'string' ? { address: target } : target;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      return await Connection.connect({ ...options, connectTimeout: '5s' });
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  // The settings in force, and what the TLS handshake alone says: the gRPC client reports
  // only "Failed to connect before the deadline" for a refused certificate or a plain port.
  const handshake = options.tls ? await tlsHandshakeProblem(options.address, options.tls) : undefined;
  throw new Error(
    `cannot reach Temporal at ${options.address} over ${describeTemporalTls(options)}: ${errorChain(lastError)}${handshake ? ` (TLS handshake: ${handshake})` : ''}`,
  );
}

/** The SDK wraps the gRPC status (UNAUTHENTICATED, UNAVAILABLE …) as the cause of a generic "Failed to connect". */
function errorChain(err: unknown): string {
  const messages: string[] = [];
  for (let e: unknown = err; e !== undefined && messages.length < 5; e = e instanceof Error ? e.cause : undefined) {
    messages.push(e instanceof Error ? e.message : String(e));
  }
  return messages.join(': ');
}

export function temporalClient(connection: Connection, namespace: string): Client {
  return new Client({ connection, namespace });
}

/**
 * Registers the job search attributes when missing (an existing dev-server
 * file or a cluster set up without them). A cluster that forbids operator
 * calls keeps working; the UI just cannot filter by them.
 */
export async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<string[]> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const have = new Set(Object.keys(existing.customAttributes ?? {}));
  const missing = SEARCH_ATTRIBUTE_NAMES.filter((n) => !have.has(n));
  if (missing.length) {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((n) => [n, proto.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD])),
    });
  }
  return missing;
}
