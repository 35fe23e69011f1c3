// A purchase as a storefront makes it: a client generated from the contract (openapi-typescript
// types, openapi-fetch), nothing else known about the server. storefront-client.test.ts
// compiles this file alone with `tsc --strict` against freshly generated types, then runs it
// against the real app: a contract change that would break storefronts fails the suite.
import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './generated/shop-api.js';

type Schemas = components['schemas'];
export type StoryResult = {
  product: Schemas['Product'];
  quantity: number;
  idempotencyKey: string;
  order: Schemas['Order'];
  payment: Schemas['Payment'];
  /** where the gateway sent the buyer's browser back to */
  returnUrl: string;
};

/** openapi-fetch answers `{ data }` or `{ error }`; a story step wants the data or a clear failure. */
function must<T>(step: string, answer: { data?: T; error?: unknown; response: Response }): T {
  if (answer.data === undefined) throw new Error(`${step}: ${answer.response.status} ${JSON.stringify(answer.error)}`);
  return answer.data;
}

/** The buyer's Clerk session token on every call of the signed-in client. */
const bearer = (token: string): Middleware => ({
  onRequest({ request }) {
    request.headers.set('Authorization', `Bearer ${token}`);
    return request;
  },
});

export type Buyer = {
  /** the buyer's Clerk session token */
  token: string;
  /** what the buyer does in the browser at the gateway's page: returns the URL it sends them back to */
  payAtGateway(redirectUrl: string): Promise<string>;
};

/** `observe` sees every call of both clients (the test checks each answer against the contract). */
export async function buyOneProduct(
  baseUrl: string,
  { token, payAtGateway }: Buyer,
  { quantity = 2, observe }: { quantity?: number; observe?: Middleware } = {},
): Promise<StoryResult> {
  const catalog = createClient<paths>({ baseUrl });
  const account = createClient<paths>({ baseUrl });
  account.use(bearer(token));
  if (observe) for (const client of [catalog, account]) client.use(observe);

  // Browse: the cheapest products, then one product's page.
  const page = must('list products', await catalog.GET('/api/products', { params: { query: { limit: 5, sort: 'price_asc' } } }));
  const listed = page.items.find((p) => p.inStock && p.stock >= quantity);
  if (!listed) throw new Error('list products: nothing in stock');
  const detail = await catalog.GET('/api/products/{idOrSlug}', { params: { path: { idOrSlug: listed.slug } } });
  const product = must('product detail', detail);
  if (product.id !== listed.id) throw new Error('product detail: another product');
  // Coming back to the page: the storefront's copy is still current (fetch adds no-cache here).
  const etag = detail.response.headers.get('ETag') ?? '';
  const again = await catalog.GET('/api/products/{idOrSlug}', { params: { path: { idOrSlug: listed.slug }, header: { 'If-None-Match': etag } } });
  if (again.response.status !== 304) throw new Error(`product detail revalidated: ${again.response.status}, not 304`);

  // Cart: add, then read it back as the cart page would.
  must('add to cart', await account.POST('/api/cart/items', { body: { productId: product.id, quantity } }));
  const cart = must('read cart', await account.GET('/api/cart'));
  const line = cart.lines.find((l) => l.productId === product.id);
  if (line?.quantity !== quantity) throw new Error(`read cart: ${JSON.stringify(cart.lines)}`);

  // Checkout, with the total the buyer was shown; a retried request with the same key is the same order.
  const idempotencyKey = crypto.randomUUID();
  const placeOrder = () =>
    account.POST('/api/checkout', { params: { header: { 'Idempotency-Key': idempotencyKey } }, body: { expectedTotalMinor: cart.subtotalMinor } });
  const order = must('checkout', await placeOrder());
  const retried = await placeOrder();
  if (must('checkout retried', retried).id !== order.id || retried.response.headers.get('Idempotent-Replayed') !== 'true')
    throw new Error('checkout retried: not the same order');

  // Pay: start a mock payment, send the buyer to its page, where they press Pay.
  const started = must('start payment', await account.POST('/api/orders/{id}/payments', { params: { path: { id: order.id } }, body: { provider: 'mock' } }));
  if (!started.redirectUrl) throw new Error('start payment: no redirectUrl');
  const location = await payAtGateway(started.redirectUrl);

  // Back on the storefront: the return URL names the payment, which the storefront reads.
  const paymentId = new URL(location).searchParams.get('paymentId') ?? '';
  const payment = must('read payment', await account.GET('/api/payments/{id}', { params: { path: { id: paymentId } } }));
  const paid = must('read order', await account.GET('/api/orders/{id}', { params: { path: { id: order.id } } }));
  // One spelling of a provider: the payment's and the order's payments[] compare as they are.
  if (!paid.payments.some((p) => p.id === payment.id && p.provider === payment.provider)) throw new Error('read order: the payment is not among its payments');

  // The generated types are strict: each of these would compile if the contract went loose.
  // @ts-expect-error providers are spelled in lowercase
  void (() => account.POST('/api/orders/{id}/payments', { params: { path: { id: order.id } }, body: { provider: 'MOCK' } }));
  // @ts-expect-error a quantity is a number
  void (() => account.POST('/api/cart/items', { body: { productId: product.id, quantity: '2' } }));
  // @ts-expect-error an order's status is one of its enum
  void ((status: Schemas['Order']['status']) => status === 'PAYED');

  return { product, quantity, idempotencyKey, order: paid, payment, returnUrl: location };
}
