import pino, { type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { Config } from './config.js';

/**
 * The one logger. Request logs carry method, url and status, never headers or bodies; the redaction
 * below is a second fence for anything that would still put a secret in a log line. JSON lines for log
 * collectors; readable lines when a person watches a terminal (LOG_FORMAT=auto, the default).
 */
export function createLogger(
  config: Pick<Config, 'LOG_LEVEL'> & Partial<Pick<Config, 'LOG_FORMAT'>>,
  destination?: DestinationStream,
): Logger {
  const format = config.LOG_FORMAT ?? 'json';
  const leesbaar = format === 'pretty' || (format === 'auto' && process.stdout.isTTY === true);
  const stream =
    destination ??
    (leesbaar
      ? pretty({
          sync: true,
          colorize: process.stdout.isTTY === true,
          ignore: 'pid,hostname',
          translateTime: 'SYS:HH:MM:ss',
        })
      : undefined);
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
    stream,
  );
}
