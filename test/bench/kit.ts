// The pieces every benchmark scenario uses: a database, server processes, a load run, a table.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon, { type Request as LoadRequest } from 'autocannon';
import { startEmbeddedPostgres } from '../../src/shared/embedded-postgres.js';
import { migrate } from '../../src/shared/migrate.js';
import { freePort } from '../helpers/ports.js';

/** BENCH_DATABASE_URL when set, else a fresh embedded PostgreSQL in a temporary folder. */
export async function benchDatabase(): Promise<{ url: string; stop(): Promise<void> }> {
  if (process.env.BENCH_DATABASE_URL) {
    await migrate(process.env.BENCH_DATABASE_URL);
    return { url: process.env.BENCH_DATABASE_URL, stop: async () => {} };
  }
  const embedded = await startEmbeddedPostgres({ dir: mkdtempSync(path.join(tmpdir(), 'shop-bench-')), port: await freePort(), database: 'bench' });
  await migrate(embedded.url);
  return { url: embedded.url, stop: embedded.destroy };
}

/** url: the app; ceilingUrl: the bare Express app in the same process (BENCH_CEILINGS=1). */
export type ServerProcess = { url: string; ceilingUrl?: string; pid: number; stop(): Promise<void> };

/** Starts test/bench/server.ts in its own process (the load generator stays in this one). */
export async function startServerProcess(env: Record<string, string>, nodeArgs: string[] = []): Promise<ServerProcess> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', path.resolve('test/bench/server.ts')], {
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ceilingPort = await new Promise<string | undefined>((resolve, reject) => {
    let output: string | undefined = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      if (output === undefined) return void process.stderr.write(chunk); // the server's warnings and errors
      output += chunk.toString();
      const ready = /listening \d+(?: ceiling (\d+))?\n/.exec(output);
      if (ready) {
        output = undefined;
        resolve(ready[1]);
      }
    });
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    ceilingUrl: ceilingPort ? `http://127.0.0.1:${ceilingPort}` : undefined,
    pid: child.pid!,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export const rssBytes = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
// utime + stime in clock ticks (100 per second on Linux), fields 14 and 15 after the command name
const cpuTicks = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(fields[11]) + Number(fields[12]);
};

/**
 * Watches the server processes until stopped: the peak of their summed RSS (MB) and the CPU
 * seconds they used meanwhile, which tell whether a server or something else was the limit.
 */
export function watchServers(pids: number[]): () => { peakRssMb: number; serverCpuSeconds: number } {
  let peak = 0;
  const cpuAtStart = pids.reduce((sum, pid) => sum + cpuTicks(pid), 0);
  const sample = () =>
    (peak = Math.max(
      peak,
      pids.reduce((sum, pid) => sum + rssBytes(pid), 0),
    ));
  sample();
  const timer = setInterval(sample, 200);
  return () => {
    clearInterval(timer);
    sample();
    return { peakRssMb: Math.round(peak / 1024 / 1024), serverCpuSeconds: (pids.reduce((sum, pid) => sum + cpuTicks(pid), 0) - cpuAtStart) / 100 };
  };
}

export type LoadResult = {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  requests: number;
  peakRssMb: number;
  /** server CPU time per request (all server processes; for in-process ceilings, what the servers did meanwhile) */
  serverCpuMs: number;
};
const perRequest = (watched: { peakRssMb: number; serverCpuSeconds: number }, requests: number) => ({
  peakRssMb: watched.peakRssMb,
  serverCpuMs: requests ? (watched.serverCpuSeconds * 1000) / requests : 0,
});

export type LoadOptions = {
  targets: string[]; // one base URL per server process; connections are split between them
  pids: number[];
  connections: number;
  seconds: number;
  requests: LoadRequest[];
};

/** One load run with autocannon against every target at once; memory is sampled meanwhile. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const watched = watchServers(options.pids);
  const perTarget = Math.max(1, Math.floor(options.connections / options.targets.length));
  const results = await Promise.all(
    options.targets.map((url) => autocannon({ url, connections: perTarget, duration: options.seconds, requests: options.requests })),
  );
  const requests = results.reduce((s, r) => s + r.requests.total, 0);
  return {
    rps: results.reduce((s, r) => s + r.requests.total / r.duration, 0),
    p50: Math.max(...results.map((r) => r.latency.p50)),
    p99: Math.max(...results.map((r) => r.latency.p99)),
    errors: results.reduce((s, r) => s + r.errors + r.timeouts + r.non2xx, 0),
    requests,
    ...perRequest(watched(), requests),
  };
}

/**
 * Runs `op` with at most `concurrency` in flight until the items run out or `seconds` pass,
 * timing each: for work autocannon cannot repeat (a checkout empties its cart).
 */
export async function runPool<T>(
  options: { items: T[]; concurrency: number; seconds: number; pids: number[] },
  op: (item: T) => Promise<boolean>,
): Promise<LoadResult> {
  const watched = watchServers(options.pids);
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (next < options.items.length && performance.now() < deadline) {
        const item = options.items[next++];
        const t0 = performance.now();
        const ok = await op(item).catch(() => false);
        latencies.push(performance.now() - t0);
        if (!ok) errors++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.max(0, Math.ceil(q * latencies.length) - 1))] ?? 0;
  return { rps: latencies.length / seconds, p50: at(0.5), p99: at(0.99), errors, requests: latencies.length, ...perRequest(watched(), latencies.length) };
}

/** Several runs of one side as one: rates over the summed time, p99 and peaks the worst run's. */
export function combine(results: LoadResult[]): LoadResult {
  const requests = results.reduce((sum, r) => sum + r.requests, 0);
  const seconds = results.reduce((sum, r) => sum + (r.rps ? r.requests / r.rps : 0), 0);
  return {
    rps: seconds ? requests / seconds : 0,
    p50: results.reduce((sum, r) => sum + r.p50 * r.requests, 0) / (requests || 1),
    p99: Math.max(...results.map((r) => r.p99)),
    errors: results.reduce((sum, r) => sum + r.errors, 0),
    requests,
    peakRssMb: Math.max(...results.map((r) => r.peakRssMb)),
    serverCpuMs: results.reduce((sum, r) => sum + r.serverCpuMs * r.requests, 0) / (requests || 1),
  };
}

export type Row = { scenario: string; app: LoadResult; ceiling?: LoadResult; ceilingName?: string };

const ratioOf = (row: Row) => (row.ceiling ? row.app.rps / row.ceiling.rps : undefined);

export function printTable(rows: Row[]) {
  const header = [
    'scenario',
    'req/s',
    'p50 ms',
    'p99 ms',
    'errors',
    'RSS MB',
    'CPU ms/req',
    'ceiling',
    'ceiling req/s',
    'ceiling p50',
    'ceiling p99',
    'ceiling CPU ms/req',
    'ratio',
  ];
  const lines = rows.map((row) => {
    const ratio = ratioOf(row);
    const c = row.ceiling;
    return [
      row.scenario,
      row.app.rps.toFixed(0),
      row.app.p50.toFixed(1),
      row.app.p99.toFixed(1),
      `${row.app.errors}/${row.app.requests}`,
      String(row.app.peakRssMb),
      row.app.serverCpuMs.toFixed(2),
      row.ceilingName ?? '',
      c ? c.rps.toFixed(0) : '',
      c ? c.p50.toFixed(1) : '',
      c ? c.p99.toFixed(1) : '',
      c ? c.serverCpuMs.toFixed(2) : '',
      ratio === undefined ? '' : `${(ratio * 100).toFixed(0)}%`,
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const left = (i: number) => i === 0 || i === 7;
  const line = (cells: string[]) => '| ' + cells.map((c, i) => (left(i) ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ') + ' |';
  console.log(line(header));
  console.log('|' + widths.map((w, i) => (left(i) ? ':' + '-'.repeat(w + 1) : '-'.repeat(w + 1) + ':')).join('|') + '|');
  for (const l of lines) console.log(line(l));
}

/** The rows as JSON, each with its ratio. */
export const tableJson = (rows: Row[]) => rows.map((row) => ({ ...row, ratio: ratioOf(row) }));
