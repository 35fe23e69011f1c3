import type { Request, RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit, type Store, type Options, type IncrementResponse } from 'express-rate-limit';
import type pg from 'pg';
import type { Logger as PinoLogger } from 'pino';
import { AppError, sendProblem } from './errors.js';

/** Counters in PostgreSQL, so a limit holds across every instance of the app. */
export class PostgresRateLimitStore implements Store {
  localKeys = false;
  prefix: string;
  private windowMs = 60_000;

  constructor(
    private readonly pool: pg.Pool,
    prefix: string,
  ) {
    this.prefix = `${prefix}:`;
  }

  init(options: Options) {
    this.windowMs = options.windowMs;
  }

  async increment(key: string): Promise<IncrementResponse> {
    const { rows } = await this.pool.query<{ hits: number; window_ends_at: Date }>(
      `INSERT INTO rate_limit_hits (key, hits, window_ends_at) VALUES ($1, 1, now() + $2 * interval '1 millisecond')
       ON CONFLICT (key) DO UPDATE SET
         hits = CASE WHEN rate_limit_hits.window_ends_at <= now() THEN 1 ELSE rate_limit_hits.hits + 1 END,
         window_ends_at = CASE WHEN rate_limit_hits.window_ends_at <= now() THEN EXCLUDED.window_ends_at ELSE rate_limit_hits.window_ends_at END
       RETURNING hits, window_ends_at`,
      [this.prefix + key, this.windowMs],
    );
    return { totalHits: rows[0].hits, resetTime: rows[0].window_ends_at };
  }

  async decrement(key: string) {
    await this.pool.query(`UPDATE rate_limit_hits SET hits = greatest(hits - 1, 0) WHERE key = $1`, [this.prefix + key]);
  }

  async resetKey(key: string) {
    await this.pool.query(`DELETE FROM rate_limit_hits WHERE key = $1`, [this.prefix + key]);
  }
}

/** Removes counters whose window has passed (a scheduled job does, src/jobs/definitions.ts), so the table stays small. */
export async function purgeRateLimitHits(pool: pg.Pool): Promise<number> {
  const { rowCount } = await pool.query(`DELETE FROM rate_limit_hits WHERE window_ends_at < now() - interval '1 minute'`);
  return rowCount ?? 0;
}

/** One structured line per store failure (the library's default prints a stack trace). */
export function storeErrorLogger(logger: PinoLogger) {
  const line = (level: 'warn' | 'error') => (error: unknown, message?: string) =>
    logger[level]({ err: { message: error instanceof Error ? error.message : String(error) } }, message ?? 'rate limit');
  return { error: line('error'), warn: line('warn') };
}

/**
 * A limit per caller (the Clerk user when signed in, else the IP) answering 429 problem+json
 * with the IETF `RateLimit` headers. A database failure lets the request through (fail open):
 * the route itself then answers 503 if the database is really gone.
 */
export function limitRequests(
  pool: pg.Pool,
  name: string,
  limit: number,
  windowSeconds: number,
  options: { logger: PinoLogger; skip?: (req: Request) => boolean },
): RequestHandler {
  return rateLimit({
    windowMs: windowSeconds * 1000,
    limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    passOnStoreError: true,
    logger: storeErrorLogger(options.logger),
    store: new PostgresRateLimitStore(pool, name),
    keyGenerator: (req) => req.identity?.clerkUserId ?? ipKeyGenerator(req.ip ?? ''), // req.identity: set by auth/middleware.ts
    skip: options.skip,
    handler: (req, res) =>
      sendProblem(
        res,
        new AppError('RATE_LIMITED', 'Too many requests', `Limit of ${limit} requests per ${windowSeconds} s reached; retry later`),
        req.originalUrl,
      ),
  });
}
