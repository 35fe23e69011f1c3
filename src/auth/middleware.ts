import type { Request, RequestHandler } from 'express';
import { clerkMiddleware, getAuth } from '@clerk/express';
import { createClerkClient } from '@clerk/backend';
import type pg from 'pg';
import { Forbidden, Unauthenticated } from '../shared/errors.js';
import type { ClerkOptions } from './clerk-options.js';
import type { Guards } from '../shared/route-context.js';
import { userForIdentity, type CurrentUser, type Identity } from './users.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      user?: CurrentUser;
    }
  }
  interface CustomJwtSessionClaims {
    metadata?: { role?: string };
    email?: string;
    name?: string;
  }
}

/** Clerk's own middleware verifies the token (networkless when a JWT key is configured). */
export function verifySession(options: ClerkOptions): RequestHandler {
  return clerkMiddleware({
    // One client for the app: without it, keys given as options (not in the environment) make
    // @clerk/express build a new client on every request.
    clerkClient: createClerkClient({ secretKey: options.secretKey, publishableKey: options.publishableKey, jwtKey: options.jwtKey }),
    secretKey: options.secretKey,
    publishableKey: options.publishableKey,
    jwtKey: options.jwtKey,
    authorizedParties: options.authorizedParties,
  });
}

/** The verified Clerk identity of a request (clerkMiddleware must have run), or undefined. */
export function identityOf(req: Request): Identity | undefined {
  const auth = getAuth(req);
  if (!auth.userId) return undefined;
  const claims = auth.sessionClaims;
  return {
    clerkUserId: auth.userId,
    email: typeof claims?.email === 'string' ? claims.email : null,
    name: typeof claims?.name === 'string' ? claims.name : null,
    role: claims?.metadata?.role === 'admin' ? 'ADMIN' : 'CUSTOMER',
  };
}

function signedInUser(pool: pg.Pool): RequestHandler {
  return async (req, _res, next) => {
    const identity = identityOf(req);
    if (!identity) return next(new Unauthenticated());
    req.user = await userForIdentity(pool, identity);
    next();
  };
}

/** Guards: a signed-out caller gets 401, a customer on a staff route 403. */
export function guards(pool: pg.Pool): Guards {
  const requireUser = signedInUser(pool);
  const staffOnly: RequestHandler = (req, _res, next) => next(req.user?.role === 'ADMIN' ? undefined : new Forbidden());
  return { requireUser, requireStaff: [requireUser, staffOnly] };
}
