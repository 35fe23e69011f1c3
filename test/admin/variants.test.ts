// Staff manage a product's options and variants from the panel (ProductOption and ProductVariant
// resources, linked from the product's page), under the rules of src/catalog/variant-rules.ts.
import { uniqueId } from '../helpers/test-app.js';
import { adminApi, catalogOf, panelPerFile } from '../helpers/admin-fixtures.js';
import { createProduct, createProductWithVariants, createVariant } from '../helpers/fixtures.js';

const panel = panelPerFile();
const pool = () => panel.shop.db.pool;

const SIZES = { name: 'Size', values: ['S', 'M', 'L'] };
const COLOURS = { name: 'Colour', values: ['Red', 'Blue'] };

/** A T-shirt in S/M/L × Red/Blue with only some combinations made (S/Red, M/Red), 10 each at 1000. */
const tShirt = () =>
  createProductWithVariants(pool(), {
    title: `T-shirt ${uniqueId('t')}`,
    options: [SIZES, COLOURS],
    variants: [{ optionValues: { Size: 'S', Colour: 'Red' } }, { optionValues: { Size: 'M', Colour: 'Red' } }],
  });

const sku = () => uniqueId('SKU').toUpperCase();
const postNew = (resource: string, form: Record<string, string>) =>
  panel.staff.post(adminApi.resourceAction(resource, 'new')).type('form').send(form).expect(200);
const postEdit = (resource: string, id: string, form: Record<string, string>) =>
  panel.staff
    .post(adminApi.recordAction(resource, id, 'edit'))
    .type('form')
    .send(form)
    .expect(200);
const productPage = (productId: string) => `/admin/resources/Product/records/${productId}/show`;

describe('the product page lists its options and variants', () => {
  test('when staff open a product with variants, then its options come in order and its variants with titles, prices and stock', async () => {
    const product = await createProductWithVariants(pool(), {
      title: 'T-shirt',
      options: [SIZES, COLOURS],
      variants: [
        { optionValues: { Colour: 'Blue', Size: 'L' }, priceMinor: 2100, compareAtPriceMinor: 2500, stock: 0, position: 1 },
        { optionValues: { Size: 'M', Colour: 'Red' }, priceMinor: 1900, stock: 4, position: 0 },
      ],
    });

    const res = await panel.staff.get(adminApi.recordAction('Product', product.id, 'show')).expect(200);

    const { catalog, params } = res.body.record;
    expect(params).toMatchObject({ priceMinMinor: 1900, priceMaxMinor: 2100 });
    expect(params.sku).toBeUndefined();
    expect(catalog.options.map((o: { name: string; values: string[] }) => [o.name, o.values])).toEqual([
      ['Size', ['S', 'M', 'L']],
      ['Colour', ['Red', 'Blue']],
    ]);
    expect(catalog.variants).toEqual([
      expect.objectContaining({ title: 'M / Red', priceMinor: 1900, compareAtPriceMinor: null, stock: 4, active: true }),
      expect.objectContaining({ title: 'L / Blue', priceMinor: 2100, compareAtPriceMinor: 2500, stock: 0 }),
    ]);
  });

  test('when staff list a product’s variants, then each row has its option values as a title in option order', async () => {
    const product = await tShirt();

    const res = await panel.staff.get(adminApi.list('ProductVariant', `filters.product=${product.id}&sortBy=position&direction=asc`)).expect(200);

    expect(res.body.records.map((r: { params: { sku: string; title: string } }) => [r.params.sku, r.params.title])).toEqual([
      [product.variants[0].sku, 'S / Red'],
      [product.variants[1].sku, 'M / Red'],
    ]);
  });
});

describe('adding and editing variants', () => {
  test('when staff add a variant with its option values, then it is stored, the price range follows and the panel goes back to the product', async () => {
    const product = await tShirt();
    const newSku = sku();

    const res = await postNew('ProductVariant', {
      product: product.id,
      'optionValues.Size': 'L',
      'optionValues.Colour': 'Blue',
      sku: newSku,
      priceMinor: '2490',
      compareAtPriceMinor: '2990',
      stock: '6',
      active: 'true',
      position: '2',
      imageUrl: 'https://img.example/tee-l-blue.jpg',
    });

    expect(res.body.notice.type).toBe('success');
    expect(res.body.redirectUrl).toBe(productPage(product.id));
    const after = await catalogOf(pool(), product.id);
    expect(after.variants.find((v) => v.sku === newSku)).toEqual({
      id: expect.any(String),
      sku: newSku,
      optionValues: { Size: 'L', Colour: 'Blue' },
      priceMinor: 2490,
      compareAtPriceMinor: 2990,
      stock: 6,
      active: true,
      position: 2,
      imageUrl: 'https://img.example/tee-l-blue.jpg',
    });
    expect(after).toMatchObject({ priceMinMinor: 1000, priceMaxMinor: 2490 });
  });

  test('when staff edit a variant’s price, then only that variant changes; a stock sent with the form is ignored (it moves by adjustments)', async () => {
    const product = await tShirt();
    const [first, second] = product.variants;

    const res = await postEdit('ProductVariant', first.id, { priceMinor: '1250', stock: '9' });

    expect(res.body.notice.type).toBe('success');
    expect(res.body.redirectUrl).toBe(productPage(product.id));
    const after = await catalogOf(pool(), product.id);
    expect(after.variants.find((v) => v.id === first.id)).toMatchObject({ priceMinor: 1250, stock: 10, optionValues: { Size: 'S', Colour: 'Red' } });
    expect(after.variants.find((v) => v.id === second.id)).toMatchObject({ priceMinor: 1000, stock: 10 });
    expect(after).toMatchObject({ priceMinMinor: 1000, priceMaxMinor: 1250 });
  });

  test('when staff edit a variant as the form sends it (every field), then its option values and compare-at price change; clearing compare-at removes it', async () => {
    const product = await tShirt();
    const [first] = product.variants;
    const form = {
      sku: first.sku,
      priceMinor: '1000',
      stock: '10',
      active: 'true',
      position: '0',
      imageUrl: '',
      'optionValues.Size': 'L',
      'optionValues.Colour': 'Blue',
    };

    const changed = await postEdit('ProductVariant', first.id, { ...form, compareAtPriceMinor: '1500' });
    const stored = (await catalogOf(pool(), product.id)).variants.find((v) => v.id === first.id);
    const cleared = await postEdit('ProductVariant', first.id, { ...form, compareAtPriceMinor: '' });

    expect(changed.body.notice.type).toBe('success');
    expect(stored).toMatchObject({ optionValues: { Size: 'L', Colour: 'Blue' }, compareAtPriceMinor: 1500 });
    expect(cleared.body.notice.type).toBe('success');
    expect((await catalogOf(pool(), product.id)).variants.find((v) => v.id === first.id)).toMatchObject({ compareAtPriceMinor: null, imageUrl: null });
  });

  test('when an edit names another product, then the variant stays with its own', async () => {
    const product = await tShirt();
    const other = await createProduct(pool());

    await postEdit('ProductVariant', product.variants[0].id, { product: other.id, stock: '3' });

    const { rows } = await pool().query(`SELECT product_id AS "productId", stock FROM product_variants WHERE id = $1`, [product.variants[0].id]);
    expect(rows[0]).toEqual({ productId: product.id, stock: 10 });
  });

  test('when staff deactivate the cheapest variant, then the product’s price range leaves it out', async () => {
    const product = await createProductWithVariants(pool(), {
      options: [SIZES],
      variants: [
        { optionValues: { Size: 'S' }, priceMinor: 500 },
        { optionValues: { Size: 'M' }, priceMinor: 900 },
      ],
    });

    await postEdit('ProductVariant', product.variants[0].id, { active: 'false' });

    expect(await catalogOf(pool(), product.id)).toMatchObject({ priceMinMinor: 900, priceMaxMinor: 900 });
  });
});

describe('variant rules: a refusal is a field error and changes nothing', () => {
  const validNew = (productId: string, overrides: Record<string, string> = {}) => ({
    product: productId,
    'optionValues.Size': 'L',
    'optionValues.Colour': 'Blue',
    sku: sku(),
    priceMinor: '1500',
    stock: '3',
    active: 'true',
    ...overrides,
  });

  test.each([
    ['a SKU with spaces', { sku: 'NOT A SKU' }, 'sku', /letters, digits/],
    ['an empty SKU', { sku: '' }, 'sku', /required/],
    ['a negative price', { priceMinor: '-1' }, 'priceMinor', /negative/],
    ['a price with decimals (not minor units)', { priceMinor: '15.5' }, 'priceMinor', /whole number/],
    ['a missing price', { priceMinor: '' }, 'priceMinor', /required/],
    ['a compare-at price equal to the price', { compareAtPriceMinor: '1500' }, 'compareAtPriceMinor', /more than the price/],
    ['a compare-at price below the price', { compareAtPriceMinor: '900' }, 'compareAtPriceMinor', /more than the price/],
    ['a negative stock', { stock: '-2' }, 'stock', /negative/],
    ['an image address that is not http(s)', { imageUrl: 'javascript:alert(1)' }, 'imageUrl', /http/],
    ['a missing option value', { 'optionValues.Colour': '' }, 'optionValues', /choose a Colour/],
    ['a value that is not among the option’s', { 'optionValues.Size': 'XXL' }, 'optionValues', /Size must be one of S, M, L/],
    ['an option the product does not have', { 'optionValues.Fit': 'Slim' }, 'optionValues', /Fit is not an option of this product/],
    ['the combination of another variant', { 'optionValues.Size': 'M', 'optionValues.Colour': 'Red' }, 'optionValues', /already has these option values/],
  ])('when a new variant has %s, then %s gets an error and nothing is stored', async (_case, change, field, message) => {
    const product = await tShirt();
    const before = await catalogOf(pool(), product.id);

    const res = await postNew('ProductVariant', validNew(product.id, change));

    expect(res.body.notice.type).toBe('error');
    expect(Object.keys(res.body.record.errors)).toEqual([field]);
    expect(res.body.record.errors[field].message).toMatch(message);
    expect(await catalogOf(pool(), product.id)).toEqual(before);
  });

  test('when a new variant takes a SKU another product uses, then the SKU field says so and nothing is stored', async () => {
    const product = await tShirt();
    const other = await createProduct(pool());
    const before = await catalogOf(pool(), product.id);

    const res = await postNew('ProductVariant', validNew(product.id, { sku: other.sku }));

    expect(res.body.notice.type).toBe('error');
    expect(res.body.record.errors.sku.message).toMatch(/already used/);
    expect(await catalogOf(pool(), product.id)).toEqual(before);
  });

  test('when a product without options gets a second variant, then it is refused: such a product has exactly one', async () => {
    const product = await createProduct(pool());
    const before = await catalogOf(pool(), product.id);

    const res = await postNew('ProductVariant', { product: product.id, sku: sku(), priceMinor: '100', stock: '1' });

    expect(res.body.notice.type).toBe('error');
    expect(res.body.record.errors.optionValues.message).toMatch(/no options, so it has one variant only/);
    expect(await catalogOf(pool(), product.id)).toEqual(before);
  });

  test('when a product without options has no variant yet, then staff can add its one variant', async () => {
    const product = await createProduct(pool());
    await pool().query(`DELETE FROM product_variants WHERE id = $1`, [product.variantId]);
    const newSku = sku();

    const res = await postNew('ProductVariant', { product: product.id, sku: newSku, priceMinor: '700', stock: '2' });

    expect(res.body.notice.type).toBe('success');
    expect((await catalogOf(pool(), product.id)).variants).toEqual([expect.objectContaining({ sku: newSku, optionValues: {}, priceMinor: 700, stock: 2 })]);
  });

  test('when an edit gives a variant the combination of another, or a compare-at below its price, then it is refused and the variant is unchanged', async () => {
    const product = await tShirt();
    const [first, second] = product.variants;
    const before = await catalogOf(pool(), product.id);

    const taken = await postEdit('ProductVariant', first.id, { 'optionValues.Size': 'M', 'optionValues.Colour': 'Red' });
    const belowPrice = await postEdit('ProductVariant', second.id, { compareAtPriceMinor: '999' });
    const skuTaken = await postEdit('ProductVariant', second.id, { sku: first.sku });

    expect(taken.body.record.errors.optionValues.message).toMatch(new RegExp(`already has these option values \\(SKU ${second.sku}\\)`));
    expect(belowPrice.body.record.errors.compareAtPriceMinor.message).toMatch(/more than the price/);
    expect(skuTaken.body.record.errors.sku.message).toMatch(/already used/);
    expect(await catalogOf(pool(), product.id)).toEqual(before);
  });

  test('when two saves race for the same combination, then one wins and the other gets a field error', async () => {
    const product = await tShirt();

    const answers = await Promise.all(
      [validNew(product.id), validNew(product.id)].map((form) => panel.staff.post(adminApi.resourceAction('ProductVariant', 'new')).type('form').send(form)),
    );

    expect(answers.map((r) => r.body.notice.type).sort()).toEqual(['error', 'success']);
    const refused = answers.find((r) => r.body.notice.type === 'error')!;
    expect(refused.body.record.errors.optionValues.message).toMatch(/already has these option values/);
    expect((await catalogOf(pool(), product.id)).variants).toHaveLength(3);
  });

  test('when two edits race for the same SKU, then one wins and the other gets a field error', async () => {
    const [a, b] = await Promise.all([createProduct(pool()), createProduct(pool())]);
    const wanted = uniqueId('RACE').toUpperCase();

    const answers = await Promise.all(
      [a, b].map((p) =>
        panel.staff
          .post(adminApi.recordAction('ProductVariant', p.variantId, 'edit'))
          .type('form')
          .send({ sku: wanted }),
      ),
    );

    expect(answers.map((r) => r.body.notice.type).sort()).toEqual(['error', 'success']);
    expect(answers.find((r) => r.body.notice.type === 'error')!.body.record.errors.sku.message).toMatch(/already used/);
    expect((await pool().query(`SELECT id FROM product_variants WHERE sku = $1`, [wanted])).rows).toHaveLength(1);
  });
});

describe('options', () => {
  test('when staff add the first option to a product sold as one variant, then that variant takes the option’s first value', async () => {
    const product = await createProduct(pool());

    const res = await postNew('ProductOption', { product: product.id, name: 'Size', values: 'S, M, L', position: '0' });

    expect(res.body.notice.type).toBe('success');
    expect(res.body.redirectUrl).toBe(productPage(product.id));
    const after = await catalogOf(pool(), product.id);
    expect(after.options).toEqual([{ id: expect.any(String), name: 'Size', position: 0, values: ['S', 'M', 'L'] }]);
    expect(after.variants).toEqual([expect.objectContaining({ id: product.variantId, optionValues: { Size: 'S' } })]);
  });

  test.each([
    ['no name', { name: ' ' }, 'name', /required/],
    ['no values', { values: ' , ' }, 'values', /at least one value/],
    ['a value listed twice', { values: 'S, M, s' }, 'values', /s is listed twice/],
    ['the name of another of its options', { name: 'Colour' }, 'name', /already has an option with this name/],
  ])('when a new option has %s, then %s gets an error and nothing changes', async (_case, change, field, message) => {
    const product = await tShirt();
    const before = await catalogOf(pool(), product.id);

    const res = await postNew('ProductOption', { product: product.id, name: 'Fit', values: 'Slim, Regular', ...change });

    expect(res.body.notice.type).toBe('error');
    expect(Object.keys(res.body.record.errors)).toEqual([field]);
    expect(res.body.record.errors[field].message).toMatch(message);
    expect(await catalogOf(pool(), product.id)).toEqual(before);
  });

  test('when staff add a value and rename the option, then its variants keep their values under the new name', async () => {
    const product = await tShirt();
    const colour = (await catalogOf(pool(), product.id)).options.find((o) => o.name === 'Colour')!;

    const res = await postEdit('ProductOption', colour.id, { name: 'Color', values: 'Red, Blue, Green' });

    expect(res.body.notice.type).toBe('success');
    const after = await catalogOf(pool(), product.id);
    expect(after.options.find((o) => o.id === colour.id)).toMatchObject({ name: 'Color', values: ['Red', 'Blue', 'Green'] });
    expect(after.variants.map((v) => v.optionValues)).toEqual([
      { Size: 'S', Color: 'Red' },
      { Size: 'M', Color: 'Red' },
    ]);
  });

  test('when staff remove a value a variant still uses, then it is refused, naming the value and the variant, and nothing changes', async () => {
    const product = await tShirt();
    const before = await catalogOf(pool(), product.id);
    const size = before.options.find((o) => o.name === 'Size')!;

    const res = await postEdit('ProductOption', size.id, { values: 'S, L' });

    expect(res.body.notice.type).toBe('error');
    expect(res.body.record.errors.values.message).toBe(`M is still used by variant ${product.variants[1].sku}: change or delete it first`);
    expect(await catalogOf(pool(), product.id)).toEqual(before);
  });

  test('when staff remove a value no variant uses, then the option keeps the rest in order', async () => {
    const product = await tShirt();
    const size = (await catalogOf(pool(), product.id)).options.find((o) => o.name === 'Size')!;

    const res = await postEdit('ProductOption', size.id, { values: 'M, S' });

    expect(res.body.notice.type).toBe('success');
    expect((await catalogOf(pool(), product.id)).options.find((o) => o.id === size.id)!.values).toEqual(['M', 'S']);
  });

  test('when staff delete an option whose values tell variants apart, then it is refused; otherwise the variants drop it', async () => {
    const product = await tShirt(); // S/Red and M/Red: Size tells them apart, Colour does not
    const before = await catalogOf(pool(), product.id);
    const [size, colour] = before.options;

    const refused = await panel.staff.post(adminApi.recordAction('ProductOption', size.id, 'delete')).expect(200);
    const unchanged = await catalogOf(pool(), product.id);
    const deleted = await panel.staff.post(adminApi.recordAction('ProductOption', colour.id, 'delete')).expect(200);

    expect(refused.body.notice).toMatchObject({ type: 'error', message: expect.stringMatching(/some variants would be the same/) });
    expect(unchanged).toEqual(before);
    expect(deleted.body.notice.type).toBe('success');
    expect(deleted.body.redirectUrl).toBe(productPage(product.id));
    const after = await catalogOf(pool(), product.id);
    expect(after.options.map((o) => o.name)).toEqual(['Size']);
    expect(after.variants.map((v) => v.optionValues)).toEqual([{ Size: 'S' }, { Size: 'M' }]);
  });
});

describe('reordering', () => {
  test('when staff move a variant up and an option down, then positions are renumbered in the new order and titles follow the options', async () => {
    const product = await tShirt();
    const [size] = (await catalogOf(pool(), product.id)).options;

    const moved = await panel.staff
      .post(adminApi.recordAction('ProductVariant', product.variants[1].id, 'move'))
      .type('form')
      .send({ direction: 'up' })
      .expect(200);
    await panel.staff
      .post(adminApi.recordAction('ProductOption', size.id, 'move'))
      .type('form')
      .send({ direction: 'down' })
      .expect(200);

    expect(moved.body.notice.type).toBe('success');
    const after = await catalogOf(pool(), product.id);
    expect(after.variants.map((v) => [v.sku, v.position])).toEqual([
      [product.variants[1].sku, 0],
      [product.variants[0].sku, 1],
    ]);
    expect(after.options.map((o) => [o.name, o.position])).toEqual([
      ['Colour', 0],
      ['Size', 1],
    ]);
    const page = await panel.staff.get(adminApi.recordAction('Product', product.id, 'show')).expect(200);
    expect(page.body.record.catalog.variants.map((v: { title: string }) => v.title)).toEqual(['Red / M', 'Red / S']);
  });

  test('when a move is only asked for (GET), then nothing moves', async () => {
    const product = await tShirt();
    const before = await catalogOf(pool(), product.id);

    await panel.staff.get(adminApi.recordAction('ProductVariant', product.variants[1].id, 'move')).expect(200);

    expect(await catalogOf(pool(), product.id)).toEqual(before);
  });
});

describe('deleting a variant', () => {
  test('when staff delete a variant, then it is gone, the product’s others stay and the panel goes back to the product', async () => {
    const product = await tShirt();
    await createVariant(pool(), product.id, { optionValues: { Size: 'L', Colour: 'Red' }, priceMinor: 3000, position: 2 });

    const res = await panel.staff.post(adminApi.recordAction('ProductVariant', product.variants[0].id, 'delete')).expect(200);

    expect(res.body.notice.type).toBe('success');
    expect(res.body.redirectUrl).toBe(productPage(product.id));
    const after = await catalogOf(pool(), product.id);
    expect(after.variants.map((v) => v.optionValues)).toEqual([
      { Size: 'M', Colour: 'Red' },
      { Size: 'L', Colour: 'Red' },
    ]);
    expect(after).toMatchObject({ priceMinMinor: 1000, priceMaxMinor: 3000 });
  });
});
