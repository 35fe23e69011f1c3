// Products with options and variants, as the storefront reads them: the listing (compact
// variants, price range, options), its variant filters and price sorts, and the product page.
import { useTestShop } from '../helpers/test-app.js';
import { FEW_MATCHES } from '../../src/catalog/products.js';
import { createCategory, createProduct, createProductWithVariants, createVariant, type ProductWithVariants } from '../helpers/fixtures.js';

const shop = useTestShop();

type Listed = { id: string; priceRange: { minMinor: number; maxMinor: number }; variants: { id: string }[] };
const list = async (query: Record<string, string | string[] | number>) => {
  const res = await shop.request.get('/api/products').query(query).expect(200);
  return res.body as { items: Listed[]; nextCursor: string | null; total: number };
};
const idsOf = (page: { items: { id: string }[] }) => page.items.map((p) => p.id);

describe('GET /api/products with variants', () => {
  let category: Awaited<ReturnType<typeof createCategory>>;
  let shirt: ProductWithVariants;
  let mug: ProductWithVariants;
  beforeAll(async () => {
    category = await createCategory(shop.db.pool);
    shirt = await createProductWithVariants(shop.db.pool, {
      title: 'Tee',
      categoryId: category.id,
      options: [
        { name: 'Size', values: ['S', 'M', 'L'] },
        { name: 'Colour', values: ['Red', 'Blue'] },
      ],
      variants: [
        { optionValues: { Size: 'S', Colour: 'Red' }, priceMinor: 1500, compareAtPriceMinor: 2000, stock: 3 },
        { optionValues: { Size: 'M', Colour: 'Red' }, priceMinor: 1500, stock: 0 },
        { optionValues: { Size: 'L', Colour: 'Blue' }, priceMinor: 1900, stock: 2 },
        { optionValues: { Size: 'M', Colour: 'Blue' }, priceMinor: 900, stock: 5, active: false }, // not sold: never listed, never matched
      ],
    });
    mug = await createProductWithVariants(shop.db.pool, {
      title: 'Mug',
      categoryId: category.id,
      options: [{ name: 'Colour', values: ['Red', 'Blue'] }],
      variants: [
        { optionValues: { Colour: 'Red' }, priceMinor: 800, stock: 0 },
        { optionValues: { Colour: 'Blue' }, priceMinor: 1200, stock: 7 },
      ],
    });
  });

  test('when a product with options is listed, then it carries its options in order, its active variants in compact form and its price range', async () => {
    const page = await list({ category: category.slug, sort: 'title' });

    const listed = page.items.find((p) => p.id === shirt.id);
    expect(listed).toEqual({
      id: shirt.id,
      slug: shirt.slug,
      title: 'Tee',
      description: shirt.description,
      imageUrl: 'https://img.example/p.jpg',
      mainImage: null,
      currency: 'USD',
      priceRange: { minMinor: 1500, maxMinor: 1900 },
      inStock: true,
      options: [
        { name: 'Size', values: ['S', 'M', 'L'] },
        { name: 'Colour', values: ['Red', 'Blue'] },
      ],
      variants: shirt.variants.slice(0, 3).map((v) => ({
        id: v.id,
        sku: v.sku,
        optionValues: v.optionValues,
        priceMinor: v.priceMinor,
        compareAtPriceMinor: v.compareAtPriceMinor,
        inStock: v.stock > 0,
      })),
      category: { id: category.id, slug: category.slug, name: category.name },
      createdAt: shirt.createdAt.toISOString(),
    });
    expect(listed!.variants[0]).toMatchObject({ compareAtPriceMinor: 2000 });
  });

  test('when filtered by an option value, then products with an active variant of that value; several values of one option match any of them', async () => {
    const medium = await list({ category: category.slug, 'option.Size': 'M' });
    const blue = await list({ category: category.slug, 'option[Colour]': 'Blue' });
    const redOrBlue = await list({ category: category.slug, 'option.Colour': ['Red', 'Blue'] });
    const nothing = await list({ category: category.slug, 'option.Size': 'XL' });

    expect(idsOf(medium)).toEqual([shirt.id]);
    expect(idsOf(blue).sort()).toEqual([shirt.id, mug.id].sort());
    expect(redOrBlue.total).toBe(2);
    expect(nothing).toMatchObject({ items: [], total: 0 });
  });

  test('when several variant filters combine, then ONE active variant must match them all', async () => {
    // Tee: M/Red is out of stock, M/Blue is inactive; so no sold M is in stock
    const mediumInStock = await list({ category: category.slug, 'option.Size': 'M', inStock: 'true' });
    // Tee L/Blue costs 1900 and is in stock; Mug Blue 1200 in stock
    const blueOver1500 = await list({ category: category.slug, 'option.Colour': 'Blue', minPrice: 1500 });
    const redInStock = await list({ category: category.slug, 'option.Colour': 'Red', inStock: 'true' });

    expect(mediumInStock).toMatchObject({ items: [], total: 0 });
    expect(idsOf(blueOver1500)).toEqual([shirt.id]);
    expect(idsOf(redInStock)).toEqual([shirt.id]); // the red mug is sold out
  });

  test('when filtered by price, then a product matches when one active variant is in the range, inclusive', async () => {
    const around1200 = await list({ category: category.slug, minPrice: 1000, maxPrice: 1200 });
    const upTo900 = await list({ category: category.slug, maxPrice: 900 }); // Tee's 900 variant is inactive
    const exactly1900 = await list({ category: category.slug, minPrice: 1900, maxPrice: 1900 });

    expect(idsOf(around1200)).toEqual([mug.id]);
    expect(idsOf(upTo900)).toEqual([mug.id]);
    expect(idsOf(exactly1900)).toEqual([shirt.id]);
  });

  test('when sorted by price, then by the lowest active variant price', async () => {
    const ascending = await list({ category: category.slug, sort: 'price_asc' });
    const descending = await list({ category: category.slug, sort: 'price_desc' });

    expect(ascending.items.map((p) => [p.id, p.priceRange.minMinor])).toEqual([
      [mug.id, 800],
      [shirt.id, 1500],
    ]);
    expect(idsOf(descending)).toEqual([shirt.id, mug.id]);
  });

  test('when searched with q, then an active variant SKU matches, an inactive one does not', async () => {
    const bySku = await list({ q: shirt.variants[2].sku.toLowerCase() });
    const byInactiveSku = await list({ q: shirt.variants[3].sku });

    expect(idsOf(bySku)).toEqual([shirt.id]);
    expect(byInactiveSku.items.map((p) => p.id)).not.toContain(shirt.id);
  });

  test('when every variant of a product is inactive, then the product is not listed and its page is a 404; activating one brings it back', async () => {
    const gone = await createProductWithVariants(shop.db.pool, {
      categoryId: category.id,
      options: [{ name: 'Size', values: ['S'] }],
      variants: [{ optionValues: { Size: 'S' }, active: false }],
    });

    expect(idsOf(await list({ category: category.slug }))).not.toContain(gone.id);
    await shop.request.get(`/api/products/${gone.id}`).expect(404);

    await shop.db.pool.query(`UPDATE product_variants SET active = true WHERE id = $1`, [gone.variantId]);
    expect(idsOf(await list({ category: category.slug }))).toContain(gone.id);
    await shop.db.pool.query(`DELETE FROM products WHERE id = $1`, [gone.id]);
  });

  test("when a variant's option values change or it is deactivated, then the option filter follows at once", async () => {
    const cap = await createProductWithVariants(shop.db.pool, {
      categoryId: category.id,
      options: [{ name: 'Size', values: ['S', 'XS'] }],
      variants: [{ optionValues: { Size: 'S' } }],
    });
    const xs = async () => idsOf(await list({ category: category.slug, 'option.Size': 'XS' }));

    expect(await xs()).not.toContain(cap.id);
    await shop.db.pool.query(`UPDATE product_variants SET option_values = '{"Size": "XS"}' WHERE id = $1`, [cap.variantId]);
    expect(await xs()).toEqual([cap.id]);
    await shop.db.pool.query(`UPDATE product_variants SET active = false WHERE id = $1`, [cap.variantId]);
    expect(await xs()).toEqual([]);
    await shop.db.pool.query(`DELETE FROM products WHERE id = $1`, [cap.id]);
  });

  test('when an option value is common (more matches than FEW_MATCHES) or rare, then both plans give the newest matches first and the same total', async () => {
    const bulk = await createCategory(shop.db.pool);
    await shop.db.pool.query(
      `WITH made AS (
         INSERT INTO products (slug, title, category_id, created_at)
         SELECT $1 || '-' || g, 'Bulk tee ' || g, $2, timestamptz '2025-03-01' + g * interval '1 minute' FROM generate_series(1, $3::int) g
         RETURNING id, slug),
       opts AS (INSERT INTO product_options (product_id, name, values) SELECT id, 'Size', '{M,L}' FROM made)
       INSERT INTO product_variants (product_id, sku, option_values, price_minor, stock)
       SELECT id, slug || '-M', '{"Size": "M"}', 1000, 1 FROM made`,
      [bulk.slug, bulk.id, FEW_MATCHES + 1],
    );
    await shop.db.pool.query(`UPDATE product_variants SET option_values = '{"Size": "L"}' WHERE sku = $1`, [`${bulk.slug}-7-M`]);

    const common = await list({ category: bulk.slug, 'option.Size': 'M', limit: 5 });
    const rare = await list({ category: bulk.slug, 'option.Size': 'L', limit: 5 });

    expect(common.total).toBe(FEW_MATCHES); // all but number 7, whose variant is an L now
    expect(common.items.map((p) => (p as unknown as { title: string }).title)).toEqual([301, 300, 299, 298, 297].map((n) => `Bulk tee ${n}`));
    expect(rare.items.map((p) => (p as unknown as { title: string }).title)).toEqual(['Bulk tee 7']);
    await shop.db.pool.query(`DELETE FROM products WHERE category_id = $1`, [bulk.id]);
  });

  describe('bad option filters', () => {
    test.each([
      ['an empty option name', { 'option.': 'M' }, 'option.'],
      ['an empty value', { 'option.Size': '' }, 'option.Size'],
      ['a value of 101 characters', { 'option.Size': 'x'.repeat(101) }, 'option.Size'],
      ['21 values for one option', { 'option.Size': Array.from({ length: 21 }, (_, i) => `v${i}`) }, 'option.Size'],
      ['6 options', Object.fromEntries(['A', 'B', 'C', 'D', 'E', 'F'].map((n) => [`option.${n}`, 'x'])), 'option'],
    ])('when given %s, then 400 naming the field', async (_case, query, path) => {
      const res = await shop.request.get('/api/products').query(query).expect(400);

      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    });
  });
});

describe('keyset pages over products with variants', () => {
  test.each(['newest', 'price_asc', 'price_desc', 'title'])(
    'when every page of sort=%s is followed, then each product comes exactly once, whatever its number of variants',
    async (sort) => {
      const category = await createCategory(shop.db.pool);
      const made: string[] = [];
      for (let i = 0; i < 9; i++) {
        const sizes = ['S', 'M', 'L', 'XL'].slice(0, 1 + (i % 4));
        const product = await createProductWithVariants(shop.db.pool, {
          categoryId: category.id,
          title: ['fig', 'kiwi', 'apple'][i % 3], // ties in title
          options: [{ name: 'Size', values: sizes }],
          variants: sizes.map((size, k) => ({ optionValues: { Size: size }, priceMinor: 100 * (1 + (i % 3)) + k })), // ties in lowest price
          createdAt: new Date(Date.UTC(2025, 0, 1, 0, i % 4)), // ties in time
        });
        made.push(product.id);
      }

      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { items: Listed[]; nextCursor: string | null; total: number } = await list({
          category: category.slug,
          sort,
          limit: 2,
          ...(cursor ? { cursor } : {}),
        });
        expect(page.total).toBe(9);
        seen.push(...idsOf(page));
        cursor = page.nextCursor;
      } while (cursor);

      expect(seen).toHaveLength(9);
      expect(new Set(seen)).toEqual(new Set(made));
    },
  );
});

describe('GET /api/products/{idOrSlug} with variants', () => {
  test('when a product with options is read, then its options with their values in order and every active variant with its title, stock and image', async () => {
    const hoodie = await createProductWithVariants(shop.db.pool, {
      title: 'Hoodie',
      options: [
        { name: 'Colour', values: ['Grey', 'Black'] },
        { name: 'Size', values: ['M', 'L'] },
      ],
      variants: [
        { optionValues: { Size: 'M', Colour: 'Black' }, priceMinor: 4500, stock: 2, imageUrl: 'https://img.example/black.jpg' },
        { optionValues: { Size: 'L', Colour: 'Grey' }, priceMinor: 4700, stock: 0 },
        { optionValues: { Size: 'M', Colour: 'Grey' }, priceMinor: 4500, stock: 9, active: false },
      ],
    });
    const [black, grey] = hoodie.variants;

    const res = await shop.request.get(`/api/products/${hoodie.slug}`).expect(200);

    expect(res.body.options).toEqual([
      { name: 'Colour', values: ['Grey', 'Black'] },
      { name: 'Size', values: ['M', 'L'] },
    ]);
    expect(res.body.variants).toEqual([
      {
        id: black.id,
        sku: black.sku,
        title: 'Black / M',
        optionValues: { Size: 'M', Colour: 'Black' },
        priceMinor: 4500,
        compareAtPriceMinor: null,
        stock: 2,
        inStock: true,
        imageUrl: 'https://img.example/black.jpg',
      },
      {
        id: grey.id,
        sku: grey.sku,
        title: 'Grey / L',
        optionValues: { Size: 'L', Colour: 'Grey' },
        priceMinor: 4700,
        compareAtPriceMinor: null,
        stock: 0,
        inStock: false,
        imageUrl: null,
      },
    ]);
    expect(res.body).toMatchObject({ priceRange: { minMinor: 4500, maxMinor: 4700 }, inStock: true });
  });

  test('when staff reorder the variants, then the page shows them in the new order', async () => {
    const product = await createProduct(shop.db.pool, { sku: undefined });
    await shop.db.pool.query(`INSERT INTO product_options (product_id, name, position, values) VALUES ($1, 'Size', 0, '{S,M}')`, [product.id]);
    await shop.db.pool.query(`UPDATE product_variants SET option_values = '{"Size": "S"}', position = 1 WHERE id = $1`, [product.variantId]);
    const medium = await createVariant(shop.db.pool, product.id, { optionValues: { Size: 'M' }, position: 0 });

    const res = await shop.request.get(`/api/products/${product.id}`).expect(200);

    expect(res.body.variants.map((v: { id: string }) => v.id)).toEqual([medium.id, product.variantId]);
  });
});
