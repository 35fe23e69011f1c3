// The media route: a product image's card size served from PostgreSQL (GET /media/{key}/card,
// through the whole app: validation, problem answers, ETag, cache headers), beside the bare
// Express route reading the same bytea by key with the same statement through the same pool.
import type { Row, ServerProcess } from '../kit.js';
import { compareHttp, label, pick, type BenchContext } from './context.js';

export async function mediaScenario(ctx: BenchContext, servers: ServerProcess[]): Promise<Row> {
  const { rows } = await ctx.pool.query<{ key: string; bytes: number }>(`SELECT key, length(bytes) AS bytes FROM media_objects WHERE size = 'card'`);
  if (!rows.length) throw new Error('no stored images: the bench database was seeded before images were (seed-large.ts seedImages)');
  const keys = rows.map((r) => r.key);
  const average = Math.round(rows.reduce((sum, r) => sum + r.bytes, 0) / rows.length / 1024);
  const card = (prefix: string) => [{ method: 'GET', setupRequest: (req: object) => ({ ...req, path: `${prefix}/${pick(keys)}/card` }) }];
  return compareHttp(ctx, servers, label(`image card (~${average} KB) GET /media/:key/card`, servers), {
    app: card('/media'),
    ceiling: card('/ceiling/media'),
  });
}
