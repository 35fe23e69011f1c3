// A purchase as a storefront makes it: a client generated from the contract (openapi-typescript
// types, openapi-fetch), nothing else known about the server. storefront-client.test.ts
// compiles this file alone with `tsc --strict` against freshly generated types, then runs it
// against the real app: a contract change that would break storefronts fails the suite.
import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './generated/shop-api.js';

type Schemas = components['schemas'];
export type StoryResult = {
  /** the product with options the buyer chose a variant of, as its page showed it */
  product: Schemas['Product'];
  variant: Schemas['ProductVariant'];
  quantity: number;
  /** the product without options that an old storefront (before variants) added by its id */
  plainProduct: Schemas['ProductSummary'];
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
export async function buyVariant(
  baseUrl: string,
  { token, payAtGateway }: Buyer,
  { quantity = 2, observe }: { quantity?: number; observe?: Middleware } = {},
): Promise<StoryResult> {
  const catalog = createClient<paths>({ baseUrl });
  const account = createClient<paths>({ baseUrl });
  account.use(bearer(token));
  if (observe) for (const client of [catalog, account]) client.use(observe);

  // Browse: the cheapest products; one with options, then its page, where the buyer picks a variant.
  const page = must('list products', await catalog.GET('/api/products', { params: { query: { limit: 5, sort: 'price_asc' } } }));
  const listed = page.items.find((p) => p.options.length > 0 && p.variants.some((v) => v.inStock));
  if (!listed) throw new Error('list products: no product with options in stock');
  const detail = await catalog.GET('/api/products/{idOrSlug}', { params: { path: { idOrSlug: listed.slug } } });
  const product = must('product detail', detail);
  if (product.id !== listed.id) throw new Error('product detail: another product');
  // The grid shows the main image at card size with its alt; the page shows the images in order, the main one first.
  if (listed.mainImage && product.images[0]?.urls.card !== listed.mainImage.urls.card) throw new Error('product detail: the main image is not the first');
  if (product.images.some((image, at) => image.main !== (at === 0))) throw new Error('product detail: only the first image is main');
  // Coming back to the page: the storefront's copy is still current (fetch adds no-cache here).
  const etag = detail.response.headers.get('ETag') ?? '';
  const again = await catalog.GET('/api/products/{idOrSlug}', { params: { path: { idOrSlug: listed.slug }, header: { 'If-None-Match': etag } } });
  if (again.response.status !== 304) throw new Error(`product detail revalidated: ${again.response.status}, not 304`);
  // The buyer picks option values; the storefront offers only combinations with enough stock, and they take the first.
  const variant = product.variants.find((v) => v.stock >= quantity);
  if (!variant) throw new Error(`product detail: no variant with ${quantity} in stock`);
  if (!listed.variants.some((v) => v.id === variant.id && v.inStock)) throw new Error('list products: the variant is not listed in stock');

  // Cart: add the variant by its id, one at first, then change the line to the quantity wanted.
  must('add to cart', await account.POST('/api/cart/items', { body: { variantId: variant.id, quantity: 1 } }));
  must('change quantity', await account.PATCH('/api/cart/items/{variantId}', { params: { path: { variantId: variant.id } }, body: { quantity } }));

  // An old storefront, built before variants, adds a product without options by the product's id.
  const plainProduct = page.items.find((p) => p.options.length === 0 && p.variants.length === 1 && p.inStock);
  if (!plainProduct) throw new Error('list products: no product without options in stock');
  must('add to cart by product id', await account.POST('/api/cart/items', { body: { productId: plainProduct.id, quantity: 1 } }));

  // Read it back as the cart page would: a line per variant, titled with its option values.
  const cart = must('read cart', await account.GET('/api/cart'));
  const line = cart.lines.find((l) => l.variantId === variant.id);
  if (
    line?.quantity !== quantity ||
    line.productId !== product.id ||
    line.variantTitle !== variant.title ||
    line.title !== `${product.title} — ${variant.title}`
  )
    throw new Error(`read cart: ${JSON.stringify(cart.lines)}`);
  const plainLine = cart.lines.find((l) => l.productId === plainProduct.id);
  if (
    plainLine?.quantity !== 1 ||
    plainLine.variantId !== plainProduct.variants[0].id ||
    plainLine.variantTitle !== null ||
    plainLine.title !== plainProduct.title
  )
    throw new Error(`read cart: ${JSON.stringify(cart.lines)}`);

  // Delivery: the methods for the address's country, priced for this cart, and the quote.
  const shippingAddress = {
    recipientName: 'Story Buyer',
    phone: '+1 212 555 0188',
    line1: '5 Story Lane',
    city: 'New York',
    region: 'NY',
    postalCode: '10001',
    country: 'US',
  };
  const options = must('shipping options', await account.GET('/api/shipping-options', { params: { query: { country: shippingAddress.country } } }));
  const method = options.items[0];
  if (!method || options.subtotalMinor !== cart.subtotalMinor) throw new Error(`shipping options: ${JSON.stringify(options)}`);
  const delivery = { shippingAddress, shippingMethodId: method.id };
  const quoted = must('quote', await account.POST('/api/checkout/quote', { body: delivery }));
  if (quoted.totalMinor !== cart.subtotalMinor + quoted.shippingMinor + (quoted.taxIncluded ? 0 : quoted.taxMinor))
    throw new Error(`quote: ${JSON.stringify(quoted)}`);

  // Checkout, with the total the buyer was shown; a retried request with the same key is the same order.
  const idempotencyKey = crypto.randomUUID();
  const placeOrder = () =>
    account.POST('/api/checkout', { params: { header: { 'Idempotency-Key': idempotencyKey } }, body: { ...delivery, expectedTotalMinor: quoted.totalMinor } });
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
  void (() => account.POST('/api/cart/items', { body: { variantId: variant.id, quantity: '2' } }));
  // @ts-expect-error a line is named by its variant id, and a cart add by one id
  void (() => account.POST('/api/cart/items', { body: { quantity: 2 } }));
  // @ts-expect-error an order's status is one of its enum
  void ((status: Schemas['Order']['status']) => status === 'PAYED');

  return { product, variant, quantity, plainProduct, idempotencyKey, order: paid, payment, returnUrl: location };
}
