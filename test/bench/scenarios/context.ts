// What every scenario gets from run.ts, and the one way an HTTP scenario is measured.
import type pg from 'pg';
import type { Request as LoadRequest } from 'autocannon';
import { runLoad, type LoadResult, type Row, type ServerProcess } from '../kit.js';

export type Customer = { userId: string; clerkUserId: string; token: string };

export type BenchContext = {
  /** this process's own pool on the bench database: set-up, checks and the pg ceilings */
  pool: pg.Pool;
  databaseUrl: string;
  /** the pool size each server process has (DATABASE_POOL_SIZE) */
  serverPoolSize: number;
  servers: ServerProcess[];
  /** unique per run, in every name a scenario inserts, so a database can serve many runs */
  runId: string;
  privateKeyPem: string;
  currency: string;
  seconds: number;
  warmupSeconds: number;
  connections: number;
};

export const pick = <T>(list: T[]) => list[Math.floor(Math.random() * list.length)];

/** The app's route and its ceiling route (ceilings.ts), each after a warm-up, with the same requests. */
export async function compareHttp(
  ctx: BenchContext,
  servers: ServerProcess[],
  scenario: string,
  requests: { app: LoadRequest[]; ceiling: LoadRequest[] },
  before?: () => Promise<unknown>,
): Promise<Row> {
  const pids = servers.map((s) => s.pid);
  const measure = async (targets: string[], reqs: LoadRequest[]): Promise<LoadResult> => {
    await before?.();
    await runLoad({ targets, pids, connections: ctx.connections, seconds: ctx.warmupSeconds, requests: reqs });
    await before?.();
    return runLoad({ targets, pids, connections: ctx.connections, seconds: ctx.seconds, requests: reqs });
  };
  const app = await measure(servers.map((s) => s.url), requests.app);
  const ceiling = await measure(servers.map((s) => s.ceilingUrl!), requests.ceiling);
  return { scenario, app, ceiling, ceilingName: 'bare Express, same SQL and pool' };
}

export const label = (scenario: string, servers: ServerProcess[]) => (servers.length > 1 ? `${scenario} (${servers.length} processes)` : scenario);
