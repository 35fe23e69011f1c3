import { useTestDatabase } from '../helpers/test-app.js';
import { seedDemoCatalog, seedDemoCatalogIfEmpty } from '../../prisma/demo-catalog.js';
import { fullVariantTitle, optionValuesRule } from '../../src/catalog/variant-rules.js';

const database = useTestDatabase(3);

type Row = {
  title: string;
  active: boolean;
  priceMinMinor: number | null;
  priceMaxMinor: number | null;
  options: { name: string; values: string[] }[];
  variants: { sku: string; optionValues: Record<string, string>; priceMinor: number; compareAtPriceMinor: number | null; stock: number }[];
};

const catalog = async () =>
  (
    await database.db.pool.query<Row>(
      `SELECT p.title, p.active, p.price_min_minor AS "priceMinMinor", p.price_max_minor AS "priceMaxMinor",
              COALESCE((SELECT json_agg(json_build_object('name', o.name, 'values', o.values) ORDER BY o.position) FROM product_options o WHERE o.product_id = p.id), '[]') AS options,
              (SELECT json_agg(json_build_object('sku', v.sku, 'optionValues', v.option_values, 'priceMinor', v.price_minor,
                                                 'compareAtPriceMinor', v.compare_at_price_minor, 'stock', v.stock) ORDER BY v.position)
                 FROM product_variants v WHERE v.product_id = p.id) AS variants
         FROM products p ORDER BY p.created_at`,
    )
  ).rows;

describe('the demo catalog (npm start and the seed)', () => {
  test('when seeded, then products without options have one variant with their old SKU, and the apparel and mug come in sizes and colours', async () => {
    const made = await seedDemoCatalog(database.db.prisma, 'USD');

    const rows = await catalog();
    expect(made).toBe(33);
    expect(rows).toHaveLength(33);
    const plain = rows.filter((p) => p.options.length === 0);
    expect(plain).toHaveLength(30);
    expect(plain[0]).toMatchObject({
      title: 'Ethiopia Yirgacheffe 250g',
      priceMinMinor: 1450,
      variants: [{ sku: 'DEMO-001', optionValues: {}, priceMinor: 1450, stock: 40 }],
    });
    for (const p of plain) expect(p.variants).toHaveLength(1);

    const tee = rows.find((p) => p.title === 'Coffee Crew T-shirt')!;
    expect(tee.options).toEqual([
      { name: 'Size', values: ['S', 'M', 'L'] },
      { name: 'Colour', values: ['Red', 'Blue'] },
    ]);
    expect(tee.variants.map((v) => fullVariantTitle(tee.title, tee.options, v.optionValues))).toEqual([
      'Coffee Crew T-shirt — S / Red',
      'Coffee Crew T-shirt — S / Blue',
      'Coffee Crew T-shirt — M / Red',
      'Coffee Crew T-shirt — M / Blue',
      'Coffee Crew T-shirt — L / Red',
      'Coffee Crew T-shirt — L / Blue',
    ]);
    expect(tee.variants.every((v) => v.compareAtPriceMinor !== null && v.compareAtPriceMinor > v.priceMinor)).toBe(true);
    expect(tee.variants.find((v) => v.sku === 'DEMO-TEE-L-BLUE')!.stock).toBe(0);
    const hoodie = rows.find((p) => p.title === 'Roastery Hoodie')!;
    expect(hoodie.options).toEqual([{ name: 'Size', values: ['S', 'M', 'L', 'XL'] }]);
    expect(hoodie).toMatchObject({ priceMinMinor: 4990, priceMaxMinor: 5490 });
    const mug = rows.find((p) => p.title === 'Enamel Camp Mug')!;
    expect(mug.variants.map((v) => v.optionValues)).toEqual([{ Colour: 'White' }, { Colour: 'Black' }]);

    // every variant follows the panel's rules for its product's options
    for (const p of rows) for (const v of p.variants) expect(optionValuesRule(p.options).safeParse(v.optionValues).success).toBe(true);
  });

  test('when seeded again, or into a shop that has products, then nothing is added', async () => {
    const before = await catalog();

    const again = await seedDemoCatalog(database.db.prisma, 'USD');
    const ifEmpty = await seedDemoCatalogIfEmpty(database.db.prisma, 'USD');

    expect([again, ifEmpty]).toEqual([0, 0]);
    expect(await catalog()).toEqual(before);
  });
});
