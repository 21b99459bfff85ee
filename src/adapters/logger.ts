// Structured logs (pino). Personal data must never reach them: these paths are censored even
// if a future change logs a supporter or a request body by mistake.
import pino from 'pino';

export type Logger = pino.Logger;

const PERSONAL = ['email', 'firstName', 'lastName', 'fullName', 'address', 'city', 'postalCode', 'message', 'replyTo', 'to', 'token'];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
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
    destination,
  );
}
