import pino, { type DestinationStream, type Logger } from 'pino';
import type { Config } from './config.js';

/**
 * The one logger. Request logs carry method, url and status, never headers or bodies; the redaction
 * below is a second fence for anything that would still put a secret in a log line.
 */
export function createLogger(config: Pick<Config, 'LOG_LEVEL'>, destination?: DestinationStream): Logger {
  return pino(
    {
      level: config.LOG_LEVEL,
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers["webhook-signature"]',
          'headers.authorization',
          '*.autorisatiesleutel',
          '*.boomLeerlingnummer',
          '*.token',
        ],
        censor: '[verborgen]',
      },
    },
    destination,
  );
}
