// What stands between a hostile page and a signed-in staff member's browser: the content
// security policy of each route, the panel's embedded state, and the same-origin rule for its
// state-changing requests.
import supertest from 'supertest';
import { uniqueId, useTestShop } from '../helpers/test-app.js';
import { adminApi, createStaff, signedInAgent, STAFF_PASSWORD } from '../helpers/admin-fixtures.js';

const PUBLIC_BASE_URL = 'https://shop.example';

const shop = useTestShop({ adminPanel: true, env: { PUBLIC_BASE_URL } });

const scriptSources = (policy: string) => /(?:^|;)\s*script-src ([^;]*)/.exec(policy)?.[1].split(' ') ?? [];
const inlineScripts = (html: string) => [...html.matchAll(/<script(?![^>]*\bsrc=)([^>]*)>/g)].map((m) => m[1]);
const productCount = async (sku: string) => (await shop.db.pool.query(`SELECT count(*)::int AS n FROM product_variants WHERE sku = $1`, [sku])).rows[0].n;
const sessionCount = async () => (await shop.db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM admin_sessions`)).rows[0].n;
const productForm = () => {
  const sku = uniqueId('CSRF').toUpperCase();
  return { sku, slug: sku.toLowerCase().replace(/_/g, '-'), title: 'Forged', priceMinor: '100', stock: '1', currency: 'USD', active: 'true' };
};

describe('Content-Security-Policy', () => {
  test.each(['/api/products', '/docs/', '/openapi.json', '/healthz'])(
    'when %s is fetched, then its CSP allows scripts from the app only, none inline',
    async (path) => {
      const res = await supertest(shop.app).get(path);

      expect(res.status).toBeLessThan(400);
      expect(scriptSources(res.headers['content-security-policy'])).toEqual(["'self'"]);
    },
  );

  test('when /docs is fetched, then swagger-ui needs no inline script', async () => {
    const res = await supertest(shop.app).get('/docs/').expect(200);

    expect(res.text).toContain('swagger-ui-init.js');
    expect(inlineScripts(res.text)).toEqual([]);
  });

  test.each(['/admin/login', '/admin'])(
    'when the panel page %s is served, then its own inline scripts carry a fresh nonce that the CSP names, and nothing else is allowed inline',
    async (path) => {
      const staff = await createStaff(shop.db.pool);
      const agent = await signedInAgent(shop, staff.email);

      const first = await agent.get(path).expect(200);
      const second = await agent.get(path).expect(200);

      const sources = scriptSources(first.headers['content-security-policy']);
      expect(sources).not.toContain("'unsafe-inline'");
      const nonce = /^'nonce-([A-Za-z0-9+/=]+)'$/.exec(sources.find((s) => s.startsWith("'nonce-")) ?? '')?.[1];
      expect(nonce).toBeDefined();
      expect(inlineScripts(first.text).length).toBeGreaterThan(0);
      expect(inlineScripts(first.text).every((attributes) => attributes === ` nonce="${nonce}"`)).toBe(true);
      expect(second.headers['content-security-policy']).not.toContain(nonce);
      // under no-referrer a browser would send the panel's own posts with Origin: null
      expect(first.headers['referrer-policy']).toBe('same-origin');
    },
  );
});

describe('state embedded in the panel page', () => {
  test('when a staff member is named like a script, then the page embeds the name as data: no element ends early, and the state reads back the same', async () => {
    const name = '</script><script>alert(1)</script> & <!-- \u2028\u2029';
    const staff = await createStaff(shop.db.pool);
    await shop.db.pool.query(`UPDATE users SET name = $2 WHERE id = $1`, [staff.id, name]);
    const agent = await signedInAgent(shop, staff.email);

    const res = await agent.get('/admin').expect(200);

    expect(res.text).not.toContain('<script>alert(1)');
    expect(res.text).not.toMatch(/[\u2028\u2029]/);
    const state = /window\.REDUX_STATE = ([^\n]*);\n/.exec(res.text)?.[1];
    expect(state).not.toMatch(/[<>&]/);
    expect(JSON.parse(state!).session).toMatchObject({ email: staff.email, title: name });
    expect((await shop.db.pool.query(`SELECT name FROM users WHERE id = $1`, [staff.id])).rows[0].name).toBe(name);
  });
});

describe('state-changing panel requests from another origin', () => {
  let agent: ReturnType<typeof supertest.agent>;
  beforeAll(async () => {
    agent = await signedInAgent(shop, (await createStaff(shop.db.pool)).email);
  });

  test.each([
    ['a sibling subdomain', { Origin: 'https://evil.shop.example' }],
    ['another scheme', { Origin: 'http://shop.example' }],
    ['an opaque origin', { Origin: 'null' }],
    ['a foreign Referer and no Origin', { Referer: 'https://evil.shop.example/page' }],
    ['an unreadable Referer and no Origin', { Referer: 'not a url' }],
  ])('when a signed-in staff member posts from %s, then 403 problem+json and nothing is created', async (_case, headers) => {
    const form = productForm();

    const res = await agent.post(adminApi.resourceAction('Product', 'new')).set(headers).type('form').send(form);

    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'FORBIDDEN', detail: expect.stringContaining('Cross-origin request refused') });
    expect(await productCount(form.sku)).toBe(0);
  });

  test('when a foreign page posts a sign-in form, then 403 and no session is made', async () => {
    const staff = await createStaff(shop.db.pool);
    const before = await sessionCount();

    const res = await supertest(shop.app)
      .post('/admin/login')
      .set('Origin', 'https://evil.example')
      .type('form')
      .send({ email: staff.email, password: STAFF_PASSWORD });

    expect(res.status).toBe(403);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(await sessionCount()).toBe(before);
  });

  test.each([
    ['an Origin of PUBLIC_BASE_URL', { Origin: PUBLIC_BASE_URL }],
    ['an Origin of the address the browser used (Host)', { Host: 'panel.test:8080', Origin: 'http://panel.test:8080' }],
    ['a Referer of a panel page and no Origin', { Referer: `${PUBLIC_BASE_URL}/admin/resources/Product/actions/new` }],
    // Browsers send Origin with every POST: a request with neither header is no page's doing (curl, a script).
    ['neither Origin nor Referer', {}],
  ])('when a signed-in staff member posts with %s, then the product is created', async (_case, headers) => {
    const form = productForm();

    const res = await agent.post(adminApi.resourceAction('Product', 'new')).set(headers).type('form').send(form).expect(200);

    expect(res.body.notice).toMatchObject({ type: 'success' });
    expect(await productCount(form.sku)).toBe(1);
  });

  test('when a foreign page sends a GET, then it is answered: only state-changing methods are refused', async () => {
    const res = await agent.get(adminApi.list('Product')).set('Origin', 'https://evil.example');

    expect(res.status).toBe(200);
    expect(res.body.records).toEqual(expect.any(Array));
  });
});
