// Prisma CLI configuration: the Wasm schema engine over the pg driver adapter, so
// generate/migrate work offline (Prisma's native engines are a download away).
import 'dotenv/config';
import { defineConfig } from 'prisma/config';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';

// prisma/orm#27403: the Wasm engine cannot deserialize some pg_catalog column types
// ("char", name, int2vector, regproc, regclass) it reads while introspecting. Reporting those
// columns as text fixes it. CLI only: the application's runtime never sees this.
const CATALOG_TYPES_AS_TEXT = new Set([18, 19, 22, 24, 2205]);
const TEXT_OID = 25;

function catalogTypesAsText<T>(result: T): T {
  for (const field of (result as { fields?: { dataTypeID: number }[] })?.fields ?? []) {
    if (CATALOG_TYPES_AS_TEXT.has(field.dataTypeID)) field.dataTypeID = TEXT_OID;
  }
  return result;
}

class CliClient extends pg.Client {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  query(...args: any[]): any {
    const callbackAt = args.findIndex((arg) => typeof arg === 'function');
    if (callbackAt >= 0) {
      const callback = args[callbackAt];
      args[callbackAt] = (err: Error, res: unknown) => callback(err, err ? res : catalogTypesAsText(res));
      return (super.query as (...a: unknown[]) => unknown)(...args);
    }
    return (super.query as (...a: unknown[]) => Promise<unknown>)(...args).then(catalogTypesAsText);
  }
}

// Without DATABASE_URL in the environment, Prisma 6 falls back to downloading a native query
// engine even for `generate` (npm's postinstall): a placeholder keeps every command offline.
process.env.DATABASE_URL ??= 'postgresql://postgres@127.0.0.1:5432/postgres';

function adapterConfig(): pg.PoolConfig {
  // Separate fields, not a connectionString: with a connectionString the shadow database of
  // `migrate dev` silently becomes the main database.
  const url = new URL(process.env.DATABASE_URL!);
  return {
    host: url.hostname,
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: url.pathname.slice(1),
    idleTimeoutMillis: 100, // the CLI lingers on idle clients otherwise
    Client: CliClient,
  };
}

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: 'prisma/schema.prisma',
  migrations: { seed: 'tsx prisma/seed.ts' },
  adapter: async () => new PrismaPg(adapterConfig()),
});
