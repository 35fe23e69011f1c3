/// <reference types="@clerk/express/env" />
import type { Request, RequestHandler } from 'express';
import { clerkMiddleware, getAuth } from '@clerk/express';
import { createClerkClient } from '@clerk/backend';
import { LRUCache } from 'lru-cache';
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
      /** who Clerk verified (verifySession), read from the token's claims once */
      identity?: Identity;
    }
  }
  interface CustomJwtSessionClaims {
    metadata?: { role?: string };
    email?: string;
    name?: string;
  }
}

/** Session tokens remembered per instance; beyond this many, the least recently used is verified again. */
const REMEMBERED_TOKENS = 2_000;

/**
 * Clerk's own middleware verifies the token (networkless when a JWT key is configured). That
 * costs more CPU than a cart read's SQL does (a fetch Request built from the headers, the key
 * imported, an RSA check), and a client sends the same token for up to a minute. So a Bearer
 * token that verified as signed in is remembered, with Clerk's own result, until it expires:
 * the same token gets the same answer without being checked again. Only Bearer tokens: for
 * them Clerk looks at nothing else in the request (a cookie session's outcome also depends
 * on other cookies). Tokens that fail are never remembered. The identity read from the claims
 * is kept with it: Clerk builds a new auth object (with an API client) on every getAuth call.
 */
export function verifySession(options: ClerkOptions): RequestHandler {
  const clerk = clerkMiddleware({
    // One client for the app: without it, keys given as options (not in the environment) make
    // @clerk/express build a new client on every request.
    // Local development keys belong to no Clerk instance: there is nobody to send telemetry to.
    clerkClient: createClerkClient({
      secretKey: options.secretKey,
      publishableKey: options.publishableKey,
      jwtKey: options.jwtKey,
      ...(options.local && { telemetry: { disabled: true } }),
    }),
    secretKey: options.secretKey,
    publishableKey: options.publishableKey,
    jwtKey: options.jwtKey,
    authorizedParties: options.authorizedParties,
  });
  const verified = new LRUCache<string, { auth: Request['auth']; identity: Identity; expiresAt: number }>({ max: REMEMBERED_TOKENS });
  return (req, res, next) => {
    const authorization = req.headers.authorization;
    const bearer = authorization !== undefined && /^Bearer \S+$/.test(authorization) ? authorization : undefined;
    const known = bearer ? verified.get(bearer) : undefined;
    if (known && known.expiresAt > Date.now()) {
      req.auth = known.auth;
      req.identity = known.identity;
      return next();
    }
    clerk(req, res, (err?: unknown) => {
      if (err) return next(err);
      const auth = getAuth(req);
      req.identity = identityFromClaims(auth);
      const expiresAt = Number(auth.sessionClaims?.exp) * 1000;
      if (bearer && req.identity && expiresAt > Date.now()) verified.set(bearer, { auth: req.auth, identity: req.identity, expiresAt });
      next();
    });
  };
}

/** The verified Clerk identity of a request (verifySession must have run), or undefined. */
export const identityOf = (req: Request): Identity | undefined => req.identity;

function identityFromClaims(auth: ReturnType<typeof getAuth>): Identity | undefined {
  if (!auth.userId) return undefined;
  const claims = auth.sessionClaims;
  return {
    clerkUserId: auth.userId,
    email: typeof claims?.email === 'string' ? claims.email : null,
    name: typeof claims?.name === 'string' ? claims.name : null,
    role: claims?.metadata?.role === 'admin' ? 'ADMIN' : 'CUSTOMER',
  };
}

function signedInUser(pool: pg.Pool, { required }: { required: boolean }): RequestHandler {
  return async (req, _res, next) => {
    const identity = identityOf(req);
    if (!identity) return next(required ? new Unauthenticated() : undefined);
    req.user = await userForIdentity(pool, identity);
    next();
  };
}

/** Guards: a signed-out caller gets 401, a customer on a staff route 403. */
export function guards(pool: pg.Pool): Guards {
  const requireUser = signedInUser(pool, { required: true });
  const staffOnly: RequestHandler = (req, _res, next) => next(req.user?.role === 'ADMIN' ? undefined : new Forbidden());
  return { requireUser, requireStaff: [requireUser, staffOnly], optionalUser: signedInUser(pool, { required: false }) };
}
