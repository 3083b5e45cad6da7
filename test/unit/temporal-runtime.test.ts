import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { Runtime } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { installTemporalRuntime } from '../../src/adapters/temporal/temporal-runtime.js';
import { createLogger } from '../../src/adapters/logging/logger.js';

/** The runtime is process-wide and installed once: this file (its own forked process) installs it once. */
describe('installTemporalRuntime', () => {
  it('installs without the metrics endpoint when its port is taken, and logs SDK lines as JSON through pino', async () => {
    const busy = http.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    try {
      const result = installTemporalRuntime(createLogger('info', 'ips-worker', sink), `127.0.0.1:${(busy.address() as AddressInfo).port}`);
      expect(result).toEqual({ metrics: false });
      Runtime.instance().logger.info('sdk line', { workflowId: 'j-123', taskQueue: 'q' });
      // With core's logs forwarded, the runtime buffers lines briefly to order them by time.
      Runtime.instance().flushLogs();
      const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(logged.some((l) => l.level === 40 && String(l.msg).includes('Temporal SDK metrics could not be served'))).toBe(true);
      expect(logged).toContainEqual(expect.objectContaining({ level: 30, msg: 'sdk line', workflowId: 'j-123', jobHandle: 'j-123', taskQueue: 'q' }));
    } finally {
      await new Promise((resolve) => busy.close(resolve));
    }
  });
});
