import type { LogLevel, LogMetadata, Logger as SdkLogger } from '@temporalio/common';
import { Runtime } from '@temporalio/worker';
import type { Logger } from '../logging/logger.js';

const PINO_LEVEL = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;

/**
 * The SDK's logger interface over pino, so the SDK's own lines (worker state,
 * failed activities, core's warnings) are JSON like ours. A workflow id is a
 * job handle here: it is repeated under that name so a job's lines are found
 * by one field.
 */
export function sdkLogger(logger: Logger): SdkLogger {
  const log = (level: LogLevel, message: string, meta?: LogMetadata) => {
    const fields: LogMetadata = { ...meta };
    if (typeof fields.workflowId === 'string') fields.jobHandle = fields.workflowId;
    logger[PINO_LEVEL[level]](fields, message);
  };
  return {
    log,
    trace: (m, meta) => log('TRACE', m, meta),
    debug: (m, meta) => log('DEBUG', m, meta),
    info: (m, meta) => log('INFO', m, meta),
    warn: (m, meta) => log('WARN', m, meta),
    error: (m, meta) => log('ERROR', m, meta),
  };
}

/**
 * Installs the process-wide Temporal runtime before any worker exists: SDK
 * and core logs forwarded to pino, and, with a bind address, core's worker
 * metrics (task slots, poll latencies, activity execution times, sticky cache)
 * served in Prometheus format by core itself. Should the metrics address be
 * taken, the runtime is installed without it: a busy port must not keep a
 * worker from working. Returns whether the metrics endpoint is up.
 */
export function installTemporalRuntime(logger: Logger, metricsBindAddress?: string): { metrics: boolean } {
  const logging = { forward: {}, filter: { core: 'WARN' as const, other: 'ERROR' as const } };
  const sdk = sdkLogger(logger);
  if (metricsBindAddress) {
    try {
      Runtime.install({ logger: sdk, telemetryOptions: { logging, metrics: { prometheus: { bindAddress: metricsBindAddress } } } });
      return { metrics: true };
    } catch (err) {
      logger.warn({ err, bindAddress: metricsBindAddress }, 'Temporal SDK metrics could not be served (set TEMPORAL_METRICS_PORT to a free port, or 0)');
    }
  }
  Runtime.install({ logger: sdk, telemetryOptions: { logging } });
  return { metrics: false };
}
