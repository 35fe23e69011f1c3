import type { PrismaClient } from '@prisma/client';
import { seedDemoDelivery } from './demo-delivery.js';
import { STOCK_MOVEMENT_SETTING, stockMovementJson } from '../src/catalog/stock.js';

const CATEGORIES = [
  { name: 'Coffee', slug: 'coffee', description: 'Beans and ground coffee from small roasters' },
  { name: 'Brewing', slug: 'brewing', description: 'Kettles, grinders and brewers' },
  { name: 'Tea', slug: 'tea', description: 'Loose leaf teas' },
  { name: 'Cups & Mugs', slug: 'cups-mugs', description: 'Things to drink from' },
  { name: 'Apparel', slug: 'apparel', description: 'Shirts and hoodies for coffee people' },
];

// Products without options, each sold as one variant: [category slug, title, price in cents, stock, active].
// The variant's SKU is DEMO-001, DEMO-002... by position here (what each product's SKU was before variants).
const PRODUCTS: [string, string, number, number, boolean][] = [
  ['coffee', 'Ethiopia Yirgacheffe 250g', 1450, 40, true],
  ['coffee', 'Colombia Huila 250g', 1290, 35, true],
  ['coffee', 'Kenya AA 250g', 1690, 12, true],
  ['coffee', 'Brazil Cerrado 1kg', 3990, 8, true],
  ['coffee', 'Guatemala Antigua 250g', 1350, 0, true],
  ['coffee', 'House Espresso Blend 1kg', 3490, 25, true],
  ['coffee', 'Decaf Swiss Water 250g', 1390, 15, true],
  ['coffee', 'Sumatra Mandheling 250g', 1490, 3, true],
  ['coffee', 'Holiday Blend 250g', 1590, 20, false],
  ['brewing', 'Pour-over Dripper', 2490, 30, true],
  ['brewing', 'Gooseneck Kettle', 6990, 10, true],
  ['brewing', 'Burr Grinder', 12900, 5, true],
  ['brewing', 'French Press 1L', 3490, 18, true],
  ['brewing', 'Paper Filters (100)', 690, 100, true],
  ['brewing', 'Digital Scale', 3990, 0, true],
  ['brewing', 'Moka Pot 6-cup', 3290, 9, true],
  ['brewing', 'Cold Brew Jar', 2890, 14, false],
  ['tea', 'Sencha 100g', 1190, 22, true],
  ['tea', 'Assam Breakfast 100g', 890, 30, true],
  ['tea', 'Earl Grey 100g', 950, 27, true],
  ['tea', 'Jasmine Pearls 50g', 1890, 6, true],
  ['tea', 'Rooibos 100g', 790, 0, true],
  ['tea', 'Matcha Ceremonial 30g', 2490, 11, true],
  ['tea', 'Oolong Tie Guan Yin 100g', 1690, 7, false],
  ['cups-mugs', 'Stoneware Mug', 1800, 50, true],
  ['cups-mugs', 'Double-wall Glass 250ml', 1590, 24, true],
  ['cups-mugs', 'Travel Tumbler', 2690, 16, true],
  ['cups-mugs', 'Espresso Cups (set of 2)', 2190, 13, true],
  ['cups-mugs', 'Tea Bowl', 2290, 4, true],
  ['cups-mugs', 'Latte Bowl', 1990, 21, true],
];

type OptionDemo = { name: string; values: string[] };
type VariantDemo = { optionValues: Record<string, string>; sku: string; priceMinor: number; compareAtPriceMinor?: number; stock: number; active?: boolean };
type ProductWithOptionsDemo = { category: string; title: string; options: OptionDemo[]; variants: VariantDemo[] };

/** One variant per combination of the options' values, in their order; `detail` gives each its price and stock. */
function everyCombination(
  prefix: string,
  options: OptionDemo[],
  detail: (values: Record<string, string>, i: number) => Omit<VariantDemo, 'optionValues' | 'sku'>,
) {
  const combinations = options.reduce<Record<string, string>[]>(
    (combos, option) => combos.flatMap((combo) => option.values.map((value) => ({ ...combo, [option.name]: value }))),
    [{}],
  );
  return combinations.map((optionValues, i) => ({
    optionValues,
    sku: [prefix, ...Object.values(optionValues).map((v) => v.toUpperCase())].join('-'),
    ...detail(optionValues, i),
  }));
}

const SIZES = ['S', 'M', 'L'];
// Products sold in several variants: sizes and colours, each variant with its own SKU, price and stock.
const PRODUCTS_WITH_OPTIONS: ProductWithOptionsDemo[] = [
  {
    category: 'apparel',
    title: 'Coffee Crew T-shirt',
    options: [
      { name: 'Size', values: SIZES },
      { name: 'Colour', values: ['Red', 'Blue'] },
    ],
    // on sale: the compare-at price is the old one
    variants: everyCombination(
      'DEMO-TEE',
      [
        { name: 'Size', values: SIZES },
        { name: 'Colour', values: ['Red', 'Blue'] },
      ],
      (v, i) => ({
        priceMinor: 1990,
        compareAtPriceMinor: 2490,
        stock: v.Size === 'L' && v.Colour === 'Blue' ? 0 : 4 + 3 * i,
      }),
    ),
  },
  {
    category: 'apparel',
    title: 'Roastery Hoodie',
    options: [{ name: 'Size', values: [...SIZES, 'XL'] }],
    variants: everyCombination('DEMO-HOODIE', [{ name: 'Size', values: [...SIZES, 'XL'] }], (v) => ({
      priceMinor: v.Size === 'XL' ? 5490 : 4990,
      stock: { S: 6, M: 12, L: 9, XL: 2 }[v.Size] ?? 0,
    })),
  },
  {
    category: 'cups-mugs',
    title: 'Enamel Camp Mug',
    options: [{ name: 'Colour', values: ['White', 'Black'] }],
    variants: everyCombination('DEMO-CAMPMUG', [{ name: 'Colour', values: ['White', 'Black'] }], (v) => ({
      priceMinor: 1490,
      stock: v.Colour === 'White' ? 30 : 3,
    })),
  },
];

const slugify = (title: string) =>
  title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

/**
 * Loads the demo catalog: the products without options (one variant each) and the apparel and
 * mug with sizes and colours, and the demo delivery (prisma/demo-delivery.ts). Rows that already exist (same slug, SKU, option or combination)
 * are left as they are. Answers how many products it created.
 */
export async function seedDemoCatalog(prisma: PrismaClient, currency = 'USD'): Promise<number> {
  await prisma.category.createMany({ data: CATEGORIES, skipDuplicates: true });
  const categories = await prisma.category.findMany({ where: { slug: { in: CATEGORIES.map((c) => c.slug) } } });
  const categoryId = new Map(categories.map((c) => [c.slug, c.id]));
  const all = [
    ...PRODUCTS.map(([category, title, priceMinor, stock, active], i) => ({
      category,
      title,
      active,
      options: [] as OptionDemo[],
      variants: [{ optionValues: {}, sku: `DEMO-${String(i + 1).padStart(3, '0')}`, priceMinor, stock }] as VariantDemo[],
    })),
    ...PRODUCTS_WITH_OPTIONS.map((p) => ({ ...p, active: true })),
  ];
  return prisma.$transaction(async (tx) => {
    const created = await tx.product.createMany({
      skipDuplicates: true,
      data: all.map(({ category, title, active }, i) => ({
        slug: slugify(title),
        title,
        description: `${title}: part of the demo catalog.`,
        imageUrl: `https://picsum.photos/seed/${slugify(title)}/600/600`,
        currency,
        active,
        categoryId: categoryId.get(category),
        // distinct creation times give "newest" a stable order
        createdAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000),
      })),
    });
    const products = await tx.product.findMany({ where: { slug: { in: all.map((p) => slugify(p.title)) } }, select: { id: true, slug: true } });
    const productId = new Map(products.map((p) => [p.slug, p.id]));
    await tx.productOption.createMany({
      skipDuplicates: true,
      data: all.flatMap((p) => p.options.map((o, position) => ({ productId: productId.get(slugify(p.title))!, name: o.name, position, values: o.values }))),
    });
    // the ledger's first movement of each variant: its initial stock, by the demo seed
    await tx.$queryRaw`SELECT set_config(${STOCK_MOVEMENT_SETTING}, ${stockMovementJson({ reason: 'initial', actor: 'system:demo' })}, true)`;
    await tx.productVariant.createMany({
      skipDuplicates: true,
      data: all.flatMap((p) =>
        p.variants.map((v, position) => ({
          productId: productId.get(slugify(p.title))!,
          sku: v.sku,
          optionValues: v.optionValues,
          priceMinor: v.priceMinor,
          compareAtPriceMinor: v.compareAtPriceMinor ?? null,
          stock: v.stock,
          active: v.active ?? true,
          position,
        })),
      ),
    });
    await seedDemoDelivery(tx);
    return created.count;
  });
}

/**
 * The demo catalog, only into a shop with no products at all: one that has a catalog, even one
 * it trimmed, is left alone. Answers how many products it loaded (0 when it left the shop alone).
 */
export async function seedDemoCatalogIfEmpty(prisma: PrismaClient, currency = 'USD'): Promise<number> {
  if ((await prisma.product.count()) > 0) return 0;
  return seedDemoCatalog(prisma, currency);
}
