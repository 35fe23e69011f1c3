import pg from 'pg';
import { StartupError } from '../startup-error.js';

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET']);

/** What went wrong, said with the URL's parts but never its password. */
function describe(err: Error & { code?: string }, url: URL): string {
  const where = `${url.hostname}:${url.port || 5432}`;
  const user = decodeURIComponent(url.username) || '(none)';
  const database = decodeURIComponent(url.pathname.slice(1)) || user;
  if (UNREACHABLE.has(err.code ?? '') || /timeout/i.test(err.message)) {
    return `Cannot reach the database server at ${where} (${err.code ?? err.message}): start PostgreSQL there, or fix the host and port in DATABASE_URL.`;
  }
  switch (err.code) {
    case '28P01': // invalid_password
    case '28000': // invalid_authorization_specification: no such role, or pg_hba refuses it
      return `The database server at ${where} refused user "${user}" (${err.message}): fix the user or password in DATABASE_URL.`;
    case '3D000': // invalid_catalog_name
      return `Database "${database}" does not exist on ${where}: create it (createdb ${database}), or fix the database name in DATABASE_URL.`;
    default:
      return `The database server at ${where} refused the connection (${err.message}): check DATABASE_URL.`;
  }
}

/** Connects once before anything else uses the database, so a wrong DATABASE_URL stops start-up with one clear line. */
export async function checkDatabase(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5_000 });
  client.on('error', () => {}); // a failed connect rejects below; the event adds nothing
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (err) {
    throw new StartupError(describe(err as Error, new URL(databaseUrl)));
  } finally {
    await client.end().catch(() => {});
  }
}
