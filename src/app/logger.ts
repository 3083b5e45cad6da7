import { pino } from 'pino';

/** Structured JSON logs (pino); request bodies and credentials are never logged. */
export type Logger = pino.Logger;

export function createLogger(level: string, name = 'ips'): Logger {
  return pino({
    name,
    level,
    redact: { paths: ['req.headers.authorization', 'password', '*.password'], censor: '[redacted]' },
  });
}
