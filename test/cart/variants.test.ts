// Cart lines are per variant: what a line shows, how a product id is still understood, and the
// stock, limit and active checks applied to each variant on its own.
import { useTestShop } from '../helpers/test-app.js';
import { storedLines } from '../helpers/cart-fixtures.js';
import { createProduct, createProductWithVariants, createUser, type UserFixture } from '../helpers/fixtures.js';

const shop = useTestShop();

const add = (customer: UserFixture, body: object) => shop.request.post('/api/cart/items').set('Authorization', customer.auth).send(body);
const cartsOf = async (customer: UserFixture) =>
  Number((await shop.db.pool.query(`SELECT count(*) AS n FROM carts WHERE user_id = $1`, [customer.id])).rows[0].n);

const tee = () =>
  createProductWithVariants(shop.db.pool, {
    title: 'T-shirt',
    options: [
      { name: 'Size', values: ['M', 'L'] },
      { name: 'Colour', values: ['Red'] },
    ],
    variants: [
      { optionValues: { Colour: 'Red', Size: 'M' }, priceMinor: 1500, stock: 4, imageUrl: 'https://img.example/m-red.jpg' },
      { optionValues: { Size: 'L', Colour: 'Red' }, priceMinor: 1700, stock: 200 },
    ],
  });

describe('POST /api/cart/items with variants', () => {
  test('when a variant is added, then its line shows the variant: id, SKU, option values, its title and its own price, stock and image', async () => {
    const customer = await createUser(shop.db.pool);
    const shirt = await tee();
    const [medium, large] = shirt.variants;

    await add(customer, { variantId: medium.id, quantity: 1 }).expect(200);
    const res = await add(customer, { variantId: large.id, quantity: 2 }).expect(200);

    expect(res.body.lines).toEqual([
      {
        productId: shirt.id,
        variantId: medium.id,
        sku: medium.sku,
        slug: shirt.slug,
        title: 'T-shirt — M / Red',
        productTitle: 'T-shirt',
        variantTitle: 'M / Red',
        optionValues: { Size: 'M', Colour: 'Red' },
        imageUrl: 'https://img.example/m-red.jpg',
        unitPriceMinor: 1500,
        currency: 'USD',
        quantity: 1,
        lineTotalMinor: 1500,
        discountMinor: 0,
        stock: 4,
        active: true,
        warnings: [],
      },
      expect.objectContaining({ variantId: large.id, title: 'T-shirt — L / Red', imageUrl: 'https://img.example/p.jpg', unitPriceMinor: 1700, quantity: 2 }),
    ]);
    expect(res.body).toMatchObject({ subtotalMinor: 1500 + 2 * 1700, itemCount: 3 });
    expect(await storedLines(shop.db, customer)).toEqual([
      { variantId: medium.id, quantity: 1 },
      { variantId: large.id, quantity: 2 },
    ]);
  });

  test('when a product id is sent for a product with one variant, then that variant is added (clients written before variants keep working)', async () => {
    const customer = await createUser(shop.db.pool);
    const mug = await createProduct(shop.db.pool, { stock: 5 });

    const res = await add(customer, { productId: mug.id, quantity: 2 }).expect(200);

    expect(res.body.lines).toMatchObject([{ productId: mug.id, variantId: mug.variantId, quantity: 2 }]);
    expect(await storedLines(shop.db, customer)).toEqual([{ variantId: mug.variantId, quantity: 2 }]);
  });

  test('when a product id is sent for a product with several variants, then 422 VARIANT_REQUIRED listing them, and no cart is made', async () => {
    const customer = await createUser(shop.db.pool);
    const shirt = await tee();

    const res = await add(customer, { productId: shirt.id, quantity: 1 }).expect(422);

    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'VARIANT_REQUIRED', productId: shirt.id });
    expect(res.body.variantIds.sort()).toEqual(shirt.variants.map((v) => v.id).sort());
    expect(await cartsOf(customer)).toBe(0);
  });

  test('when the variant is no longer sold, then 409 VARIANT_INACTIVE and nothing changes; a variant of a product no longer sold is 409 PRODUCT_INACTIVE', async () => {
    const customer = await createUser(shop.db.pool);
    const shirt = await tee();
    const retired = await tee();
    await shop.db.pool.query(`UPDATE product_variants SET active = false WHERE id = $1`, [shirt.variants[0].id]);
    await shop.db.pool.query(`UPDATE products SET active = false WHERE id = $1`, [retired.id]);

    const inactiveVariant = await add(customer, { variantId: shirt.variants[0].id, quantity: 1 }).expect(409);
    const inactiveProduct = await add(customer, { variantId: retired.variants[1].id, quantity: 1 }).expect(409);

    expect(inactiveVariant.body).toMatchObject({ code: 'VARIANT_INACTIVE', variantId: shirt.variants[0].id });
    expect(inactiveProduct.body).toMatchObject({ code: 'PRODUCT_INACTIVE', productId: retired.id });
    expect(await cartsOf(customer)).toBe(0);
  });

  test('when two variants of one product are in the cart, then the stock check and the 99-per-line cap apply to each variant on its own', async () => {
    const customer = await createUser(shop.db.pool);
    const shirt = await tee();
    const [medium, large] = shirt.variants;
    await add(customer, { variantId: large.id, quantity: 99 }).expect(200);

    const mediumOver = await add(customer, { variantId: medium.id, quantity: 5 }).expect(409); // M has 4
    await add(customer, { variantId: medium.id, quantity: 4 }).expect(200); // L's 99 do not count against M
    const largeOver = await add(customer, { variantId: large.id, quantity: 1 }).expect(422);

    expect(mediumOver.body).toMatchObject({ code: 'INSUFFICIENT_STOCK', lines: [{ variantId: medium.id, productId: shirt.id, requested: 5, available: 4 }] });
    expect(largeOver.body).toMatchObject({ code: 'LINE_LIMIT_EXCEEDED', variantId: large.id, requested: 100, max: 99 });
    expect(await storedLines(shop.db, customer)).toEqual([
      { variantId: large.id, quantity: 99 },
      { variantId: medium.id, quantity: 4 },
    ]);
  });
});

describe('the cart after a variant changes', () => {
  test('when a variant in the cart is deactivated, then its line warns VARIANT_INACTIVE and raising it is 409 VARIANT_INACTIVE; 0 still removes it', async () => {
    const customer = await createUser(shop.db.pool);
    const shirt = await tee();
    const [medium, large] = shirt.variants;
    await add(customer, { variantId: medium.id, quantity: 1 }).expect(200);
    await add(customer, { variantId: large.id, quantity: 1 }).expect(200);
    await shop.db.pool.query(`UPDATE product_variants SET active = false WHERE id = $1`, [medium.id]);

    const cart = await shop.request.get('/api/cart').set('Authorization', customer.auth).expect(200);
    const raised = await shop.request.patch(`/api/cart/items/${medium.id}`).set('Authorization', customer.auth).send({ quantity: 2 }).expect(409);

    expect(cart.body.lines.map((l: { variantId: string; active: boolean; warnings: string[] }) => [l.variantId, l.active, l.warnings])).toEqual([
      [medium.id, false, ['VARIANT_INACTIVE']],
      [large.id, true, []],
    ]);
    expect(raised.body).toMatchObject({ code: 'VARIANT_INACTIVE', variantId: medium.id });
    expect(await storedLines(shop.db, customer)).toEqual([
      { variantId: medium.id, quantity: 1 },
      { variantId: large.id, quantity: 1 },
    ]);
    await shop.request.patch(`/api/cart/items/${medium.id}`).set('Authorization', customer.auth).send({ quantity: 0 }).expect(200);
    expect(await storedLines(shop.db, customer)).toEqual([{ variantId: large.id, quantity: 1 }]);
  });
});
