import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';

export type ProblemExtras = Record<string, unknown>;

/**
 * Every code a problem answer can carry, with its HTTP status. The one list: the contract's
 * `Problem.code` enum must equal it (test/problem-codes.test.ts), and each operation
 * lists the codes it can answer, so a new code fails the tests until the contract declares it.
 */
export const PROBLEM_CODES = {
  BAD_REQUEST: 400,
  MALFORMED_BODY: 400,
  VALIDATION_FAILED: 400,
  UNSTORABLE_TEXT: 400,
  INVALID_SIGNATURE: 400,
  CART_TOKEN_INVALID: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  CUSTOMER_BLOCKED: 403,
  NOT_FOUND: 404,
  ROUTE_NOT_FOUND: 404,
  CART_TOKEN_UNKNOWN: 404,
  REQUEST_TIMEOUT: 408,
  INSUFFICIENT_STOCK: 409,
  PRODUCT_INACTIVE: 409,
  VARIANT_INACTIVE: 409,
  CART_CHANGED: 409,
  ILLEGAL_TRANSITION: 409,
  ORDER_NOT_PAYABLE: 409,
  NOT_REFUNDABLE: 409,
  REFUND_EXCEEDS_REMAINING: 409,
  DISCOUNT_EXHAUSTED: 409,
  DISCOUNT_ALREADY_USED: 409,
  DISCOUNT_CODE_TAKEN: 409,
  STOCK_BELOW_ZERO: 409,
  IMPORT_NOT_CHECKED: 409,
  BODY_TOO_LARGE: 413,
  UNSUPPORTED_ENCODING: 415,
  UNSUPPORTED_MEDIA_TYPE: 415,
  LINE_LIMIT_EXCEEDED: 422,
  VARIANT_REQUIRED: 422,
  ADDRESS_BOOK_FULL: 422,
  SHIPPING_ADDRESS_REQUIRED: 422,
  SHIPPING_METHOD_REQUIRED: 422,
  SHIPPING_METHOD_UNAVAILABLE: 422,
  COD_NOT_AVAILABLE: 422,
  CART_EMPTY: 422,
  CART_FULL: 422,
  IDEMPOTENCY_KEY_REUSED: 422,
  PROVIDER_NOT_ENABLED: 422,
  PAYMENT_NOT_VERIFIED: 422,
  PAYMENT_MISMATCH: 422,
  REFUND_LINE_UNKNOWN: 422,
  REFUND_QUANTITY_EXCEEDED: 422,
  WEBHOOK_URL_INVALID: 422,
  WEBHOOK_URL_HAS_CREDENTIALS: 422,
  WEBHOOK_URL_PRIVATE: 422,
  WEBHOOK_URL_UNRESOLVABLE: 422,
  WEBHOOK_EVENT_UNKNOWN: 422,
  DISCOUNT_CODE_UNKNOWN: 422,
  DISCOUNT_INACTIVE: 422,
  DISCOUNT_NOT_STARTED: 422,
  DISCOUNT_ENDED: 422,
  DISCOUNT_MINIMUM_NOT_REACHED: 422,
  DISCOUNT_NOT_APPLICABLE: 422,
  IMPORT_NOT_CSV: 422,
  IMPORT_HEADER_INVALID: 422,
  IMPORT_NO_ROWS: 422,
  RATE_LIMITED: 429,
  HEADERS_TOO_LARGE: 431,
  INTERNAL_ERROR: 500,
  GATEWAY_ERROR: 502,
  SERVICE_UNAVAILABLE: 503,
} as const satisfies Record<string, number>;

export type ProblemCode = keyof typeof PROBLEM_CODES;
type CodeOfStatus<S extends number> = { [C in ProblemCode]: (typeof PROBLEM_CODES)[C] extends S ? C : never }[ProblemCode];

/** A failure the client can act on: mapped to an RFC 9457 problem+json answer with a stable code (whose status it takes). */
export class AppError extends Error {
  readonly status: number;

  constructor(
    readonly code: ProblemCode,
    readonly title: string,
    readonly detail?: string,
    readonly extras: ProblemExtras = {},
  ) {
    super(detail ?? title);
    this.status = PROBLEM_CODES[code];
  }
}

export class NotFound extends AppError {
  constructor(what: string) {
    super('NOT_FOUND', 'Not found', `${what} was not found`);
  }
}

export class Unauthenticated extends AppError {
  constructor(detail = 'A valid session token is required') {
    super('UNAUTHENTICATED', 'Authentication required', detail);
  }
}

export class Forbidden extends AppError {
  constructor(detail = 'This action needs the staff role') {
    super('FORBIDDEN', 'Forbidden', detail);
  }
}

export type FieldError = { path: string; message: string };

export class ValidationFailed extends AppError {
  constructor(errors: FieldError[]) {
    super('VALIDATION_FAILED', 'Invalid request', errors.map((e) => `${e.path || '(root)'}: ${e.message}`).join('; '), { errors });
  }
}

export class Conflict extends AppError {
  constructor(code: CodeOfStatus<409>, detail: string, extras: ProblemExtras = {}) {
    super(code, 'Conflict', detail, extras);
  }
}

export class Unprocessable extends AppError {
  constructor(code: CodeOfStatus<422>, detail: string, extras: ProblemExtras = {}) {
    super(code, 'Unprocessable request', detail, extras);
  }
}

export class ServiceUnavailable extends AppError {
  constructor(detail = 'The database is unreachable; try again shortly') {
    super('SERVICE_UNAVAILABLE', 'Service unavailable', detail);
  }
}

export class BadGateway extends AppError {
  constructor(detail: string) {
    super('GATEWAY_ERROR', 'Payment gateway error', detail);
  }
}

const PROBLEM_TYPE_BASE = 'https://shop.example/problems/';

export function sendProblem(res: Parameters<RequestHandler>[1], err: AppError, instance?: string) {
  const body = JSON.stringify({
    type: PROBLEM_TYPE_BASE + err.code.toLowerCase().replaceAll('_', '-'),
    title: err.title,
    status: err.status,
    code: err.code,
    ...(err.detail ? { detail: err.detail } : {}),
    ...(instance ? { instance } : {}),
    ...err.extras,
  });
  // end(), not json(): Express would give the problem an ETag, but a refusal is no
  // representation to cache or revalidate, and the contract declares ETags on successes only.
  res.status(err.status).set('Content-Type', 'application/problem+json; charset=utf-8').end(body);
}

// Connection-level failures (server down, connection killed, pool exhausted): the client
// should retry, so they answer 503 rather than 500.
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08003',
  '08006',
  '53300',
]);
const UNAVAILABLE_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Can't reach database server|Connection is closed/i;

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
  for (
    let e = err as { code?: string; cause?: unknown; meta?: { driverAdapterError?: { cause?: { originalCode?: string } } } } | undefined, depth = 0;
    e && depth < 5;
    e = e.cause as typeof e, depth++
  ) {
    const code = e.meta?.driverAdapterError?.cause?.originalCode ?? e.code;
    if (code && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

export const notFoundRoute: RequestHandler = (req, _res, next) => {
  next(new AppError('ROUTE_NOT_FOUND', 'Not found', `No route for ${req.method} ${req.path}`));
};

/** The one place where failures become HTTP answers. Internals never reach the client. */
export function problemHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    let problem: AppError;
    if (err instanceof AppError) problem = err;
    else if (err?.type === 'entity.parse.failed') problem = new AppError('MALFORMED_BODY', 'Malformed request body', 'The body is not valid JSON');
    else if (err?.type === 'entity.too.large') problem = new AppError('BODY_TOO_LARGE', 'Request body too large', `The body exceeds ${err.limit} bytes`);
    else if (err?.type === 'parameters.too.many') problem = new AppError('BODY_TOO_LARGE', 'Request body too large', 'The form has too many fields');
    else if (err?.type === 'encoding.unsupported' || err?.type === 'charset.unsupported')
      problem = new AppError('UNSUPPORTED_ENCODING', 'Unsupported body encoding');
    // The rest of the parsers' client errors (an aborted or mis-sized body), and the router's
    // 400 for a path parameter that is not valid percent-encoding (which it does not mark exposable).
    else if ((err?.expose && err.status >= 400 && err.status < 500) || err instanceof URIError)
      problem = new AppError('BAD_REQUEST', 'Bad request', err instanceof URIError ? 'The path is not valid percent-encoding' : String(err.message));
    else if (UNSTORABLE_TEXT_CODES.has(databaseCodeOf(err) ?? ''))
      problem = new AppError('UNSTORABLE_TEXT', 'Invalid request', 'The request contains characters that cannot be stored, such as a NUL byte');
    else if (isDatabaseUnavailable(err)) {
      (req.log ?? logger).warn({ err: { message: err?.message, code: err?.code } }, 'database unavailable');
      problem = new ServiceUnavailable();
    } else {
      (req.log ?? logger).error({ err }, 'unhandled error');
      problem = new AppError('INTERNAL_ERROR', 'Internal server error', 'An unexpected error occurred; it has been logged');
    }
    // Every 503 is temporary by definition: tell the client when to come back, whoever threw it.
    if (problem.status === 503) res.setHeader('Retry-After', '2');
    sendProblem(res, problem, req.originalUrl);
  };
}
