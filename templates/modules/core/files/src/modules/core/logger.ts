import { pino } from 'pino';
import type { AppConfig } from '../../config.js';

export type Logger = pino.Logger;

/** One JSON logger for the whole app; secrets in well-known places are redacted before they are written. */
export function createLogger(config: AppConfig): Logger {
  return pino({
    level: config.env.LOG_LEVEL,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', '*.password', '*.token'],
      censor: '[redacted]',
    },
  });
}
