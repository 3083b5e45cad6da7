import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedCallback {
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A local HTTP server that keeps every request it receives (for postHttpUrl / httpCompletionUrl tests) and answers 204. */
export async function startCallbackReceiver(): Promise<{ received: ReceivedCallback[]; url(path: string): string; close(): void }> {
  const received: ReceivedCallback[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { received, url: (path) => `http://127.0.0.1:${port}${path}`, close: () => void server.close() };
}
