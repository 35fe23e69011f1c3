// Property-based: random and hostile bodies, query strings, headers and content types thrown
// at every route in the contract. No 5xx, every refusal a problem+json, the database unchanged.
import fc from 'fast-check';
import supertest from 'supertest';
import { tokenFor, uniqueId, useTestShop } from '../helpers/test-app.js';
import { openapi } from '../helpers/contract.js';
import { seedDemoCatalog } from '../../prisma/demo-catalog.js';
import { reportCounts } from './report.js';
import { createProductWithVariants } from '../helpers/fixtures.js';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
// Not fuzzed for "unchanged": these routes exist to change state when the input is right,
// and random input is never right (signatures, HMACs); they are still checked for no 5xx.
const routes = Object.entries(openapi.paths).flatMap(([path, item]) =>
  Object.keys(item as object)
    .filter((m) => METHODS.includes(m))
    .map((method) => ({ method, path })),
);

let api: ReturnType<typeof supertest>;
let callers: (string | undefined)[];
let productIds: string[];
let variantIds: string[];

const shop = useTestShop({ env: { RATE_LIMIT_WRITES_PER_WINDOW: '1000000' } });
beforeAll(async () => {
  api = supertest(await shop.listen()); // the real HTTP server, so parser-level refusals are covered too
  await seedDemoCatalog(shop.db.prisma);
  await createProductWithVariants(shop.db.pool, {
    options: [
      { name: 'Size', values: ['S', 'M'] },
      { name: 'Colour', values: ['Red', 'Blue'] },
    ],
  });
  productIds = (await shop.db.pool.query('SELECT id FROM products ORDER BY id')).rows.map((r) => r.id);
  variantIds = (await shop.db.pool.query('SELECT id FROM product_variants ORDER BY id')).rows.map((r) => r.id);
  callers = [undefined, await tokenFor(uniqueId('fuzz')), await tokenFor(uniqueId('fuzz')), await tokenFor(uniqueId('staff'), { role: 'admin' })];
});

/** Everything a request could have changed, users and rate-limit counters aside. */
async function fingerprint() {
  const { rows } = await shop.db.pool.query(`
    SELECT (SELECT count(*) FROM orders) AS orders, (SELECT count(*) FROM order_items) AS order_items,
           (SELECT count(*) FROM cart_items) AS cart_items, (SELECT count(*) FROM payments) AS payments,
           (SELECT count(*) FROM payment_events) AS events, (SELECT count(*) FROM idempotency_keys) AS keys,
           (SELECT md5(string_agg(concat_ws(':', id, active, price_min_minor, price_max_minor, variant_skus, updated_at), ',' ORDER BY id)) FROM products) AS products,
           (SELECT md5(string_agg(concat_ws(':', id, sku, option_values, stock, price_minor, active, updated_at), ',' ORDER BY id)) FROM product_variants) AS variants,
           (SELECT md5(string_agg(concat_ws(':', id, name, position, values), ',' ORDER BY id)) FROM product_options) AS options,
           (SELECT md5(coalesce(string_agg(id || ':' || status, ',' ORDER BY id), '')) FROM orders) AS statuses`);
  return rows[0];
}

const hostileString = fc.oneof(
  fc.string(),
  fc.constantFrom(
    "' OR 1=1 --",
    '"; DROP TABLE products; --',
    '../../etc/passwd',
    '<script>alert(1)</script>',
    '\u0000',
    '%00',
    '{{7*7}}',
    '${jndi:ldap://x}',
    'NaN',
    '-1',
    '1e309',
    '0x10',
    '00000000-0000-0000-0000-000000000000',
  ),
  fc.uuid(),
  fc.string({ minLength: 1000, maxLength: 5000 }),
);
const hostileValue = fc.oneof(
  hostileString,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(Number.MAX_SAFE_INTEGER, -0, 1.5, 1e21, -2147483649),
);
const hostileBody = fc.oneof(
  fc.jsonValue(),
  fc.dictionary(
    fc.constantFrom('variantId', 'productId', 'quantity', 'provider', 'carrier', 'trackingNumber', 'reason', 'email', 'password', '__proto__', 'constructor'),
    hostileValue,
  ),
  fc.record({ productId: fc.oneof(hostileString, fc.constant('PRODUCT')), quantity: hostileValue }),
  fc.record({ variantId: fc.oneof(hostileString, fc.constant('VARIANT')), quantity: hostileValue }),
);
// A cursor is base64url JSON that the server wrote: forged ones (any date JavaScript can hold,
// numbers, text, ids) must be refused before they reach SQL.
const cursorField = fc.oneof(
  hostileValue,
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom('1 2', '+275760-09-13T00:00:00.000Z', '2025-02-30T00:00:00.000Z', 2 ** 31, 'a\u0000'),
);
const encoded = (fields: unknown[]) => Buffer.from(JSON.stringify(fields)).toString('base64url');
// Only the cursor is forged, so the rest of the query passes and the cursor reaches the listing.
const tamperedCursorQuery = fc.oneof(
  fc
    .tuple(fc.constantFrom('newest', 'price_asc', 'price_desc', 'title'), cursorField, fc.uuid())
    .map(([sort, key, id]) => ({ sort, cursor: encoded([sort, key, id]) })),
  fc.tuple(cursorField, fc.oneof(fc.uuid(), hostileString)).map((fields) => ({ cursor: encoded(fields) })), // an order listing's shape
  fc.array(cursorField, { maxLength: 4 }).map((fields) => ({ cursor: encoded(fields) })),
);
const contentType = fc.constantFrom(
  'application/json',
  'application/x-www-form-urlencoded',
  'text/plain',
  'application/xml',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-16',
  '',
);
const request = fc.record({
  route: fc.constantFrom(...routes),
  // REAL: a real id of what the path names (a variant for {variantId}, else a product)
  param: fc.oneof(hostileString, fc.constant('REAL')),
  query: fc.oneof(
    fc.dictionary(
      fc.constantFrom('limit', 'cursor', 'q', 'category', 'sort', 'minPrice', 'maxPrice', 'inStock', 'status', 'from', 'to', 'customer'),
      hostileString,
    ),
    tamperedCursorQuery,
  ),
  body: hostileBody,
  rawBody: fc.option(fc.string({ maxLength: 200 })),
  contentType,
  caller: fc.nat({ max: 3 }),
  header: fc.record({
    name: fc.constantFrom('Idempotency-Key', 'If-None-Match', 'X-Request-Id', 'Stripe-Signature', 'Accept'),
    value: hostileString.filter((s) => /^[\t\x20-\x7e]*$/.test(s)),
  }),
});

describe('hostile input at every route', () => {
  test('when random and hostile requests arrive, then no 5xx, every refusal is problem+json, and nothing changes', async () => {
    const before = await fingerprint();
    let tried = 0;
    const statuses: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const product = productIds[tried % productIds.length];
        const variant = variantIds[tried % variantIds.length];
        const url = r.route.path.replace(/\{([^}]+)\}/g, (_, name: string) =>
          encodeURIComponent(r.param !== 'REAL' ? r.param : name === 'variantId' ? variant : product),
        );
        let req = (api as unknown as Record<string, (u: string) => import('supertest').Test>)[r.route.method](url).query(r.query);
        const token = callers[r.caller];
        if (token) req = req.set('Authorization', `Bearer ${token}`);
        req = req.set(r.header.name, r.header.value);
        if (r.route.method !== 'get') {
          if (r.contentType) req = req.set('Content-Type', r.contentType);
          const real = r.body && typeof r.body === 'object' && !Array.isArray(r.body) ? { ...r.body } : r.body;
          if (real && typeof real === 'object' && !Array.isArray(real)) {
            if ('productId' in real && real.productId === 'PRODUCT') real.productId = product;
            if ('variantId' in real && real.variantId === 'VARIANT') real.variantId = variant;
          }
          req = req.send(r.rawBody ?? JSON.stringify(real));
        }
        const res = await req.ok(() => true);
        tried++;
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        expect(res.status).toBeLessThan(500);
        if (res.status >= 400) expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 1500), endOnFailure: true, seed: process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined },
    );
    // Writes that random input could make valid (a cart add of a real variant or product) are undone first.
    await shop.db.pool.query('DELETE FROM cart_items');
    expect(await fingerprint()).toEqual(before);
    reportCounts('hostile input', { inputsTried: tried, routes: routes.length, statuses: JSON.stringify(statuses) });
  });
});
