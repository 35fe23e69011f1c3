// Catalog reads: the listing (plain, sorted by price, with a search term, with a category
// filter; with the variant filters: an option, a price range, in stock), a product's detail, and
// the "Vendure-shape" listing, each beside the bare Express route running the same SQL through
// the same pool. And how many SQL statements a listing costs, by how many variants its page holds.
import type { Row, ServerProcess } from '../kit.js';
import { VENDURE_SHAPE_CATEGORY } from '../seed-large.js';
import { compareHttp, label, pick, type BenchContext } from './context.js';

const LISTINGS: [string, string][] = [
  ['catalog list with variants', '?limit=20'],
  ['catalog list, q', '?limit=20&q=grinder'],
  ['catalog list, category', '?limit=20&category=bench-7'],
];
const MORE_LISTINGS: [string, string][] = [['catalog list, by price', '?limit=20&sort=price_asc']];
// A product matches when one of its active variants matches every variant filter.
const FILTERED_LISTINGS: [string, string][] = [
  ['catalog list, option', '?limit=20&option.Size=M'],
  ['catalog list, price range', '?limit=20&minPrice=5000&maxPrice=6000'],
  ['catalog list, in stock', '?limit=20&inStock=true'],
];

async function listings(ctx: BenchContext, servers: ServerProcess[], which: [string, string][]): Promise<Row[]> {
  const rows: Row[] = [];
  for (const [scenario, query] of which) {
    rows.push(
      await compareHttp(ctx, servers, label(`${scenario} GET /api/products${query}`, servers), {
        app: [{ method: 'GET', path: `/api/products${query}` }],
        ceiling: [{ method: 'GET', path: `/ceiling/products${query}` }],
      }),
    );
  }
  return rows;
}

/** The listings of earlier runs (also on two processes), and `sort=price_asc` on one. */
export const catalogListScenarios = (ctx: BenchContext, servers: ServerProcess[]) =>
  listings(ctx, servers, servers.length > 1 ? LISTINGS : [...LISTINGS, ...MORE_LISTINGS]);

export const catalogFilterScenarios = (ctx: BenchContext, servers: ServerProcess[]) => listings(ctx, servers, FILTERED_LISTINGS);

export async function productDetailScenario(ctx: BenchContext, servers: ServerProcess[]): Promise<Row> {
  const { rows } = await ctx.pool.query<{ id: string }>(
    `SELECT id FROM products WHERE active AND price_min_minor IS NOT NULL AND slug LIKE 'bench-product-%' ORDER BY random() LIMIT 1000`,
  );
  const ids = rows.map((r) => r.id);
  const detail = (prefix: string) => [{ method: 'GET', setupRequest: (req: object) => ({ ...req, path: `${prefix}/${pick(ids)}` }) }];
  return compareHttp(ctx, servers, label('product detail GET /api/products/:id', servers), {
    app: detail('/api/products'),
    ceiling: detail('/ceiling/products'),
  });
}

// The figure for Vendure 3.7 on this machine, quoted (not measured here), for
// `products(take: 20) { items { variants { priceWithTax stockLevel } } }` at 50 connections.
export const VENDURE = { rps: 7, p99Ms: 6500, factor: 50 };
export const VENDURE_SHAPE_QUERY = `?limit=20&category=${VENDURE_SHAPE_CATEGORY}`;

/**
 * The Vendure comparison's shape: 20 products with their variants per page, from a set of 1,000
 * products with exactly two variants each (its own category in the bench database, so the listing
 * filters to it; the other 100k products are still in the tables).
 */
export const vendureShapeScenario = (ctx: BenchContext, servers: ServerProcess[]) =>
  listings(ctx, servers, [['Vendure shape: 20 of 1,000 products × 2 variants', VENDURE_SHAPE_QUERY]]).then(([row]) => row);

export function vendureComparison(row: Row): string[] {
  const times = row.app.rps / VENDURE.rps;
  const target = VENDURE.rps * VENDURE.factor;
  return [
    '| listing, 20 products with variants, 50 connections | req/s | p99 ms | server CPU ms/req |',
    '|:--|--:|--:|--:|',
    `| Vendure 3.7 (quoted from the issue, not measured here) | ~${VENDURE.rps} | ~${VENDURE.p99Ms} | |`,
    `| this app, ${VENDURE_SHAPE_QUERY} (measured) | ${row.app.rps.toFixed(0)} | ${row.app.p99.toFixed(1)} | ${row.app.serverCpuMs.toFixed(2)} |`,
    '',
    `${times.toFixed(0)}× Vendure's req/s; target ${VENDURE.factor}× = ${target} req/s: ${row.app.rps >= target ? 'met' : 'MISSED'}. ` +
      `Vendure's query asks for priceWithTax and stockLevel; this listing sends each variant's price (no tax configured), ` +
      `compare-at price, SKU, option values and inStock, plus the product's options, price range and category, and a capped total.`,
  ];
}

export type StatementCount = { listing: string; products: number; variants: number; statementsPerRequest: number };

/**
 * SQL statements per request, counted in the server process (ceilings.ts, countStatements)
 * while requests go one at a time, for pages of products with two, four, and one to four
 * variants: the listing must stay one page statement plus one count, whatever the variants.
 */
export async function statementCounts(ctx: BenchContext, server: ServerProcess, requests = 20): Promise<StatementCount[]> {
  const counted = async () => ((await (await fetch(`${server.ceilingUrl}/ceiling/statements`)).json()) as { statements: number }).statements;
  const { rows } = await ctx.pool.query<{ id: string }>(
    `SELECT p.id FROM products p WHERE p.active AND p.slug LIKE 'bench-product-%'
        AND (SELECT count(*) FROM product_variants v WHERE v.product_id = p.id AND v.active) = 4 LIMIT 1`,
  );
  const cases: [string, string][] = [
    ['Vendure shape (2 variants each)', `/api/products${VENDURE_SHAPE_QUERY}`],
    ['Size XL only (4 variants each, some 3)', '/api/products?limit=20&option.Size=XL'],
    ['plain, 100 per page (1-4 variants)', '/api/products?limit=100'],
    ['q=grinder, in stock, 50 per page', '/api/products?limit=50&q=grinder&inStock=true'],
    ['product detail (4 variants)', `/api/products/${rows[0].id}`],
  ];
  // statements still in flight from an earlier load would count against the first case
  for (let last = -1, now = await counted(); now !== last; last = now, now = await counted()) await new Promise((r) => setTimeout(r, 500));
  const results: StatementCount[] = [];
  for (const [listing, path] of cases) {
    let products = 0;
    let variants = 0;
    const before = await counted();
    for (let i = 0; i < requests; i++) {
      const res = await fetch(`${server.url}${path}`);
      if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
      const body = (await res.json()) as { items?: { variants: unknown[] }[]; variants?: unknown[] };
      const items = body.items ?? [body as { variants: unknown[] }];
      products = items.length;
      variants = items.reduce((sum, item) => sum + item.variants.length, 0);
    }
    const statements = (await counted()) - before;
    results.push({ listing: `${listing} GET ${path.replace(/[0-9a-f-]{36}$/, ':id')}`, products, variants, statementsPerRequest: statements / requests });
  }
  return results;
}

export function printStatementCounts(counts: StatementCount[]) {
  console.log('| request | products on the page | variants on the page | SQL statements per request |');
  console.log('|:--|--:|--:|--:|');
  for (const c of counts) console.log(`| ${c.listing} | ${c.products} | ${c.variants} | ${c.statementsPerRequest.toFixed(2)} |`);
}
