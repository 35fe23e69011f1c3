import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';

export type ProblemExtras = Record<string, unknown>;

/** A failure the client can act on: mapped to an RFC 9457 problem+json answer with a stable code. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail?: string,
    readonly extras: ProblemExtras = {},
  ) {
    super(detail ?? title);
  }
}

export class NotFound extends AppError {
  constructor(what: string) {
    super(404, 'NOT_FOUND', 'Not found', `${what} was not found`);
  }
}

export class Unauthenticated extends AppError {
  constructor(detail = 'A valid session token is required') {
    super(401, 'UNAUTHENTICATED', 'Authentication required', detail);
  }
}

export class Forbidden extends AppError {
  constructor(detail = 'This action needs the staff role') {
    super(403, 'FORBIDDEN', 'Forbidden', detail);
  }
}

export type FieldError = { path: string; message: string };

export class ValidationFailed extends AppError {
  constructor(errors: FieldError[], status = 400) {
    super(status, 'VALIDATION_FAILED', 'Invalid request', errors.map((e) => `${e.path || '(root)'}: ${e.message}`).join('; '), { errors });
  }
}

export class Conflict extends AppError {
  constructor(code: string, detail: string, extras: ProblemExtras = {}) {
    super(409, code, 'Conflict', detail, extras);
  }
}

export class Unprocessable extends AppError {
  constructor(code: string, detail: string, extras: ProblemExtras = {}) {
    super(422, code, 'Unprocessable request', detail, extras);
  }
}

export class ServiceUnavailable extends AppError {
  constructor(detail = 'The database is unreachable; try again shortly') {
    super(503, 'SERVICE_UNAVAILABLE', 'Service unavailable', detail);
  }
}

export class BadGateway extends AppError {
  constructor(detail: string) {
    super(502, 'GATEWAY_ERROR', 'Payment gateway error', detail);
  }
}

const PROBLEM_TYPE_BASE = 'https://shop.example/problems/';

export function sendProblem(res: Parameters<RequestHandler>[1], err: AppError, instance?: string) {
  res
    .status(err.status)
    .type('application/problem+json')
    .json({
      type: PROBLEM_TYPE_BASE + err.code.toLowerCase().replaceAll('_', '-'),
      title: err.title,
      status: err.status,
      code: err.code,
      ...(err.detail ? { detail: err.detail } : {}),
      ...(instance ? { instance } : {}),
      ...err.extras,
    });
}

// Connection-level failures (server down, connection killed, pool exhausted): the client
// should retry, so they answer 503 rather than 500.
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08003', '08006', '53300']);
const UNAVAILABLE_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Can't reach database server|Connection is closed/i;

export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e = err as { code?: string; message?: string; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if ((e.code && UNAVAILABLE_CODES.has(e.code)) || (e.message && UNAVAILABLE_MESSAGES.test(e.message))) return true;
    // Prisma's driver-adapter errors carry the pg error in `cause` or `meta`
    const meta = (e as { meta?: { driverAdapterError?: { cause?: { originalCode?: string; kind?: string } } } }).meta;
    const kind = meta?.driverAdapterError?.cause?.kind;
    if (kind === 'DatabaseNotReachable' || kind === 'ConnectionClosed' || kind === 'SocketTimeout') return true;
  }
  return false;
}

// Text PostgreSQL cannot hold (a NUL byte, a character outside the encoding): the client sent
// it, so it is the client's error, whichever query met it first.
const UNSTORABLE_TEXT_CODES = new Set(['22021', '22P05']);

function databaseCodeOf(err: unknown): string | undefined {
  for (let e = err as { code?: string; cause?: unknown; meta?: { driverAdapterError?: { cause?: { originalCode?: string } } } } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    const code = e.meta?.driverAdapterError?.cause?.originalCode ?? e.code;
    if (code && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

export const notFoundRoute: RequestHandler = (req, _res, next) => {
  next(new AppError(404, 'ROUTE_NOT_FOUND', 'Not found', `No route for ${req.method} ${req.path}`));
};

/** The one place where failures become HTTP answers. Internals never reach the client. */
export function problemHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    let problem: AppError;
    if (err instanceof AppError) problem = err;
    else if (err?.type === 'entity.parse.failed') problem = new AppError(400, 'MALFORMED_BODY', 'Malformed request body', 'The body is not valid JSON');
    else if (err?.type === 'entity.too.large') problem = new AppError(413, 'BODY_TOO_LARGE', 'Request body too large', `The body exceeds ${err.limit} bytes`);
    else if (err?.type === 'encoding.unsupported' || err?.type === 'charset.unsupported') problem = new AppError(415, 'UNSUPPORTED_ENCODING', 'Unsupported body encoding');
    else if (typeof err?.status === 'number' && err.status >= 400 && err.status < 500 && err.expose) problem = new AppError(err.status, 'BAD_REQUEST', 'Bad request', String(err.message));
    else if (UNSTORABLE_TEXT_CODES.has(databaseCodeOf(err) ?? '')) problem = new AppError(400, 'UNSTORABLE_TEXT', 'Invalid request', 'The request contains characters that cannot be stored, such as a NUL byte');
    else if (isDatabaseUnavailable(err)) {
      (req.log ?? logger).warn({ err: { message: err?.message, code: err?.code } }, 'database unavailable');
      problem = new ServiceUnavailable();
    } else {
      (req.log ?? logger).error({ err }, 'unhandled error');
      problem = new AppError(500, 'INTERNAL_ERROR', 'Internal server error', 'An unexpected error occurred; it has been logged');
    }
    // Every 503 is temporary by definition: tell the client when to come back, whoever threw it.
    if (problem.status === 503) res.setHeader('Retry-After', '2');
    sendProblem(res, problem, req.originalUrl);
  };
}
