import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Db } from './db.js';

// What every route module receives from createApp (src/app.ts). It lives down here, and names
// no domain's types, so that route modules never import the file that mounts them. A domain's
// services (payment providers, the staff refund) are passed to the routes that use them.

/** A signed-out caller gets 401, a customer on a staff route 403 (src/auth/middleware.ts). */
export type Guards = {
  requireUser: RequestHandler;
  requireStaff: RequestHandler[];
  /** sets req.user when there is a session; a caller without one passes as anonymous */
  optionalUser: RequestHandler;
};

/** Everything a route module may need, built once per app. */
export type RouteContext = { config: Config; db: Db; logger: Logger; guards: Guards };
