import type AdminJS from 'adminjs';
import { buildAuthenticatedRouter } from '@adminjs/express';
import connectPgSimple from 'connect-pg-simple';
import { Router, type Request, type RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { PostgresRateLimitStore, storeErrorLogger } from '../src/shared/rate-limit.js';
import session from 'express-session';
import type { Logger } from 'pino';
import type { Config } from '../src/config.js';
import type { Db } from '../src/shared/db.js';
import { identityOf, verifySession } from '../src/auth/middleware.js';
import type { ClerkOptions } from '../src/auth/clerk-options.js';
import { userForIdentity } from '../src/auth/users.js';
import { authenticateStaff, isStaff } from '../src/auth/staff-accounts.js';
import { securePanelPages } from './page-security.js';
import type { MediaStorage } from '../src/media/storage.js';
import { refuseForeignOrigins } from './same-origin.js';
import { packingSlipRouter } from './packing-slip.js';
import { catalogBulkPages } from './catalog-bulk-pages.js';
import { AppError, sendProblem } from '../src/shared/errors.js';

/** Who is signed in to the panel (AdminJS's `currentAdmin`). */
export type StaffSession = { id: string; email: string; title: string; role: 'ADMIN'; via: 'password' | 'clerk' };

declare module 'express-session' {
  interface SessionData {
    adminUser?: StaffSession;
  }
}

export const SESSION_COOKIE = 'shop.staff';
const SESSION_HOURS = 12;
const DEV_SESSION_SECRET = 'development-only-session-secret-do-not-use-in-production';

type Deps = { config: Config; db: Db; logger: Logger; clerk: ClerkOptions; media: MediaStorage };

/**
 * AdminJS behind staff sign-in: a password form for staff accounts (sessions in PostgreSQL, so
 * every instance shares them), or a Clerk session whose role is admin. Anyone else, customers
 * included, is sent to the login page.
 */
export function staffRouter(admin: AdminJS, { config, db, logger, clerk, media }: Deps): Router {
  const secret = config.SESSION_SECRET ?? DEV_SESSION_SECRET; // config refuses production without one
  const PgStore = connectPgSimple(session);
  const sessionOptions: session.SessionOptions = {
    name: SESSION_COOKIE,
    secret,
    store: new PgStore({
      pool: db.pool,
      tableName: 'admin_sessions',
      createTableIfMissing: false,
      errorLog: (...args: unknown[]) => logger.warn({ args }, 'staff session store'),
    }),
    resave: false,
    saveUninitialized: false,
    cookie: { path: '/admin', httpOnly: true, sameSite: 'lax', secure: config.NODE_ENV === 'production', maxAge: SESSION_HOURS * 3600_000 },
  };

  const router = Router();
  router.use(refuseForeignOrigins(config.PUBLIC_BASE_URL));
  router.use(securePanelPages(media.origin));
  router.post('/login', failedLoginLimit(admin, config, db, logger));
  router.use(clerkStaff(clerk, db));
  router.use(session(sessionOptions)); // AdminJS's own session middleware then sees one and steps aside
  router.use(dropFormerStaff(db));
  router.use(packingSlipRouter(db.pool)); // pages of the panel's own, outside AdminJS: they check the session themselves
  router.use(catalogBulkPages(db.pool, config, logger));
  router.use(refuseOversizeBodies(UPLOAD_LIMITS.maxFieldsSize + UPLOAD_LIMITS.maxFileSize(config)));
  return buildAuthenticatedRouter(
    admin,
    {
      cookieName: SESSION_COOKIE,
      cookiePassword: secret,
      authenticate: async (email: string, password: string, context?: { req: Request }) => {
        const staff = typeof email === 'string' && typeof password === 'string' ? await authenticateStaff(db.pool, email, password) : null;
        if (!staff) return null;
        if (context?.req) await regenerate(context.req); // a session id planted before sign-in is worthless after it
        return { id: staff.id, email: staff.email, title: staff.name ?? staff.email, role: 'ADMIN', via: 'password' } satisfies StaffSession;
      },
    },
    router,
    sessionOptions,
    { maxFieldsSize: UPLOAD_LIMITS.maxFieldsSize, maxFileSize: UPLOAD_LIMITS.maxFileSize(config) },
  );
}

// An image just over MEDIA_MAX_UPLOAD_BYTES still arrives, so its refusal is a message on the
// form's field; the form parser takes 1 MB more than that.
const UPLOAD_LIMITS = { maxFieldsSize: 1024 * 1024, maxFileSize: (config: Config) => config.MEDIA_MAX_UPLOAD_BYTES + 1024 * 1024 };

/**
 * A body larger than the form parser takes would be cut off mid-upload, which the browser sees
 * as a reset connection: such a request is refused by its declared length before it is read.
 */
function refuseOversizeBodies(maxBytes: number): RequestHandler {
  return (req, res, next) => {
    if (Number(req.get('Content-Length') ?? 0) <= maxBytes) return next();
    res.set('Connection', 'close');
    sendProblem(res, new AppError('BODY_TOO_LARGE', 'Request body too large', `An upload may be at most ${maxBytes} bytes`));
  };
}

/**
 * Failed sign-ins per client address (AdminJS answers a failure with the form again, a success
 * with a redirect), counted in PostgreSQL so the limit holds across every instance.
 */
function failedLoginLimit(admin: AdminJS, config: Config, { pool }: Db, logger: Logger): RequestHandler {
  return rateLimit({
    store: new PostgresRateLimitStore(pool, 'logins'),
    logger: storeErrorLogger(logger),
    passOnStoreError: true,
    windowMs: config.RATE_LIMIT_WINDOW_SECONDS * 1000,
    limit: config.RATE_LIMIT_LOGINS_PER_WINDOW,
    skipSuccessfulRequests: true,
    requestWasSuccessful: (_req, res) => res.statusCode === 302,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: async (_req, res) => {
      res.status(429).send(await admin.renderLogin({ action: admin.options.loginPath, errorMessage: 'tooManyRequests' }));
    },
  });
}

const carriesClerkSession = (req: Request) =>
  /^Bearer\s/i.test(req.headers.authorization ?? '') || /(^|;\s*)__session(_[\w-]+)?=/.test(req.headers.cookie ?? '');

/**
 * A request carrying a valid Clerk session with the admin role is let in for that request only:
 * it gets a session object that is never stored, so Clerk stays the judge of that sign-in.
 * Clerk's middleware runs only when a Clerk session is presented: on other page loads it would
 * send the browser off to Clerk instead of to the password form.
 */
function clerkStaff(clerk: ClerkOptions, { pool }: Db): RequestHandler {
  const verify = verifySession(clerk);
  const admit = async (req: Request) => {
    const identity = identityOf(req);
    if (identity?.role !== 'ADMIN') return;
    const user = await userForIdentity(pool, identity);
    const adminUser: StaffSession = {
      id: user.id,
      email: user.email ?? user.clerkUserId,
      title: user.name ?? user.email ?? user.clerkUserId,
      role: 'ADMIN',
      via: 'clerk',
    };
    const done = (callback?: (err?: unknown) => void) => callback?.();
    req.session = { adminUser, save: done, destroy: done, regenerate: done, reload: done, touch: () => undefined } as unknown as typeof req.session;
  };
  return (req, res, next) => {
    if (!carriesClerkSession(req)) return next();
    verify(req, res, (err?: unknown) => (err ? next(err) : admit(req).then(() => next(), next)));
  };
}

/** A staff member demoted or removed since signing in loses the panel at the next request. */
function dropFormerStaff({ pool }: Db): RequestHandler {
  return async (req, _res, next) => {
    const staff = req.session?.adminUser;
    if (staff?.via === 'password' && !(await isStaff(pool, staff.id))) delete req.session.adminUser;
    next();
  };
}

function regenerate(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())));
}
