// Catalog reads: the listing (plain, with a search term, with a category filter) and a product's
// detail, each beside the bare Express route running the same SQL through the same pool.
import type { Row, ServerProcess } from '../kit.js';
import { compareHttp, label, pick, type BenchContext } from './context.js';

const LISTINGS: [string, string][] = [
  ['catalog list', '?limit=20'],
  ['catalog list, q', '?limit=20&q=grinder'],
  ['catalog list, category', '?limit=20&category=bench-7'],
];

export async function catalogListScenarios(ctx: BenchContext, servers: ServerProcess[]): Promise<Row[]> {
  const rows: Row[] = [];
  for (const [scenario, query] of LISTINGS) {
    rows.push(
      await compareHttp(ctx, servers, label(`${scenario} GET /api/products${query}`, servers), {
        app: [{ method: 'GET', path: `/api/products${query}` }],
        ceiling: [{ method: 'GET', path: `/ceiling/products${query}` }],
      }),
    );
  }
  return rows;
}

export async function productDetailScenario(ctx: BenchContext, servers: ServerProcess[]): Promise<Row> {
  const { rows } = await ctx.pool.query<{ id: string }>(`SELECT id FROM products WHERE active ORDER BY random() LIMIT 1000`);
  const ids = rows.map((r) => r.id);
  const detail = (prefix: string) => [{ method: 'GET', setupRequest: (req: object) => ({ ...req, path: `${prefix}/${pick(ids)}` }) }];
  return compareHttp(ctx, servers, label('product detail GET /api/products/:id', servers), {
    app: detail('/api/products'),
    ceiling: detail('/ceiling/products'),
  });
}
