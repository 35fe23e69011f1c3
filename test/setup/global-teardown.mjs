import pg from 'pg';

export default async function globalTeardown() {
  const embedded = globalThis.__embeddedPostgres;
  if (embedded) {
    await embedded.destroy();
    return;
  }
  const admin = new pg.Client({ connectionString: process.env.TEST_PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${process.env.TEST_PG_TEMPLATE} WITH (FORCE)`);
  await admin.end();
}
