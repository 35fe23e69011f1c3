import express, { type RequestHandler, type Router } from 'express';
import helmet from 'helmet';
import cors from 'cors';
import { pinoHttp } from 'pino-http';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { errorSummary } from './shared/logger.js';
import swaggerUi from 'swagger-ui-express';
import type { Config } from './config.js';
import type { Db } from './shared/db.js';
import { revalidateDespiteNoCache } from './shared/conditional-get.js';
import { notFoundRoute, problemHandler } from './shared/errors.js';
import { loadOpenApi } from './shared/openapi.js';
import { limitRequests } from './shared/rate-limit.js';
import type { ClerkOptions } from './auth/clerk-options.js';
import { guards, verifySession } from './auth/middleware.js';
import type { RouteContext } from './shared/route-context.js';
import { healthRoutes } from './health/routes.js';
import { meRoutes } from './auth/routes.js';
import { catalogRoutes } from './catalog/routes.js';
import { staffCatalogRoutes } from './catalog/staff-routes.js';
import { addressRoutes } from './addresses/routes.js';
import { shippingRoutes } from './shipping/routes.js';
import { cartRoutes } from './cart/routes.js';
import { orderRoutes } from './orders/routes.js';
import { staffOrderRoutes } from './orders/staff-routes.js';
import { paymentGatewayRoutes, paymentRoutes } from './payments/routes.js';
import type { Providers } from './payments/providers/registry.js';
import { staffRefunder } from './payments/refunds.js';
import { staffWebhookRoutes } from './webhooks/routes.js';
import { cartDiscountRoutes, staffDiscountRoutes } from './promotions/routes.js';
import { withDiscount } from './promotions/cart-discount.js';
import { staffCustomerRoutes } from './customers/routes.js';
import { staffStockRoutes } from './catalog/stock-routes.js';
import { mediaRoutes } from './media/routes.js';
import type { MediaStorage } from './media/storage.js';

export type AppDeps = {
  config: Config;
  db: Db;
  logger: Logger;
  clerk: ClerkOptions;
  /** the payment providers this configuration enables (configuredProviders), built once by the caller */
  providers: Providers;
  /** where product images are stored (configuredMediaStorage), built once by the caller */
  media: MediaStorage;
  /** The staff panel (admin/: buildAdminRouter); its set-up is slow, so only main.ts and the tests that need it build it. */
  adminRouter?: RequestHandler;
};

/**
 * Routes for callers without a session, mounted before Clerk's middleware and the body parsers:
 * public catalog reads (verifying or ruling out a session costs more than serving a catalog
 * page does), and gateway webhooks, callbacks and pages a gateway sends the browser to (a
 * browser page load without a Clerk cookie would get Clerk's handshake redirect). They parse
 * their own bodies: a signed webhook needs the raw one.
 */
const sessionlessRoutes: ((ctx: RouteContext, deps: AppDeps) => Router)[] = [
  (ctx, { media }) => catalogRoutes(ctx, media.urlsOf),
  mediaRoutes,
  (ctx, { providers }) => paymentGatewayRoutes(ctx, providers),
];
const apiRoutes: ((ctx: RouteContext, deps: AppDeps) => Router)[] = [
  (ctx) => meRoutes(ctx.guards),
  addressRoutes,
  shippingRoutes,
  (ctx) => cartRoutes(ctx, withDiscount),
  cartDiscountRoutes,
  orderRoutes,
  (ctx, { db, logger, providers }) => staffOrderRoutes(ctx, staffRefunder({ pool: db.pool, providers, logger })),
  (ctx, { providers }) => paymentRoutes(ctx, providers),
  staffWebhookRoutes,
  staffDiscountRoutes,
  staffCustomerRoutes,
  staffStockRoutes,
  staffCatalogRoutes,
];

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function createApp(deps: AppDeps) {
  const { config, db, logger } = deps;
  const ctx: RouteContext = { config, db, logger, guards: guards(db.pool) };
  const openapi = loadOpenApi();
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.set('etag', 'strong');
  revalidateDespiteNoCache(app);

  app.use(
    pinoHttp({
      logger,
      genReqId: (req, res) => {
        const incoming = req.headers['x-request-id'];
        const id = typeof incoming === 'string' && /^[\w.-]{1,128}$/.test(incoming) ? incoming : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
      serializers: {
        req: (req) => ({ id: req.id, method: req.method, url: req.url }),
        res: (res) => ({ statusCode: res.statusCode }),
        err: errorSummary,
      },
    }),
  );
  // The strict default CSP everywhere (no inline script): /docs loads swagger-ui's scripts as
  // files, and the staff panel replaces it with one that admits its own inline scripts by nonce.
  app.use(helmet());
  app.use(
    cors({
      origin: config.CORS_ORIGINS.length ? config.CORS_ORIGINS : false,
      exposedHeaders: ['ETag', 'X-Request-Id', 'RateLimit', 'RateLimit-Policy', 'Location', 'Idempotent-Replayed', 'X-Cart-Token'],
    }),
  );

  app.use(healthRoutes(db.pool));
  app.get('/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  app.use('/docs', swaggerUi.serve, swaggerUi.setup(openapi, { customSiteTitle: 'Shop API' }));

  for (const routes of sessionlessRoutes) app.use(routes(ctx, deps));
  // The panel parses its own form bodies (AdminJS refuses requests a body parser has read), and
  // runs Clerk itself only for requests that carry a Clerk session: Clerk's middleware answers
  // page loads from browsers without Clerk cookies with a redirect to Clerk (a "handshake").
  if (deps.adminRouter) app.use('/admin', deps.adminRouter);
  app.use(verifySession(deps.clerk));
  app.use(express.json({ limit: config.BODY_LIMIT, type: ['application/json', 'application/*+json'] }));
  app.use(express.urlencoded({ extended: false, limit: config.BODY_LIMIT }));
  app.use(
    '/api',
    limitRequests(db.pool, 'writes', config.RATE_LIMIT_WRITES_PER_WINDOW, config.RATE_LIMIT_WINDOW_SECONDS, {
      logger,
      skip: (req) => SAFE_METHODS.has(req.method),
    }),
  );
  for (const routes of apiRoutes) app.use(routes(ctx, deps));

  app.use(notFoundRoute);
  app.use(problemHandler(logger));
  return app;
}

/** A worker process's only HTTP surface: the probes its orchestrator polls. */
export function createHealthApp(db: Db, logger: Logger) {
  const app = express();
  app.disable('x-powered-by');
  app.use(healthRoutes(db.pool));
  app.use(notFoundRoute);
  app.use(problemHandler(logger));
  return app;
}
