// autocannon setupRequest for POST /api/cart/items (worker threads take functions as files).
// Each request adds one unit of a random product for a random bench customer, so the load
// spreads over many carts and lines as a shop's does. The fixture file is written by
// catalog-cart.ts: [{ clerkUserId, token }] customers and product ids.
const { readFileSync } = require('node:fs');

const { customers, productIds } = JSON.parse(readFileSync(process.env.BENCH_CART_FIXTURE, 'utf8'));
const pick = (list) => list[Math.floor(Math.random() * list.length)];

module.exports = function cartAddRequest(request) {
  const customer = pick(customers);
  request.headers = { ...request.headers, authorization: `Bearer ${customer.token}`, 'x-bench-user': customer.clerkUserId };
  request.body = JSON.stringify({ productId: pick(productIds), quantity: 1 });
  return request;
};
