import { tokenFor, uniqueId, useTestShop, type TestApp } from '../helpers/test-app.js';

const env = { RATE_LIMIT_WRITES_PER_WINDOW: '4', RATE_LIMIT_WINDOW_SECONDS: '60' };
const first = useTestShop({ env });
let second: TestApp;
beforeAll(async () => {
  second = await first.another(env); // a second instance on the same database
});

const write = (shop: TestApp, token: string) => shop.request.post('/api/cart/items').set('Authorization', `Bearer ${token}`).send({});

describe('rate limit on write routes', () => {
  test('when a caller exceeds the limit across two instances, then 429 problem+json with RateLimit headers', async () => {
    const token = await tokenFor(uniqueId('user'));
    for (const shop of [first, second, first, second]) {
      const res = await write(shop, token);
      expect(res.status).not.toBe(429);
      expect(res.headers['ratelimit']).toMatch(/^"4-in-1min"; r=\d+; t=\d+$/);
    }

    const limited = await write(second, token);

    expect(limited.status).toBe(429);
    expect(limited.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(limited.body.code).toBe('RATE_LIMITED');
    expect(limited.headers['ratelimit-policy']).toMatch(/q=4; w=60/);
    const { rows } = await first.db.pool.query(`SELECT hits FROM rate_limit_hits WHERE key LIKE 'writes:%'`);
    expect(rows).toEqual([{ hits: 5 }]);
  });

  test('when another caller writes, then their own budget applies', async () => {
    const res = await write(first, await tokenFor(uniqueId('user')));
    expect(res.status).not.toBe(429);
  });

  test('when a caller reads, then reads are not limited', async () => {
    const token = await tokenFor(uniqueId('user'));
    for (let i = 0; i < 6; i++) await first.request.get('/api/products').set('Authorization', `Bearer ${token}`).expect(200);
  });
});
