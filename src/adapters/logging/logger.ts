import { pino } from 'pino';

/** Structured JSON logs (pino); request bodies and credentials are never logged. */
export type Logger = pino.Logger;

const SECRET_KEYS = ['password', 'authorization', 'secret', 'callbackSecret', 'callback_secret', 'IPS_ADMIN_PASSWORD', 'token', 'metricsToken'];
const SECRET_PATHS = [
  ...SECRET_KEYS.flatMap((key) => [key, `*.${key}`]),
  'req.headers.authorization',
  'headers.authorization',
  'config.admin.password',
  'admin.password',
];

/** destination: stdout unless given (tests capture the lines). */
export function createLogger(level: string, name = 'ips', destination?: pino.DestinationStream): Logger {
  const options = {
    name,
    level,
    // Every name a credential travels under here, at the top level and one level down (err, req, params…).
    redact: { paths: SECRET_PATHS, censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
}
