import { Client, Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import { SEARCH_ATTRIBUTE_NAMES } from './search-attributes.js';

/** Connects to the Temporal frontend, retrying while it starts (compose, dev server). */
export async function connectTemporal(address: string, timeoutMs = 60_000): Promise<Connection> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      return await Connection.connect({ address, connectTimeout: '5s' });
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  throw new Error(`cannot reach Temporal at ${address}: ${String(lastError)}`);
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
