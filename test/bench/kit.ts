// The pieces every benchmark scenario uses: a database, server processes, a load run, a table.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon, { type Request as LoadRequest } from 'autocannon';
import { pino } from 'pino';
import { startEmbeddedPostgres } from '../../src/shared/embedded-postgres.js';
import { migrate } from '../../src/shared/migrate.js';

export const freePort = () =>
  new Promise<number>((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });

/** BENCH_DATABASE_URL when set, else a fresh embedded PostgreSQL in a temporary folder. */
export async function benchDatabase(): Promise<{ url: string; stop(): Promise<void> }> {
  if (process.env.BENCH_DATABASE_URL) {
    await migrate(process.env.BENCH_DATABASE_URL);
    return { url: process.env.BENCH_DATABASE_URL, stop: async () => {} };
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'shop-bench-'));
  const embedded = await startEmbeddedPostgres({ dir: path.join(dir, 'pg'), port: await freePort(), database: 'bench', logger: pino({ level: 'silent' }) });
  await migrate(embedded.url);
  return { url: embedded.url, stop: embedded.stop };
}

export type ServerProcess = { url: string; pid: number; stop(): Promise<void> };

/** Starts test/bench/server.ts in its own process (the load generator stays in this one). */
export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.resolve('test/bench/server.ts')], {
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('listening') && resolve());
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

const rssBytes = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;

export type LoadResult = { rps: number; p50: number; p99: number; errors: number; requests: number; peakRssMb: number };

export type LoadOptions = {
  targets: string[]; // one base URL per server process; connections are split between them
  pids: number[];
  connections: number;
  seconds: number;
  requests: (target: string) => LoadRequest[];
};

/** One load run with autocannon against every target at once; memory is sampled meanwhile. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  let peak = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, options.pids.reduce((sum, pid) => sum + rssBytes(pid), 0));
  }, 200);
  const perTarget = Math.max(1, Math.floor(options.connections / options.targets.length));
  const results = await Promise.all(
    options.targets.map((url) =>
      autocannon({ url, connections: perTarget, duration: options.seconds, requests: options.requests(url) }),
    ),
  );
  clearInterval(sampler);
  const requests = results.reduce((s, r) => s + r.requests.total, 0);
  return {
    rps: results.reduce((s, r) => s + r.requests.average, 0),
    p50: Math.max(...results.map((r) => r.latency.p50)),
    p99: Math.max(...results.map((r) => r.latency.p99)),
    errors: results.reduce((s, r) => s + r.errors + r.timeouts + r.non2xx, 0),
    requests,
    peakRssMb: Math.round(peak / 1024 / 1024),
  };
}

export type Row = { scenario: string; app: LoadResult; ceiling?: LoadResult; ceilingName?: string };

export function printTable(rows: Row[]) {
  const fmt = (r?: LoadResult) => (r ? [r.rps.toFixed(0), r.p50.toFixed(1), r.p99.toFixed(1), String(r.errors), String(r.peakRssMb)] : ['', '', '', '', '']);
  const header = ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'RSS MB', 'ceiling req/s', 'ceiling p99', 'ratio'];
  const lines = rows.map((row) => {
    const [rps, p50, p99, errors, rss] = fmt(row.app);
    const ratio = row.ceiling ? `${((row.app.rps / row.ceiling.rps) * 100).toFixed(0)}%` : '';
    return [row.scenario, rps, p50, p99, errors, rss, row.ceiling ? row.ceiling.rps.toFixed(0) : '', row.ceiling ? row.ceiling.p99.toFixed(1) : '', ratio];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ') + ' |';
  console.log(line(header));
  console.log('|' + widths.map((w, i) => (i === 0 ? ':' : '') + '-'.repeat(w) + (i === 0 ? '-' : ':')).map((s) => s).join('|') + '|');
  for (const l of lines) console.log(line(l));
}
