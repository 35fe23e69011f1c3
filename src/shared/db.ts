import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '@prisma/client';

// BIGINT (counts, sums) and NUMERIC come back as JS numbers: every amount here is integer
// minor units well inside Number.MAX_SAFE_INTEGER.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

export type Db = {
  /** Plain SQL for hot paths and conditional updates. */
  pool: pg.Pool;
  /** The ORM over the same pool, for ordinary reads and writes. */
  prisma: PrismaClient;
  close(): Promise<void>;
};

export function createDb(databaseUrl: string, poolSize = 20): Db {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: poolSize,
    connectionTimeoutMillis: 3000,
    idleTimeoutMillis: 30_000,
  });
  // A connection dropped while idle (server restart, pg_terminate_backend) must not kill the
  // process; the pool replaces it on next use.
  pool.on('error', () => {});
  // The pool listens for errors only on idle connections: one killed while checked out (inside a
  // transaction) would emit an unhandled 'error' and crash the process. Its queries reject anyway
  // and the pool discards it on release, so the event itself carries nothing to act on.
  pool.on('connect', (client) => client.on('error', () => {}));
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    pool,
    prisma,
    async close() {
      await prisma.$disconnect().catch(() => {});
      await pool.end().catch(() => {});
    },
  };
}

export type Tx = pg.PoolClient;
/** A pool or a transaction's client: anything that runs a query. */
export type Queryable = Pick<pg.Pool, 'query'>;

/** Runs `work` in one transaction on one connection; rolls back on any error. */
export async function inTransaction<T>(pool: pg.Pool, work: (tx: Tx) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {
      broken = true; // the connection itself is gone: do not return it to the pool
    });
    throw err;
  } finally {
    client.release(broken);
  }
}
