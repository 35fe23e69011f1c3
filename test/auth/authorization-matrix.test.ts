import { tokenFor, uniqueId, useTestShop } from '../helpers/test-app.js';
import { openapi } from '../helpers/contract.js';

// Routes anyone may call, and say so with `security: []` (or, when a session changes the answer
// but is not needed, `[{}, { clerkSession: [] }]`). Every other route declares
// `clerkSession` (any signed-in user) or `staffSession` (staff). A route added without a
// declaration fails here, and a guard that does not match its declaration fails below.
const PUBLIC = new Set([
  'GET /healthz',
  'GET /readyz',
  'GET /openapi.json',
  'GET /api/products',
  'GET /api/products/{idOrSlug}',
  'GET /api/categories',
  'GET /api/categories/{slug}',
  'GET /api/payments/providers',
  'GET /api/shipping-options', // priced for the caller's cart when signed in
  // a guest's cart by its X-Cart-Token, or the customer's when signed in
  'GET /api/cart',
  'DELETE /api/cart',
  'POST /api/cart/items',
  'PATCH /api/cart/items/{variantId}',
  'DELETE /api/cart/items/{variantId}',
  'GET /mock-gateway/{paymentId}',
  'GET /payment-result',
  'POST /api/payments/mock/callback',
  'POST /api/payments/stripe/webhook',
  'POST /api/payments/sslcommerz/ipn',
  'POST /api/payments/sslcommerz/return/{outcome}',
  'GET /media/{key}/{size}', // product images: public, content-addressed
]);

type Operation = { security?: Record<string, string[]>[] };
type Access = 'public' | 'customer' | 'staff';
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

const operations = Object.entries(openapi.paths).flatMap(([path, item]) =>
  Object.entries(item as Record<string, Operation>)
    .filter(([method]) => METHODS.includes(method))
    .map(([method, op]) => {
      const schemes = new Set(op.security?.flatMap((s) => Object.keys(s)));
      const sessionOptional = op.security?.some((s) => Object.keys(s).length === 0);
      const access: Access | undefined = !op.security
        ? undefined
        : sessionOptional
          ? 'public'
          : schemes.has('staffSession')
            ? 'staff'
            : schemes.has('clerkSession')
              ? 'customer'
              : 'public';
      return { route: `${method.toUpperCase()} ${path}`, method, path, access };
    }),
);

const tokens: Record<string, string | undefined> = {};

const shop = useTestShop();
beforeAll(async () => {
  tokens.anonymous = undefined;
  tokens.customerA = await tokenFor(uniqueId('a'));
  tokens.customerB = await tokenFor(uniqueId('b'));
  tokens.admin = await tokenFor(uniqueId('staff'), { role: 'admin' });
});

function expectedFor(access: Access, caller: string): 'allowed' | 401 | 403 {
  if (access === 'public') return 'allowed';
  if (caller === 'anonymous') return 401;
  if (access === 'staff' && caller !== 'admin') return 403;
  return 'allowed';
}

describe('authorization matrix over every route in the contract', () => {
  test('when a route is in the contract, then it declares who may call it (`security: []` for anyone)', () => {
    expect(operations.filter((o) => !o.access).map((o) => o.route)).toEqual([]);
  });

  test('when a route is not on the public list, then the contract declares a session for it', () => {
    const undeclared = operations.filter((o) => o.access === 'public' && !PUBLIC.has(o.route)).map((o) => o.route);
    expect(undeclared).toEqual([]);
  });

  const cases = operations.flatMap((op) => ['anonymous', 'customerA', 'customerB', 'admin'].map((caller) => [op.route, caller, op] as const));

  test.each(cases)('%s as %s', async (_route, caller, op) => {
    const url = op.path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000');
    const token = tokens[caller];
    let req = (shop.request as unknown as Record<string, (u: string) => import('supertest').Test>)[op.method](url).set('Accept', 'application/json');
    if (token) req = req.set('Authorization', `Bearer ${token}`);
    if (op.method !== 'get' && op.method !== 'delete') req = req.send({});

    const res = await req;

    const expected = expectedFor(op.access ?? 'public', caller);
    if (expected === 'allowed') expect([401, 403]).not.toContain(res.status);
    else expect(res.status).toBe(expected);
  });
});
