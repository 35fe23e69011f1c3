// `npx prisma db seed`: the demo catalog into DATABASE_URL.
import { createDb } from '../src/shared/db.js';
import { seedDemoCatalog } from './demo-catalog.js';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL is not set');
  process.exit(1);
}
const db = createDb(url, 2);
const count = await seedDemoCatalog(db.prisma, process.env.STORE_CURRENCY ?? 'USD');
console.log(`Seeded ${count} demo products`);
await db.close();
