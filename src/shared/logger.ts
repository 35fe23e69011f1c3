import { pino, type Logger } from 'pino';

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

export function createLogger(level: string): Logger {
  return pino({ level, redact: { paths: REDACT, censor: '[redacted]' }, base: undefined });
}
