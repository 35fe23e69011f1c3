// `npm run -s pay -- <paymentId | its redirectUrl> [--fail | --cancel]`
// Presses a button of the mock gateway page of a running server, as the buyer would in a
// browser: loads the page and posts its signed form. Pay by default.
import 'dotenv/config';
import { parseArgs } from 'node:util';
import { loadConfig, localUrl } from '../config.js';
import { pressMockGatewayButton } from './mock-gateway-buyer.js';
import { UUID } from './payment-row.js';
import type { MockOutcome } from './providers/mock.js';

const USAGE = 'usage: npm run -s pay -- <paymentId | redirectUrl> [--fail | --cancel]';
const { values, positionals } = parseArgs({ allowPositionals: true, options: { fail: { type: 'boolean' }, cancel: { type: 'boolean' } } });
const [target] = positionals;
if (positionals.length !== 1 || (values.fail && values.cancel) || !(UUID.test(target) || URL.canParse(target))) {
  console.error(USAGE);
  process.exit(2);
}
const outcome: MockOutcome = values.fail ? 'failed' : values.cancel ? 'cancelled' : 'paid';
// A bare id is looked up on this machine's server, where `npm start` listens.
const config = loadConfig();
const pageUrl = UUID.test(target) ? `${localUrl(config.HOST, config.PORT)}/mock-gateway/${target}` : target;
try {
  const { location } = await pressMockGatewayButton(pageUrl, outcome);
  console.log(`Payment ${outcome}; the gateway sends the buyer to ${location}`);
} catch (err) {
  // fetch's own failures say only "fetch failed"; the reason is in their cause
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  console.error(
    cause
      ? `No server answers at ${new URL(pageUrl).origin} (${cause.code ?? cause.message}): start it with npm start, or pass the payment's redirectUrl.`
      : (err as Error).message,
  );
  process.exitCode = 1;
}
