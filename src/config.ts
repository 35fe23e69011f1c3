import { z } from 'zod';
import { StartupError } from './startup-error.js';

const flag = z.enum(['on', 'off', 'true', 'false', '1', '0']).transform((v) => v === 'on' || v === 'true' || v === '1');
const optionalText = z.string().trim().min(1).optional();
const webUrl = z.url({ protocol: /^https?$/, error: 'an http:// or https:// URL' });
const csv = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().default('0.0.0.0'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(20),
    DATA_DIR: z.string().default('.data'),
    EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
    PUBLIC_BASE_URL: webUrl.optional(), // default: where the server listens (publicUrls)
    CORS_ORIGINS: csv.default([]),
    BODY_LIMIT: z.string().default('100kb'),
    HTTP_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
    HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
    STORE_CURRENCY: z
      .string()
      .regex(/^[A-Z]{3}$/, 'an ISO 4217 code like USD')
      .default('USD'),
    ORDER_TTL_MINUTES: z.coerce
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 60)
      .default(30),
    // api: HTTP only; worker: the background jobs only (and /healthz, /readyz); all: both
    PROCESS_ROLE: z.enum(['all', 'api', 'worker']).default('all'),
    // how often an idle worker looks for jobs (pg-boss polling, and the outbox relay)
    JOBS_POLL_INTERVAL_SECONDS: z.coerce.number().min(0.5).max(60).default(2),
    IDEMPOTENCY_TTL_HOURS: z.coerce.number().int().min(24).default(48),
    CLERK_SECRET_KEY: optionalText,
    CLERK_PUBLISHABLE_KEY: z
      .string()
      .regex(/^pk_(test|live)_[A-Za-z0-9+/=]+$/, 'pk_test_... or pk_live_...')
      .optional(),
    CLERK_JWT_KEY: optionalText,
    CLERK_AUTHORIZED_PARTIES: csv.default([]),
    SESSION_SECRET: optionalText,
    ADMIN_EMAIL: z.email().optional(),
    ADMIN_PASSWORD: z.string().min(8).optional(),
    MOCK_PAYMENTS: flag.optional(),
    MOCK_PAYMENTS_SECRET: optionalText,
    STRIPE_SECRET_KEY: optionalText,
    STRIPE_WEBHOOK_SECRET: optionalText,
    STRIPE_API_BASE_URL: z.url().optional(),
    SSLCOMMERZ_STORE_ID: optionalText,
    SSLCOMMERZ_STORE_PASSWORD: optionalText,
    SSLCOMMERZ_IS_LIVE: flag.default(false),
    SSLCOMMERZ_API_BASE_URL: z.url().optional(),
    PAYMENT_GATEWAY_TIMEOUT_MS: z.coerce.number().int().min(1).max(120_000).default(15_000),
    // a failed refund is retried this long after (doubling each time, with jitter), this many times, then dead-lettered
    REFUND_RETRY_DELAY_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
    REFUND_RETRY_LIMIT: z.coerce.number().int().min(0).max(16).default(10),
    // a payment still pending this long after it started is looked up at its gateway
    PAYMENT_RECONCILE_AFTER_SECONDS: z.coerce.number().int().min(1).default(600),
    // default: this app's own payment result page (publicUrls)
    STOREFRONT_SUCCESS_URL: webUrl.optional(),
    STOREFRONT_CANCEL_URL: webUrl.optional(),
    STOREFRONT_FAIL_URL: webUrl.optional(),
    // smtp://user:pass@host:587 or smtps://...; without it, mails go to the mailbox in the database (staff panel)
    SMTP_URL: z.url({ protocol: /^smtps?$/, error: 'an smtp:// or smtps:// URL' }).optional(),
    MAIL_FROM: z.string().trim().min(3).default('Shop <shop@localhost>'),
    // the storefront's page of one order, where the buyer pays it: {orderId} is replaced; without it, mails name the order only
    STOREFRONT_ORDER_URL: z
      .url({ protocol: /^https?$/, error: 'an http:// or https:// URL' })
      .refine((url) => url.includes('%7BorderId%7D') || url.includes('{orderId}'), 'must contain {orderId}')
      .optional(),
    RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).default(60),
    RATE_LIMIT_WRITES_PER_WINDOW: z.coerce.number().int().min(1).default(600),
    RATE_LIMIT_LOGINS_PER_WINDOW: z.coerce.number().int().min(1).default(10),
    // guest carts (src/cart/guest-carts.ts): how long one lives after its last change, how many
    // one IP may start per rate-limit window, and the lines any cart may hold
    GUEST_CART_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
    GUEST_CARTS_PER_IP_PER_WINDOW: z.coerce.number().int().min(1).default(20),
    CART_MAX_LINES: z.coerce.number().int().min(1).max(1000).default(100),
    // a product CSV upload larger than this is refused (413) before it is read
    PRODUCT_IMPORT_MAX_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .max(200 * 1024 * 1024)
      .default(20 * 1024 * 1024),
    // files of at most this many rows are run in the request that uploads them; larger ones by a worker
    PRODUCT_IMPORT_INLINE_ROWS: z.coerce.number().int().min(0).max(100_000).default(1000),
    // outbound webhooks (src/webhooks): a delivery's timeout, its first retry's delay (doubling
    // after), how long an endpoint may keep failing before it is disabled, and whether endpoints
    // may be private addresses in production (an operator's choice for systems on the same network)
    WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
    WEBHOOK_RETRY_DELAY_SECONDS: z.coerce.number().min(0).max(3600).default(30),
    WEBHOOK_DISABLE_AFTER_HOURS: z.coerce
      .number()
      .min(0)
      .max(24 * 30)
      .default(24),
    WEBHOOKS_ALLOW_PRIVATE_URLS: flag.default(false),
    // finished deliveries (and their attempts) are kept this long for staff to look up
    WEBHOOK_LOG_RETENTION_DAYS: z.coerce.number().int().min(1).default(30),
    // product images (src/media): the largest upload, and where their sizes are stored
    MEDIA_MAX_UPLOAD_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .max(50 * 1_048_576)
      .default(10 * 1_048_576),
    MEDIA_STORAGE: z.enum(['postgres', 's3']).default('postgres'),
    MEDIA_S3_ENDPOINT: webUrl.optional(),
    MEDIA_S3_REGION: z.string().trim().min(1).default('us-east-1'),
    MEDIA_S3_BUCKET: optionalText,
    MEDIA_S3_ACCESS_KEY_ID: optionalText,
    MEDIA_S3_SECRET_ACCESS_KEY: optionalText,
    MEDIA_S3_FORCE_PATH_STYLE: flag.default(false),
    MEDIA_S3_PUBLIC_BASE_URL: webUrl.optional(),
  })
  .superRefine((config, ctx) => {
    // Staff panel sessions are signed with SESSION_SECRET: a default one would let anyone forge them.
    if (config.NODE_ENV === 'production' && !config.SESSION_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['SESSION_SECRET'], message: 'required in production (a long random string)' });
    }
    if (!config.ADMIN_EMAIL !== !config.ADMIN_PASSWORD) {
      ctx.addIssue({ code: 'custom', path: [config.ADMIN_EMAIL ? 'ADMIN_PASSWORD' : 'ADMIN_EMAIL'], message: 'ADMIN_EMAIL and ADMIN_PASSWORD go together' });
    }
    if (config.MEDIA_STORAGE === 's3') {
      for (const name of ['MEDIA_S3_BUCKET', 'MEDIA_S3_PUBLIC_BASE_URL'] as const)
        if (!config[name]) ctx.addIssue({ code: 'custom', path: [name], message: 'required with MEDIA_STORAGE=s3' });
    }
    if (!config.MEDIA_S3_ACCESS_KEY_ID !== !config.MEDIA_S3_SECRET_ACCESS_KEY) {
      ctx.addIssue({
        code: 'custom',
        path: [config.MEDIA_S3_ACCESS_KEY_ID ? 'MEDIA_S3_SECRET_ACCESS_KEY' : 'MEDIA_S3_ACCESS_KEY_ID'],
        message: 'MEDIA_S3_ACCESS_KEY_ID and MEDIA_S3_SECRET_ACCESS_KEY go together',
      });
    }
  });

type Settings = z.infer<typeof schema>;
type PublicUrls = Required<Pick<Settings, 'PUBLIC_BASE_URL' | 'STOREFRONT_SUCCESS_URL' | 'STOREFRONT_CANCEL_URL' | 'STOREFRONT_FAIL_URL'>>;
export type Config = Omit<Settings, keyof PublicUrls> & PublicUrls;

export class ConfigError extends StartupError {}

/** The URL a browser on this machine uses to reach a server listening on `host`:`port`. */
export function localUrl(host: string, port: number): string {
  const name = ['0.0.0.0', '::', ''].includes(host) ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `http://${name}:${port}`;
}

/**
 * Gateways and browsers reach the app at PUBLIC_BASE_URL, by default where it listens; buyers
 * return from a gateway to the storefront's pages, by default the app's own result page.
 */
function publicUrls(settings: Settings, port: number): PublicUrls {
  const base = settings.PUBLIC_BASE_URL ?? localUrl(settings.HOST, port);
  const resultPage = `${base.replace(/\/$/, '')}/payment-result`;
  return {
    PUBLIC_BASE_URL: base,
    STOREFRONT_SUCCESS_URL: settings.STOREFRONT_SUCCESS_URL ?? resultPage,
    STOREFRONT_CANCEL_URL: settings.STOREFRONT_CANCEL_URL ?? resultPage,
    STOREFRONT_FAIL_URL: settings.STOREFRONT_FAIL_URL ?? resultPage,
  };
}

/**
 * Reads and validates the environment; the first bad variable is named in one line. The URLs
 * that default to where the server listens use `listening.port` once the server is bound
 * (PORT=0 picks a free port), PORT until then.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, listening?: { port: number }): Config {
  const blanksRemoved = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const result = schema.safeParse(blanksRemoved);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ConfigError(`Invalid configuration: ${issue.path.join('.')}: ${issue.message}. Fix it in the environment or .env.`);
  }
  return { ...result.data, ...publicUrls(result.data, listening?.port ?? result.data.PORT) };
}
