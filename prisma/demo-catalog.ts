import type { PrismaClient } from '@prisma/client';

const CATEGORIES = [
  { name: 'Coffee', slug: 'coffee', description: 'Beans and ground coffee from small roasters' },
  { name: 'Brewing', slug: 'brewing', description: 'Kettles, grinders and brewers' },
  { name: 'Tea', slug: 'tea', description: 'Loose leaf teas' },
  { name: 'Cups & Mugs', slug: 'cups-mugs', description: 'Things to drink from' },
];

// [category slug, title, price in cents, stock, active]
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

const slugify = (title: string) =>
  title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

/** Loads the demo catalog; rows that already exist (same slug or SKU) are left as they are. */
export async function seedDemoCatalog(prisma: PrismaClient, currency = 'USD'): Promise<number> {
  await prisma.category.createMany({ data: CATEGORIES, skipDuplicates: true });
  const categories = await prisma.category.findMany({ where: { slug: { in: CATEGORIES.map((c) => c.slug) } } });
  const categoryId = new Map(categories.map((c) => [c.slug, c.id]));
  let created = 0;
  for (const [i, [category, title, priceMinor, stock, active]] of PRODUCTS.entries()) {
    const slug = slugify(title);
    if (await prisma.product.findUnique({ where: { slug } })) continue;
    await prisma.product.create({
      data: {
        slug,
        title,
        description: `${title}: part of the demo catalog.`,
        imageUrl: `https://picsum.photos/seed/${slug}/600/600`,
        currency,
        active,
        categoryId: categoryId.get(category),
        // distinct creation times give "newest" a stable order
        createdAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000),
        variants: { create: { sku: `DEMO-${String(i + 1).padStart(3, '0')}`, priceMinor, stock } },
      },
    });
    created += 1;
  }
  return created;
}

/**
 * The demo catalog, only into a shop with no products at all: one that has a catalog, even one
 * it trimmed, is left alone. Answers how many products it loaded (0 when it left the shop alone).
 */
export async function seedDemoCatalogIfEmpty(prisma: PrismaClient, currency = 'USD'): Promise<number> {
  if ((await prisma.product.count()) > 0) return 0;
  return seedDemoCatalog(prisma, currency);
}
