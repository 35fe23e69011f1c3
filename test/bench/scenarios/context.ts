// What every scenario gets from run.ts, and the one way an HTTP scenario is measured.
import type pg from 'pg';
import type { Request as LoadRequest } from 'autocannon';
import { combine, runLoad, type LoadResult, type Row, type ServerProcess } from '../kit.js';

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

/**
 * The app's route and its ceiling route (ceilings.ts) with the same requests, each warmed up,
 * then measured in two half-length slices in the order app, ceiling, ceiling, app: load from
 * elsewhere on the machine that drifts over the run (and a cache one side warms for the other)
 * weighs on both sides alike.
 */
export async function compareHttp(
  ctx: BenchContext,
  servers: ServerProcess[],
  scenario: string,
  requests: { app: LoadRequest[]; ceiling: LoadRequest[] },
  before?: () => Promise<unknown>,
): Promise<Row> {
  const pids = servers.map((s) => s.pid);
  const sides = {
    app: { targets: servers.map((s) => s.url), requests: requests.app, slices: [] as LoadResult[] },
    ceiling: { targets: servers.map((s) => s.ceilingUrl!), requests: requests.ceiling, slices: [] as LoadResult[] },
  };
  const load = async (side: keyof typeof sides, seconds: number) => {
    await before?.();
    return runLoad({ targets: sides[side].targets, pids, connections: ctx.connections, seconds, requests: sides[side].requests });
  };
  await load('app', ctx.warmupSeconds);
  await load('ceiling', ctx.warmupSeconds);
  for (const side of ['app', 'ceiling', 'ceiling', 'app'] as const) sides[side].slices.push(await load(side, Math.max(1, Math.round(ctx.seconds / 2))));
  return { scenario, app: combine(sides.app.slices), ceiling: combine(sides.ceiling.slices), ceilingName: 'bare Express, same SQL and pool' };
}

export const label = (scenario: string, servers: ServerProcess[]) => (servers.length > 1 ? `${scenario} (${servers.length} processes)` : scenario);
