import type { Config } from '../config.js';
import { ConfigError } from '../config.js';
import { LOCAL_PUBLISHABLE_KEY, LOCAL_SECRET_KEY, localKeyPair } from './dev-keys.js';

export type ClerkOptions = {
  secretKey: string;
  publishableKey: string;
  jwtKey?: string;
  authorizedParties?: string[];
  /** true when the keys are the local development pair, not a Clerk instance's */
  local: boolean;
};

/**
 * Clerk settings from the configuration. Without Clerk keys outside production the app uses a
 * local key pair (see `npm run token`); in production missing keys stop start-up.
 */
export function resolveClerkOptions(config: Config): ClerkOptions {
  const { CLERK_SECRET_KEY, CLERK_PUBLISHABLE_KEY, CLERK_JWT_KEY, CLERK_AUTHORIZED_PARTIES } = config;
  const authorizedParties = CLERK_AUTHORIZED_PARTIES.length ? CLERK_AUTHORIZED_PARTIES : undefined;
  if (CLERK_SECRET_KEY && CLERK_PUBLISHABLE_KEY) {
    return { secretKey: CLERK_SECRET_KEY, publishableKey: CLERK_PUBLISHABLE_KEY, jwtKey: CLERK_JWT_KEY, authorizedParties, local: false };
  }
  if (config.NODE_ENV === 'production') {
    throw new ConfigError('Invalid configuration: CLERK_SECRET_KEY and CLERK_PUBLISHABLE_KEY are required in production');
  }
  const { publicKeyPem } = localKeyPair(config.DATA_DIR);
  return { secretKey: LOCAL_SECRET_KEY, publishableKey: LOCAL_PUBLISHABLE_KEY, jwtKey: publicKeyPem, authorizedParties, local: true };
}
