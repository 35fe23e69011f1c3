import supertest from 'supertest';
import { tokenFor, uniqueId, useTestShop } from '../helpers/test-app.js';
import { adminApi, createStaff, signedInAgent, STAFF_PASSWORD } from '../helpers/admin-fixtures.js';
import { hashPassword } from '../../src/auth/passwords.js';
import { createUser } from '../helpers/fixtures.js';

const shop = useTestShop({ adminPanel: true });

const sessionCount = async () => (await shop.db.pool.query<{ n: number }>(`SELECT COUNT(*)::int AS n FROM admin_sessions`)).rows[0].n;
const ORDERS = adminApi.list('Order');

describe('POST /admin/login', () => {
  test('when a staff member gives the right password, then a PostgreSQL-backed, httpOnly, SameSite cookie session lets them in', async () => {
    const staff = await createStaff(shop.db.pool);
    const before = await sessionCount();

    const agent = supertest.agent(shop.app);
    const login = await agent.post('/admin/login').type('form').send({ email: staff.email.toUpperCase(), password: STAFF_PASSWORD });

    expect(login.status).toBe(302);
    expect(login.headers.location).toBe('/admin');
    const cookie = String(login.headers['set-cookie']);
    expect(cookie).toMatch(/^shop\.staff=/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\/admin/);
    expect(cookie).not.toMatch(/Secure/); // secure only in production
    expect(await sessionCount()).toBe(before + 1);
    const stored = await shop.db.pool.query(`SELECT sess FROM admin_sessions WHERE sess->'adminUser'->>'id' = $1`, [staff.id]);
    expect(stored.rows[0].sess.adminUser).toMatchObject({ email: staff.email, role: 'ADMIN', via: 'password' });
    const list = await agent.get(ORDERS).expect(200);
    expect(list.body.records).toEqual([]);
  });

  test('when the password is wrong, then the form comes back with an error and no session is made', async () => {
    const staff = await createStaff(shop.db.pool);
    const before = await sessionCount();

    const res = await supertest(shop.app).post('/admin/login').type('form').send({ email: staff.email, password: 'not the password' });

    expect(res.status).toBe(200);
    expect(res.text).toContain('"errorMessage":"invalidCredentials"');
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(await sessionCount()).toBe(before);
  });

  test('when the email is unknown or missing, then the form comes back with an error', async () => {
    const unknown = await supertest(shop.app)
      .post('/admin/login')
      .type('form')
      .send({ email: `${uniqueId('nobody')}@shop.test`, password: STAFF_PASSWORD });
    const missing = await supertest(shop.app).post('/admin/login').type('form').send({});

    expect(unknown.status).toBe(200);
    expect(unknown.text).toContain('"errorMessage":"invalidCredentials"');
    expect(missing.status).toBe(200);
    expect(missing.text).toContain('"errorMessage":"invalidCredentials"');
  });

  test('when a customer has a password hash, then they are still refused (only the ADMIN role gets in)', async () => {
    const customer = await createUser(shop.db.pool);
    await shop.db.pool.query(`UPDATE users SET password_hash = $2 WHERE id = $1`, [customer.id, await hashPassword(STAFF_PASSWORD)]);
    const before = await sessionCount();

    const res = await supertest(shop.app).post('/admin/login').type('form').send({ email: customer.email, password: STAFF_PASSWORD });

    expect(res.status).toBe(200);
    expect(res.text).toContain('"errorMessage":"invalidCredentials"');
    expect(await sessionCount()).toBe(before);
  });
});

describe('guarded panel routes', () => {
  test('when nobody is signed in, then pages and the JSON API redirect to the login page', async () => {
    const page = await supertest(shop.app).get('/admin').expect(302);
    const api = await supertest(shop.app).get(ORDERS).expect(302);
    const action = await supertest(shop.app).post(adminApi.resourceAction('Product', 'new')).type('form').send({ sku: 'X' }).expect(302);

    expect(page.headers.location).toBe('/admin/login');
    expect(api.headers.location).toBe('/admin/login');
    expect(action.headers.location).toBe('/admin/login');
    expect((await shop.db.pool.query(`SELECT 1 FROM product_variants WHERE sku = 'X'`)).rowCount).toBe(0);
  });

  test('when a browser without Clerk cookies loads a page, then it gets the login page, not a redirect to Clerk', async () => {
    const res = await supertest(shop.app).get('/admin').set('Accept', 'text/html').set('Sec-Fetch-Dest', 'document').expect(302);

    expect(res.headers.location).toBe('/admin/login');
  });

  test('when a customer comes with a valid Clerk session, then they are sent to the login page', async () => {
    const token = await tokenFor(uniqueId('user'), { role: 'customer' });

    const page = await supertest(shop.app).get('/admin').set('Authorization', `Bearer ${token}`).expect(302);
    const api = await supertest(shop.app).get(ORDERS).set('Authorization', `Bearer ${token}`).expect(302);

    expect(page.headers.location).toBe('/admin/login');
    expect(api.headers.location).toBe('/admin/login');
  });

  test('when a Clerk session has the admin role, then it is let in without the form and nothing is stored', async () => {
    const clerkUserId = uniqueId('user');
    const token = await tokenFor(clerkUserId, { role: 'admin', email: `${clerkUserId}@shop.test` });
    const before = await sessionCount();

    const res = await supertest(shop.app).get(ORDERS).set('Authorization', `Bearer ${token}`).expect(200);

    expect(res.body.records).toEqual([]);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(await sessionCount()).toBe(before);
    const user = await shop.db.pool.query(`SELECT role FROM users WHERE clerk_user_id = $1`, [clerkUserId]);
    expect(user.rows[0].role).toBe('ADMIN');
  });

  test('when a signed-in staff member is demoted, then the next request is sent to the login page', async () => {
    const staff = await createStaff(shop.db.pool);
    const agent = await signedInAgent(shop, staff.email);
    await agent.get(ORDERS).expect(200);

    await shop.db.pool.query(`UPDATE users SET role = 'CUSTOMER' WHERE id = $1`, [staff.id]);

    const res = await agent.get(ORDERS).expect(302);
    expect(res.headers.location).toBe('/admin/login');
  });

  test('when staff sign out, then the session is gone from the database and the cookie no longer works', async () => {
    const staff = await createStaff(shop.db.pool);
    const agent = await signedInAgent(shop, staff.email);
    const sessionsOf = async () => (await shop.db.pool.query(`SELECT 1 FROM admin_sessions WHERE sess->'adminUser'->>'id' = $1`, [staff.id])).rowCount;
    expect(await sessionsOf()).toBe(1);

    const out = await agent.get('/admin/logout').expect(302);

    expect(out.headers.location).toBe('/admin/login');
    expect(await sessionsOf()).toBe(0);
    await agent.get(ORDERS).expect(302);
  });

  test('when a second instance shares the database, then a session made on one works on the other', async () => {
    const staff = await createStaff(shop.db.pool);
    const login = await supertest(shop.app).post('/admin/login').type('form').send({ email: staff.email, password: STAFF_PASSWORD }).expect(302);
    const cookie = String(login.headers['set-cookie']).split(';')[0];
    await shop.withAnother({}, async (other) => {
      await supertest(other.app).get(ORDERS).set('Cookie', cookie).expect(200);
    });
  });
});

describe('failed sign-in limit', () => {
  test('when one address fails too often, across two instances, then further attempts get 429 even with the right password; successes do not count', async () => {
    const limited = await shop.another({ RATE_LIMIT_LOGINS_PER_WINDOW: '3' });
    const sibling = await shop.another({ RATE_LIMIT_LOGINS_PER_WINDOW: '3' });
    // earlier tests in this file failed sign-ins from this same address
    await limited.db.pool.query(`DELETE FROM rate_limit_hits WHERE key LIKE 'logins:%'`);
    const staff = await createStaff(limited.db.pool);
    const attempt = (shop: typeof limited, password: string) => supertest(shop.app).post('/admin/login').type('form').send({ email: staff.email, password });
    for (let i = 0; i < 3; i++) await attempt(limited, STAFF_PASSWORD).expect(302); // successes leave the budget alone
    for (let i = 0; i < 3; i++) await attempt(i % 2 ? sibling : limited, 'wrong password').expect(200);

    const blocked = await attempt(sibling, STAFF_PASSWORD);

    expect(blocked.status).toBe(429);
    expect(blocked.text).toContain('"errorMessage":"tooManyRequests"');
    expect(blocked.headers['set-cookie']).toBeUndefined();
  });
});

describe('production cookies', () => {
  test('when NODE_ENV is production, then the session cookie is Secure (behind the TLS proxy)', async () => {
    await shop.withAnother({ NODE_ENV: 'production', SESSION_SECRET: 'a'.repeat(48) }, async (production) => {
      const staff = await createStaff(production.db.pool);

      const login = await supertest(production.app)
        .post('/admin/login')
        .set('X-Forwarded-Proto', 'https')
        .type('form')
        .send({ email: staff.email, password: STAFF_PASSWORD });

      expect(login.status).toBe(302);
      expect(String(login.headers['set-cookie'])).toMatch(/; Secure/);
    });
  });
});
