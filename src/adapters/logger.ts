// Structured logs (pino). Personal data must never reach them: these paths are censored even
// if a future change logs a supporter or a request body by mistake.
import pino from 'pino';
import pretty from 'pino-pretty';

export type Logger = pino.Logger;

const PERSONAL = ['email', 'firstName', 'lastName', 'fullName', 'address', 'city', 'postalCode', 'message', 'replyTo', 'to', 'token'];

/** `pretty`: one human line per event (a terminal); `json`: one object per line (log collectors). */
export function createLogger(level: string, destination?: pino.DestinationStream, format: 'pretty' | 'json' = 'json'): Logger {
  const out = destination ?? (format === 'pretty' ? pretty({ sync: true, singleLine: true, colorize: process.stdout.isTTY, ignore: 'pid,hostname', translateTime: 'SYS:HH:MM:ss' }) : undefined);
  return pino(
    {
      level,
      redact: {
        paths: [
          ...PERSONAL,
          ...PERSONAL.map((p) => `*.${p}`),
          'body',
          '*.body',
          'req.headers.authorization',
          'req.headers.cookie',
          'headers.authorization',
        ],
        censor: '[redacted]',
      },
    },
    out,
  );
}
