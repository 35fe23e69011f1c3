import { jest } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { SignJWT, importPKCS8 } from 'jose';
import { tokenFor as signedToken, uniqueId, useTestShop } from '../helpers/test-app.js';
import type { TokenClaims } from '../../src/auth/dev-keys.js';

// Authorized parties are configured here, so valid tokens name one (as a browser's Clerk token does).
const PARTY = 'https://shop.example';
const tokenFor = (userId: string, claims: Omit<TokenClaims, 'userId'> = {}) => signedToken(userId, { azp: PARTY, ...claims });

const shop = useTestShop({ env: { CLERK_AUTHORIZED_PARTIES: PARTY } });

const userCount = async () => (await shop.db.pool.query('SELECT count(*)::int AS n FROM users')).rows[0].n as number;

async function tokenWith(claims: Record<string, unknown>, options: { alg?: string; key?: string; sub?: string | null; exp?: number } = {}) {
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({ metadata: { role: 'customer' }, azp: PARTY, ...claims })
    .setProtectedHeader({ alg: options.alg ?? 'RS256', typ: 'JWT' })
    .setIssuedAt(now - 1)
    .setExpirationTime(options.exp ?? now + 600);
  if (options.sub !== null) jwt.setSubject(options.sub ?? uniqueId('user'));
  return jwt.sign(await importPKCS8(options.key ?? process.env.TEST_CLERK_PRIVATE_KEY!, 'RS256'));
}

describe('GET /api/me', () => {
  test('when a customer calls with a Bearer token, then their profile is returned and a user row exists', async () => {
    const clerkId = uniqueId('user');
    const token = await tokenFor(clerkId, { email: 'ann@example.com', name: 'Ann Buyer' });

    const res = await shop.request.get('/api/me').set('Authorization', `Bearer ${token}`).expect(200);

    expect(res.body).toMatchObject({ clerkUserId: clerkId, email: 'ann@example.com', name: 'Ann Buyer', role: 'CUSTOMER' });
    const row = await shop.db.pool.query('SELECT id, role, email FROM users WHERE clerk_user_id = $1', [clerkId]);
    expect(row.rows).toEqual([{ id: res.body.id, role: 'CUSTOMER', email: 'ann@example.com' }]);
  });

  test('when the token carries the admin role, then the role is ADMIN and mirrored on the user row', async () => {
    const clerkId = uniqueId('user');
    const res = await shop.request
      .get('/api/me')
      .set('Authorization', `Bearer ${await tokenFor(clerkId, { role: 'admin' })}`)
      .expect(200);
    expect(res.body.role).toBe('ADMIN');
    const row = await shop.db.pool.query('SELECT role FROM users WHERE clerk_user_id = $1', [clerkId]);
    expect(row.rows[0].role).toBe('ADMIN');
  });

  test('when a user loses the admin role in Clerk, then the next request mirrors CUSTOMER', async () => {
    const clerkId = uniqueId('user');
    await shop.request
      .get('/api/me')
      .set('Authorization', `Bearer ${await tokenFor(clerkId, { role: 'admin' })}`)
      .expect(200);
    const res = await shop.request
      .get('/api/me')
      .set('Authorization', `Bearer ${await tokenFor(clerkId)}`)
      .expect(200);
    expect(res.body.role).toBe('CUSTOMER');
  });

  test('when the token comes in the __session cookie with its companion cookies, then it is accepted', async () => {
    const clerkId = uniqueId('user');
    const token = await tokenFor(clerkId);
    const uat = Math.floor(Date.now() / 1000) - 10;
    const res = await shop.request
      .get('/api/me')
      .set('Cookie', [`__session=${token}`, `__client_uat=${uat}`, '__clerk_db_jwt=dvb_test'])
      .set('Accept', 'application/json')
      .expect(200);
    expect(res.body.clerkUserId).toBe(clerkId);
  });

  test('when two first requests of a new user arrive at once, then exactly one user row is created', async () => {
    const clerkId = uniqueId('user');
    const token = await tokenFor(clerkId);
    const answers = await Promise.all(Array.from({ length: 10 }, () => shop.request.get('/api/me').set('Authorization', `Bearer ${token}`)));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    const rows = await shop.db.pool.query('SELECT count(*)::int AS n FROM users WHERE clerk_user_id = $1', [clerkId]);
    expect(rows.rows[0].n).toBe(1);
  });

  test('when an authorized party is configured and the token names it, then it is accepted', async () => {
    await shop.request
      .get('/api/me')
      .set('Authorization', `Bearer ${await tokenWith({ azp: PARTY })}`)
      .expect(200);
  });
});

describe('GET /api/me with a token verified before (each instance remembers verified tokens)', () => {
  test('when the same token comes again, then it is accepted again without a new user row', async () => {
    const token = await tokenWith({});
    await shop.request.get('/api/me').set('Authorization', `Bearer ${token}`).expect(200);
    const before = await userCount();

    const again = await shop.request.get('/api/me').set('Authorization', `Bearer ${token}`).expect(200);

    expect(again.body.role).toBe('CUSTOMER');
    expect(await userCount()).toBe(before);
  });

  test('when a remembered token has expired, then it is refused like any expired token', async () => {
    const exp = Math.floor(Date.now() / 1000) + 30;
    const token = await tokenWith({}, { exp });
    await shop.request.get('/api/me').set('Authorization', `Bearer ${token}`).expect(200);
    const now = jest.spyOn(Date, 'now').mockReturnValue((exp + 60) * 1000); // past Clerk's clock skew too

    try {
      const res = await shop.request.get('/api/me').set('Authorization', `Bearer ${token}`);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('UNAUTHENTICATED');
    } finally {
      now.mockRestore();
    }
  });

  test('when a remembered token comes back with its signature altered, then 401', async () => {
    const token = await tokenWith({});
    await shop.request.get('/api/me').set('Authorization', `Bearer ${token}`).expect(200);
    const tampered = token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA');

    const res = await shop.request.get('/api/me').set('Authorization', `Bearer ${tampered}`);

    expect(res.status).toBe(401);
  });

  test('when a refused token comes again, then it is refused again', async () => {
    const token = await tokenWith({ azp: 'https://evil.example' });
    await shop.request.get('/api/me').set('Authorization', `Bearer ${token}`).expect(401);

    await shop.request.get('/api/me').set('Authorization', `Bearer ${token}`).expect(401);
  });
});

describe('GET /api/me refuses bad tokens with 401 and changes nothing', () => {
  const otherKey = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).privateKey;
  const noneToken = () => {
    const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    return `${part({ alg: 'none', typ: 'JWT' })}.${part({ sub: uniqueId('user'), iat: now, exp: now + 600 })}.`;
  };

  const cases: [string, () => Promise<string | undefined>][] = [
    ['no token', async () => undefined],
    ['an expired token', () => tokenWith({}, { exp: Math.floor(Date.now() / 1000) - 60 })],
    ['a token signed by another key', () => tokenWith({}, { key: otherKey })],
    ['a malformed token', async () => 'not.a.jwt'],
    ['an alg:none token', async () => noneToken()],
    ['a token whose azp is not authorized', () => tokenWith({ azp: 'https://evil.example' })],
    ['a token with no sub', () => tokenWith({}, { sub: null })],
    ['a token with no azp', () => tokenWith({ azp: undefined })],
    ['a token that is not valid yet', () => tokenWith({ nbf: Math.floor(Date.now() / 1000) + 600 })],
  ];

  test.each(cases)('when the request has %s, then 401 problem+json', async (_name, makeToken) => {
    const before = await userCount();
    const token = await makeToken();
    const req = shop.request.get('/api/me').set('Accept', 'application/json');
    const res = await (token ? req.set('Authorization', `Bearer ${token}`) : req);
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('UNAUTHENTICATED');
    expect(await userCount()).toBe(before);
  });
});
