import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface MetricsReply {
  status: number;
  contentType: string;
  body: string;
}

export interface MetricsHttpServer {
  port: number;
  close(): Promise<void>;
}

/**
 * A bare HTTP listener for a process without the API (the worker): GET
 * /metrics only. Nest would be a whole framework for one route.
 */
export async function serveMetricsHttp(
  host: string,
  port: number,
  scrape: (authorization: string | undefined) => Promise<MetricsReply>,
): Promise<MetricsHttpServer> {
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: GET /metrics\n');
      return;
    }
    scrape(req.headers.authorization).then(
      (reply) => res.writeHead(reply.status, { 'content-type': reply.contentType }).end(reply.body),
      (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${(err as Error).message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // A scrape never holds the process open on shutdown.
  server.unref();
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
