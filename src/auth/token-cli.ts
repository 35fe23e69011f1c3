// `npm run token -- --user <id> [--role admin] [--email a@b.c] [--name "A B"] [--ttl 86400]`
// Prints a Bearer token for the local development server (local key pair under DATA_DIR).
import 'dotenv/config';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { localKeyPair, signSessionToken } from './dev-keys.js';

const { values } = parseArgs({
  options: {
    user: { type: 'string' },
    role: { type: 'string', default: 'customer' },
    email: { type: 'string' },
    name: { type: 'string' },
    ttl: { type: 'string', default: String(24 * 3600) },
  },
});

const config = loadConfig();
if (!values.user || !['admin', 'customer'].includes(values.role!)) {
  console.error('usage: npm run token -- --user <id> [--role admin|customer] [--email a@b.c] [--name "A B"] [--ttl seconds]');
  process.exit(2);
}
if (config.CLERK_SECRET_KEY || config.NODE_ENV === 'production') {
  console.error('Clerk is configured: tokens come from Clerk, not from this command.');
  process.exit(2);
}
const { privateKeyPem } = localKeyPair(config.DATA_DIR);
const token = await signSessionToken(privateKeyPem, {
  userId: values.user,
  role: values.role as 'admin' | 'customer',
  email: values.email,
  name: values.name,
  ttlSeconds: Number(values.ttl),
});
process.stdout.write(token + '\n');
