import { pino, type DestinationStream, type Logger } from 'pino';

// Anything that can carry a secret, a token or card data is removed before a line is written.
const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["stripe-signature"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.passwordHash',
  '*.store_passwd',
  '*.card',
  '*.card_no',
  '*.cvc',
  '*.secret',
  '*.token',
];

/**
 * An error as one log field: its kind, message, code and the one frame that threw, never the
 * whole stack (a trace in the console reads as a crash to an operator and can carry request data).
 */
export function errorSummary(err: unknown) {
  if (!(err instanceof Error)) return { message: String(err) };
  const at = err.stack
    ?.split('\n')
    .find((line) => line.trimStart().startsWith('at '))
    ?.trim()
    .slice(3);
  return { type: err.name, message: err.message, code: (err as { code?: unknown }).code, at };
}

/** The app's logger: JSON lines on stdout (or `destination`), secrets redacted, errors summarised. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACT, censor: '[redacted]' }, base: undefined, serializers: { err: errorSummary } }, destination);
}
