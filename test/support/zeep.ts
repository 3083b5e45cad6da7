import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Drives the SOAP endpoint with Python's zeep (strict), a client the service
 * did not write, through test/support/zeep_runner.py in the project venv
 * (scripts/setup.sh --test installs it). The JSON protocol is documented at the
 * top of zeep_runner.py; these types mirror it.
 */

const python = fileURLToPath(new URL('../../.venv/bin/python', import.meta.url));
const runner = fileURLToPath(new URL('./zeep_runner.py', import.meta.url));

export interface ZeepCall {
  op: string;
  /** The operation's `<op>Param` children by name; `resultOf` values chain earlier results. */
  args?: Record<string, unknown>;
  /** Also report the Python type zeep parsed each value into (ZeepResult.types). */
  types?: boolean;
  /** XPath 1.0 expressions lxml evaluates on the reply (ZeepResult.xpath); stripNamespaces first removes every element's namespace. */
  xpath?: Array<{ expr: string; stripNamespaces?: boolean }>;
}

export interface ZeepRequest {
  /** The WSDL URL (or file path) zeep loads. */
  wsdl: string;
  user?: string;
  password?: string;
  /** Default 'ips-tests' / '1.0': 2014-04-03's authHeader requires both. */
  appName?: string;
  appVersion?: string;
  /** More authHeader children: locale, faultHttpStatusCode, gzipResponse, accessToken. */
  headerFields?: Record<string, unknown>;
  /** Forces the authHeader element's namespace (default: the WSDL's versioned one, else the unversioned one). */
  authHeaderNamespace?: string;
  /** How the credentials travel; default 'header' (the authHeader SOAP header). */
  auth?: 'header' | 'basic' | 'both' | 'none';
  /** zeep.Settings(strict=…); default true. */
  strict?: boolean;
  /** Post here instead of the address the WSDL's port declares. */
  address?: string;
  service?: string;
  port?: string;
  /** Seconds per HTTP request. */
  timeout?: number;
  calls: ZeepCall[];
}

export interface ZeepFault {
  message: string | null;
  /** faultcode (SOAP 1.1) or Code/Value (SOAP 1.2), prefix as the server wrote it. */
  code: string | null;
  actor: string | null;
  /** The fault's detail element as XML. */
  detail: string | null;
}

interface ZeepExchange {
  op: string;
  /** null when no HTTP reply came back. */
  httpStatus: number | null;
  /** The envelope zeep sent. */
  request: string | null;
  /** The envelope zeep received (for validateAgainstServedXsd); null when none was parsed. */
  reply: string | null;
  /** When the call asked for types: the value's shape with each leaf's Python type name ('datetime', 'float', 'int', ...). */
  types?: unknown;
  /** When the call asked for xpath and a reply came: per expression, the text of each node found. */
  xpath?: string[][];
}

export type ZeepResult = ZeepExchange &
  ({ ok: true; value: unknown } | { ok: false; fault: ZeepFault } | { ok: false; error: { type: string; message: string } });

/** An argument value the runner replaces with call `index`'s value at `path`. */
export function resultOf(index: number, ...path: Array<string | number>): { $result: Array<string | number> } {
  return { $result: [index, ...path] };
}

/**
 * Runs the calls in order, one zeep client for all; resolves with one result
 * per call (a fault or a strict-parsing error is a result, not a rejection).
 * Rejects when zeep cannot start: the venv is missing, the WSDL does not load.
 */
export function runZeep(request: ZeepRequest, options: { env?: Record<string, string>; timeoutMs?: number } = {}): Promise<ZeepResult[]> {
  const input = JSON.stringify({ strict: true, ...request });
  return new Promise((resolve, reject) => {
    const child = execFile(
      python,
      [runner],
      { env: { ...process.env, ...options.env }, timeout: options.timeoutMs ?? 90_000, maxBuffer: 256 * 1024 * 1024 },
      (err, stdout, stderr) => {
        let parsed: { results?: ZeepResult[]; error?: { type: string; message: string } } | undefined;
        try {
          parsed = JSON.parse(stdout);
        } catch {
          parsed = undefined;
        }
        if (parsed?.error) reject(new Error(`zeep could not run: ${parsed.error.type}: ${parsed.error.message}`));
        else if (err || !parsed?.results) reject(new Error(`zeep runner failed (${err?.message ?? 'no results'}): ${stderr}${stdout}`));
        else resolve(parsed.results);
      },
    );
    child.stdin!.end(input);
  });
}

/** One call with `base`'s client settings. */
export async function runZeepCall(base: Omit<ZeepRequest, 'calls'>, op: string, args: Record<string, unknown> = {}): Promise<ZeepResult> {
  const [result] = await runZeep({ ...base, calls: [{ op, args }] });
  return result!;
}
