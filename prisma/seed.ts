// The demo catalog into DATABASE_URL: `npx prisma db seed`, or compiled,
// `node dist/prisma/seed.js --if-empty` (the compose file's `seed` step: a shop that has a
// catalog, even one it trimmed, is left alone).
import 'dotenv/config';
import { createDb } from '../src/shared/db.js';
import { seedDemoCatalog, seedDemoCatalogIfEmpty } from './demo-catalog.js';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL is not set: point it at the database to seed');
  process.exit(1);
}
const db = createDb(url, 2);
try {
  const ifEmpty = process.argv.includes('--if-empty');
  const seeded = await (ifEmpty ? seedDemoCatalogIfEmpty : seedDemoCatalog)(db.prisma, process.env.STORE_CURRENCY ?? 'USD');
  console.log(ifEmpty && !seeded ? 'The catalog has products already: not seeding' : `Seeded ${seeded} demo products`);
} catch (err) {
  console.error(
    `Seeding failed: ${err instanceof Error ? err.message.trim().split('\n').at(-1) : String(err)} (migrate the database first: node dist/src/shared/migrate-cli.js)`,
  );
  process.exitCode = 1;
} finally {
  await db.close();
}
