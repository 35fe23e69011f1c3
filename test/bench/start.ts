// `npm run bench:start`: how fast the app starts and how much memory it holds, a few runs of each.
//   - warm production start: `node dist/src/main.js` (npm run start:prod) against a migrated,
//     seeded database, to /readyz 200 and to the staff panel's login page 200; its RSS once
//     started, and its peak RSS under the catalog benchmark's load;
//   - cold development start: `npm start` with a fresh DATA_DIR (initdb, migrations, seed) to
//     /readyz 200.
// Builds dist/ first when it is missing (`npm run build`; run that again after changing the code).
//
//   BENCH_START_RUNS (3)   runs of each
//   BENCH_SECONDS (6), BENCH_CONNECTIONS (50)   the catalog load
//   BENCH_DATABASE_URL     a database for the production runs (default: a fresh embedded PostgreSQL)
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateRsaKeyPair, LOCAL_PUBLISHABLE_KEY } from '../../src/auth/dev-keys.js';
import { createDb } from '../../src/shared/db.js';
import { seedDemoCatalog } from '../../prisma/demo-catalog.js';
import { benchDatabase, rssBytes, runLoad } from './kit.js';
import { freePort } from '../helpers/ports.js';
import { seedLarge, SEEDED_SKU } from './seed-large.js';
import { removeEmbeddedData } from '../../src/shared/embedded-postgres.js';

const RUNS = Number(process.env.BENCH_START_RUNS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const TARGETS = { readyMs: 2000, adminMs: 3000, coldReadyMs: 8000, rssMb: 200, loadRssMb: 300 };

const rssMb = (pid: number) => Math.round(rssBytes(pid) / 1024 / 1024);
// utime + stime in clock ticks (100 per second), fields 14 and 15: on a busy machine, what the start cost apart from waiting for a core
const cpuMs = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Milliseconds from `since` until `url` answers 200 (polled every 20 ms); fails if the process exits. */
async function until200(url: string, since: number, child: ChildProcess, output: () => string): Promise<number> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}) before ${url} answered:\n${output()}`);
    const status = await fetch(url, { signal: AbortSignal.timeout(2000) }).then(
      (r) => (r.body?.cancel(), r.status),
      () => 0,
    );
    if (status === 200) return performance.now() - since;
    await sleep(20);
  }
}

/** Starts a command in its own process group, so that stopping it stops npm, tsx and node alike. */
function launch(command: string, args: string[], env: Record<string, string>) {
  let output = '';
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk));
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      process.kill(-child.pid!, 'SIGTERM');
    });
  return { child, stop, output: () => output };
}

if (!existsSync('dist/src/main.js')) {
  console.log('dist/ is missing: npm run build');
  execFileSync('npm', ['run', 'build'], { stdio: 'inherit' });
}

const database = await benchDatabase();
const db = createDb(database.url, 4);
const { rows: seeded } = await db.pool.query(`SELECT 1 FROM product_variants WHERE sku = $1`, [SEEDED_SKU]);
if (!seeded.length) {
  await seedLarge(db.pool);
  await seedDemoCatalog(db.prisma, 'USD');
}
await db.close();
const keys = generateRsaKeyPair();

type Warm = { readyMs: number; adminMs: number; readyCpuMs: number; adminCpuMs: number; rssMb: number; loadRssMb: number; loadRps: number };
type Cold = { readyMs: number; rssMb: number };
const warm: Warm[] = [];
const cold: Cold[] = [];

try {
  for (let i = 0; i < RUNS; i++) {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const dataDir = mkdtempSync(path.join(tmpdir(), 'shop-bench-start-'));
    const started = performance.now();
    const server = launch(process.execPath, ['dist/src/main.js'], {
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      DATA_DIR: dataDir,
      DATABASE_URL: database.url,
      SESSION_SECRET: randomBytes(32).toString('hex'),
      CLERK_SECRET_KEY: 'sk_test_bench',
      CLERK_PUBLISHABLE_KEY: LOCAL_PUBLISHABLE_KEY,
      CLERK_JWT_KEY: keys.publicKeyPem,
      CLERK_TELEMETRY_DISABLED: '1',
    });
    try {
      const readyMs = await until200(`${base}/readyz`, started, server.child, server.output);
      const readyCpuMs = cpuMs(server.child.pid!);
      const adminMs = await until200(`${base}/admin/login`, started, server.child, server.output);
      const adminCpuMs = cpuMs(server.child.pid!);
      await sleep(1000); // what a started process holds, not what it held mid-start
      const after = rssMb(server.child.pid!);
      const load = await runLoad({
        targets: [base],
        pids: [server.child.pid!],
        connections: CONNECTIONS,
        seconds: SECONDS,
        requests: [{ method: 'GET', path: '/api/products?limit=20' }],
      });
      warm.push({ readyMs, adminMs, readyCpuMs, adminCpuMs, rssMb: after, loadRssMb: load.peakRssMb, loadRps: load.rps });
    } finally {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }

  for (let i = 0; i < RUNS; i++) {
    const port = await freePort();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'shop-bench-cold-'));
    const started = performance.now();
    const server = launch('npm', ['start'], {
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      DATA_DIR: dataDir,
      EMBEDDED_PG_PORT: String(await freePort()),
      DATABASE_URL: '',
      CLERK_TELEMETRY_DISABLED: '1',
    });
    try {
      const readyMs = await until200(`http://127.0.0.1:${port}/readyz`, started, server.child, server.output);
      await until200(`http://127.0.0.1:${port}/admin/login`, started, server.child, server.output);
      await sleep(1000);
      // npm → tsx → node: the server is the group's largest process
      const pids = execFileSync('pgrep', ['-g', String(server.child.pid)])
        .toString()
        .trim()
        .split('\n')
        .map(Number);
      cold.push({ readyMs, rssMb: Math.max(...pids.map((pid) => (existsSync(`/proc/${pid}/status`) ? rssMb(pid) : 0))) });
    } finally {
      await server.stop();
      removeEmbeddedData(path.join(dataDir, 'pg'));
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
} finally {
  await database.stop();
}

const row = (name: string, values: number[], target: number, unit: string) => {
  const worst = Math.max(...values);
  return `| ${name.padEnd(48)} | ${values.map((v) => String(Math.round(v)).padStart(6)).join(' ')} | ${String(Math.round(worst)).padStart(6)} | ${`≤ ${target}`.padStart(6)} ${unit.padEnd(2)} | ${worst <= target ? 'ok  ' : 'OVER'} |`;
};
console.log(
  `\nStart-up and memory, ${RUNS} runs each (${new Date().toISOString()}, load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')})\n`,
);
console.log(`| ${'figure'.padEnd(48)} | ${'runs'.padEnd(RUNS * 7 - 1)} | ${'worst'.padStart(6)} | ${'target'.padEnd(9)} |      |`);
console.log(`|${'-'.repeat(50)}|${'-'.repeat(RUNS * 7 + 1)}|--------|-----------|------|`);
console.log(
  row(
    'warm start:prod to /readyz 200',
    warm.map((w) => w.readyMs),
    TARGETS.readyMs,
    'ms',
  ),
);
console.log(
  row(
    'warm start:prod to /admin/login 200',
    warm.map((w) => w.adminMs),
    TARGETS.adminMs,
    'ms',
  ),
);
console.log(
  row(
    '  its CPU time to /readyz 200',
    warm.map((w) => w.readyCpuMs),
    TARGETS.readyMs,
    'ms',
  ),
);
console.log(
  row(
    '  its CPU time to /admin/login 200',
    warm.map((w) => w.adminCpuMs),
    TARGETS.adminMs,
    'ms',
  ),
);
console.log(
  row(
    'start:prod RSS once started',
    warm.map((w) => w.rssMb),
    TARGETS.rssMb,
    'MB',
  ),
);
console.log(
  row(
    `start:prod peak RSS, catalog load (${CONNECTIONS} conns)`,
    warm.map((w) => w.loadRssMb),
    TARGETS.loadRssMb,
    'MB',
  ),
);
console.log(
  row(
    'cold npm start (initdb, migrate, seed) to /readyz',
    cold.map((c) => c.readyMs),
    TARGETS.coldReadyMs,
    'ms',
  ),
);
console.log(
  `\ncatalog load served ${warm.map((w) => w.loadRps.toFixed(0)).join(', ')} req/s; npm start RSS once started: ${cold.map((c) => c.rssMb).join(', ')} MB (no target)`,
);
