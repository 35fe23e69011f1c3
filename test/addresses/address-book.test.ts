// The customer's address book: /api/me/addresses.
import { randomUUID } from 'node:crypto';
import { useTestShop } from '../helpers/test-app.js';
import { createUser, type UserFixture } from '../helpers/fixtures.js';

const shop = useTestShop();

const DHAKA = {
  recipientName: 'Rahim Uddin',
  phone: '01712-345678',
  line1: 'House 12, Road 5',
  city: 'Dhaka',
  region: 'Dhaka',
  postalCode: '1205',
  country: 'bd',
};
const NEW_YORK = {
  recipientName: 'Ann Lee',
  phone: '(212) 555-0123',
  line1: '1 Main St',
  line2: 'Apt 4',
  city: 'New York',
  region: 'NY',
  postalCode: '10001',
  country: 'US',
};
const DUBAI = { recipientName: 'Omar', phone: '+971 50 123 4567', line1: 'Tower 3', city: 'Dubai', country: 'AE' }; // no postal codes there

const as = (customer: UserFixture) => ({
  add: (body: object) => shop.request.post('/api/me/addresses').set('Authorization', customer.auth).send(body),
  change: (id: string, body: object) => shop.request.patch(`/api/me/addresses/${id}`).set('Authorization', customer.auth).send(body),
  remove: (id: string) => shop.request.delete(`/api/me/addresses/${id}`).set('Authorization', customer.auth),
  get: (id: string) => shop.request.get(`/api/me/addresses/${id}`).set('Authorization', customer.auth),
  list: () => shop.request.get('/api/me/addresses').set('Authorization', customer.auth),
});

/** The customer's addresses as stored: what the assertions compare against. */
async function stored(customer: UserFixture) {
  const { rows } = await shop.db.pool.query(
    `SELECT recipient_name, phone, line1, line2, city, region, postal_code, country, is_default FROM addresses WHERE user_id = $1 ORDER BY created_at, id`,
    [customer.id],
  );
  return rows;
}

describe('POST /api/me/addresses', () => {
  test('when a customer adds a first address, then 201 with it normalised (E.164 phone, upper-case country) and it is the default', async () => {
    const customer = await createUser(shop.db.pool);

    const res = await as(customer).add(DHAKA).expect(201);

    expect(res.headers.location).toBe(`/api/me/addresses/${res.body.id}`);
    expect(res.body).toEqual({
      id: expect.any(String),
      recipientName: 'Rahim Uddin',
      phone: '+8801712345678',
      line1: 'House 12, Road 5',
      line2: null,
      city: 'Dhaka',
      region: 'Dhaka',
      postalCode: '1205',
      country: 'BD',
      isDefault: true,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(await stored(customer)).toEqual([
      {
        recipient_name: 'Rahim Uddin',
        phone: '+8801712345678',
        line1: 'House 12, Road 5',
        line2: null,
        city: 'Dhaka',
        region: 'Dhaka',
        postal_code: '1205',
        country: 'BD',
        is_default: true,
      },
    ]);
  });

  test('when a second address is added, then it is not the default unless asked; asked, it takes over from the old default', async () => {
    const customer = await createUser(shop.db.pool);
    await as(customer).add(DHAKA).expect(201);

    const second = await as(customer).add(NEW_YORK).expect(201);
    const third = await as(customer)
      .add({ ...DUBAI, isDefault: true })
      .expect(201);

    expect([second.body.isDefault, third.body.isDefault]).toEqual([false, true]);
    expect((await stored(customer)).map((a) => [a.city, a.is_default])).toEqual([
      ['Dhaka', false],
      ['New York', false],
      ['Dubai', true],
    ]);
    const list = await as(customer).list().expect(200);
    expect(list.body.items.map((a: { city: string }) => a.city)).toEqual(['Dubai', 'New York', 'Dhaka']); // default, then newest
    expect(third.body).toMatchObject({ phone: '+971501234567', postalCode: null });
  });

  test('when 10 addresses asking to be the default arrive at once, then all are stored and exactly one is the default', async () => {
    const customer = await createUser(shop.db.pool);

    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => as(customer).add({ ...DHAKA, line1: `House ${i}`, isDefault: true })));

    expect(answers.map((r) => r.status)).toEqual(Array(10).fill(201));
    const rows = await stored(customer);
    expect(rows).toHaveLength(10);
    expect(rows.filter((a) => a.is_default)).toHaveLength(1);
  });

  test('when the book holds 50 addresses, then a 51st is 422 ADDRESS_BOOK_FULL and nothing is added', async () => {
    const customer = await createUser(shop.db.pool);
    await shop.db.pool.query(
      `INSERT INTO addresses (user_id, recipient_name, phone, line1, city, postal_code, country)
       SELECT $1, 'R', '+8801712345678', 'Road ' || g, 'Dhaka', '1205', 'BD' FROM generate_series(1, 50) g`,
      [customer.id],
    );

    const res = await as(customer).add(DHAKA).expect(422);

    expect(res.body).toMatchObject({ code: 'ADDRESS_BOOK_FULL', max: 50 });
    expect(await stored(customer)).toHaveLength(50);
  });

  describe('bad input', () => {
    test.each([
      ['a country that is not ISO 3166-1', { country: 'ZZ' }, 'country'],
      ['a country name', { country: 'Bangladesh' }, 'country'],
      ['a three-letter country code', { country: 'BGD' }, 'country'],
      ['a phone that is not a number', { phone: 'call me' }, 'phone'],
      ['a phone too short for the country', { phone: '0171234' }, 'phone'],
      ['a US phone for a Bangladeshi address without +1', { phone: '(212) 555-0123' }, 'phone'],
      ['no postal code where the country uses them', { postalCode: undefined }, 'postalCode'],
      ['an empty postal code where the country uses them', { postalCode: '' }, 'postalCode'],
      ["a postal code not in the country's format", { postalCode: 'ABC-12' }, 'postalCode'],
      ['an empty recipient', { recipientName: '  ' }, 'recipientName'],
      ['a recipient of 101 characters', { recipientName: 'x'.repeat(101) }, 'recipientName'],
      ['a line 1 of 201 characters', { line1: 'x'.repeat(201) }, 'line1'],
      ['no city', { city: undefined }, 'city'],
      ['a number for a city', { city: 12 }, 'city'],
      ['isDefault as text', { isDefault: 'yes' }, 'isDefault'],
      ['an unknown field', { nickname: 'home' }, ''],
    ])('when the address has %s, then 400 naming the field and nothing is stored', async (_case, change, field) => {
      const customer = await createUser(shop.db.pool);

      const res = await as(customer)
        .add({ ...DHAKA, ...change })
        .expect(400);

      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(field);
      expect(await stored(customer)).toEqual([]);
    });

    test('when nobody is signed in, then 401 and nothing is stored', async () => {
      const count = async () => Number((await shop.db.pool.query(`SELECT count(*) AS n FROM addresses`)).rows[0].n);
      const before = await count();

      const res = await shop.request.post('/api/me/addresses').send(DHAKA).expect(401);

      expect(res.body.code).toBe('UNAUTHENTICATED');
      expect(await count()).toBe(before);
    });
  });
});

describe('PATCH /api/me/addresses/{id}', () => {
  test('when some fields change, then only they change, checked with the rest of the address', async () => {
    const customer = await createUser(shop.db.pool);
    const { body: address } = await as(customer).add(DHAKA).expect(201);

    const res = await as(customer).change(address.id, { line2: 'Flat 3B', phone: '+880 1812-345678' }).expect(200);

    expect(res.body).toMatchObject({ ...address, line2: 'Flat 3B', phone: '+8801812345678', updatedAt: expect.any(String) });
    expect((await stored(customer))[0]).toMatchObject({ line2: 'Flat 3B', phone: '+8801812345678', city: 'Dhaka' });
  });

  test('when the country changes, then the stored postal code is checked against the new country', async () => {
    const customer = await createUser(shop.db.pool);
    const { body: address } = await as(customer).add(DHAKA).expect(201);

    const refused = await as(customer).change(address.id, { country: 'US', city: 'Boston' }).expect(400); // "1205" is no US ZIP code
    const moved = await as(customer).change(address.id, { country: 'US', city: 'Boston', postalCode: '02108', phone: '+1 617 555 0100' }).expect(200);

    expect(refused.body.errors.map((e: { path: string }) => e.path)).toEqual(['postalCode']);
    expect(moved.body).toMatchObject({ country: 'US', postalCode: '02108', phone: '+16175550100' });
  });

  test('when another address is made the default, then the old default stops being one; isDefault false on the default changes nothing', async () => {
    const customer = await createUser(shop.db.pool);
    const { body: first } = await as(customer).add(DHAKA).expect(201);
    const { body: second } = await as(customer).add(NEW_YORK).expect(201);

    await as(customer).change(second.id, { isDefault: true }).expect(200);
    const kept = await as(customer).change(second.id, { isDefault: false }).expect(200);

    expect(kept.body.isDefault).toBe(true);
    expect((await as(customer).get(first.id).expect(200)).body.isDefault).toBe(false);
    expect((await stored(customer)).map((a) => a.is_default)).toEqual([false, true]);
  });

  test('when several addresses are made the default at once, then exactly one ends up the default', async () => {
    const customer = await createUser(shop.db.pool);
    const ids: string[] = [];
    for (let i = 0; i < 6; i++)
      ids.push(
        (
          await as(customer)
            .add({ ...DHAKA, line1: `House ${i}` })
            .expect(201)
        ).body.id,
      );

    const answers = await Promise.all(ids.map((id) => as(customer).change(id, { isDefault: true })));

    expect(answers.map((r) => r.status)).toEqual(Array(6).fill(200));
    expect((await stored(customer)).filter((a) => a.is_default)).toHaveLength(1);
  });

  test.each([
    ['an empty change', {}, ''],
    ['a bad country', { country: 'XX' }, 'country'],
    ['a phone invalid for the address country', { phone: '12345' }, 'phone'],
    ['an unknown field', { label: 'home' }, ''],
  ])('when the change is %s, then 400 and the address is unchanged', async (_case, change, field) => {
    const customer = await createUser(shop.db.pool);
    const { body: address } = await as(customer).add(DHAKA).expect(201);
    const before = await stored(customer);

    const res = await as(customer).change(address.id, change).expect(400);

    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(field);
    expect(await stored(customer)).toEqual(before);
  });
});

describe("another customer's address", () => {
  test('when customer B reads, changes or deletes A’s address, then 404 for reads and changes, 204 for the delete, and A’s address is untouched', async () => {
    const [a, b] = [await createUser(shop.db.pool), await createUser(shop.db.pool)];
    const { body: address } = await as(a).add(DHAKA).expect(201);
    const before = await stored(a);

    const read = await as(b).get(address.id).expect(404);
    const changed = await as(b).change(address.id, { city: 'Chittagong' }).expect(404);
    await as(b).remove(address.id).expect(204);
    const listed = await as(b).list().expect(200);

    expect([read.body.code, changed.body.code]).toEqual(['NOT_FOUND', 'NOT_FOUND']);
    expect(listed.body.items).toEqual([]);
    expect(await stored(a)).toEqual(before);
  });

  test('when the id is not a UUID or unknown, then 400 or 404', async () => {
    const customer = await createUser(shop.db.pool);
    const bad = await as(customer).get('home').expect(400);
    await as(customer).get(randomUUID()).expect(404);
    expect(bad.body.errors[0].path).toBe('id');
  });
});

describe('DELETE /api/me/addresses/{id}', () => {
  test('when the default is deleted, then the newest remaining address becomes the default; deleting again is still 204', async () => {
    const customer = await createUser(shop.db.pool);
    const { body: home } = await as(customer).add(DHAKA).expect(201);
    await as(customer).add(NEW_YORK).expect(201);
    await as(customer).add(DUBAI).expect(201);

    await as(customer).remove(home.id).expect(204);
    await as(customer).remove(home.id).expect(204);

    expect((await stored(customer)).map((a) => [a.city, a.is_default])).toEqual([
      ['New York', false],
      ['Dubai', true],
    ]);
  });
});
