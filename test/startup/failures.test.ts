// `npm start` in every way it can fail to start: the real src/main.ts in its own process, which
// must exit non-zero after printing exactly one line that names the cause and the fix. One at a
// time: each is a whole Node process loading the app, and the other test files share the CPU.
import net from 'node:net';
import path from 'node:path';
import { startEmbeddedPostgres, type EmbeddedServer } from '../../src/shared/embedded-postgres.js';
import { createTestDatabase } from '../helpers/test-app.js';
import { dataDir, removeDataDirs, startMain } from '../helpers/main-process.js';
import { freePort } from '../helpers/ports.js';

const occupy = (port: number) =>
  new Promise<net.Server>((resolve) => {
    const server = net.createServer().listen(port, '127.0.0.1', () => resolve(server));
  });

afterAll(removeDataDirs);

/** Runs src/main.ts until it exits by itself. */
async function start(env: Record<string, string>) {
  const main = startMain(env);
  const { code } = await main.exited;
  const output = main.output();
  return { code, output, lines: output.split('\n').filter((line) => line.trim()) };
}

function expectOneLine(result: Awaited<ReturnType<typeof start>>, line: RegExp) {
  expect(result.output).not.toMatch(/^\s+at /m); // no stack trace, from us or anything else
  expect(result.lines).toEqual([expect.stringMatching(line)]);
  expect(result.code).not.toBe(0);
  expect(result.code).not.toBeNull(); // it exited by itself, it was not killed
}

describe('npm start, when it cannot start', () => {
  test('when a variable is invalid, then one line names it and where to fix it', async () => {
    const result = await start({ PORT: 'eighty', DATA_DIR: dataDir() });
    expectOneLine(result, /^Invalid configuration: PORT: .+ Fix it in the environment or \.env\.$/);
  });

  test('when production lacks a required secret, then one line names it', async () => {
    const result = await start({ NODE_ENV: 'production', DATA_DIR: dataDir() });
    expectOneLine(result, /^Invalid configuration: SESSION_SECRET: required in production/);
  });

  test('when DATABASE_URL points at a port where nothing listens, then one line says the server is unreachable', async () => {
    const port = await freePort();
    const result = await start({ DATABASE_URL: `postgresql://shop:secret-pw@127.0.0.1:${port}/shop`, DATA_DIR: dataDir() });
    expectOneLine(
      result,
      new RegExp(
        `^Cannot reach the database server at 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\): start PostgreSQL there, or fix the host and port in DATABASE_URL\\.$`,
      ),
    );
    expect(result.output).not.toContain('secret-pw');
  });

  test('when DATABASE_URL names a user the server refuses, then one line says so', async () => {
    const url = new URL(process.env.TEST_PG_ADMIN_URL!);
    url.username = 'nobody_here';
    url.password = 'secret-pw';
    const result = await start({ DATABASE_URL: url.toString(), DATA_DIR: dataDir() });
    expectOneLine(result, /^The database server at .+ refused user "nobody_here" \(.+\): fix the user or password in DATABASE_URL\.$/);
    expect(result.output).not.toContain('secret-pw');
  });

  test('when DATABASE_URL names a database that does not exist, then one line says how to create it', async () => {
    const url = new URL(process.env.TEST_PG_ADMIN_URL!);
    url.pathname = '/shop_missing_db';
    const result = await start({ DATABASE_URL: url.toString(), DATA_DIR: dataDir() });
    expectOneLine(
      result,
      /^Database "shop_missing_db" does not exist on .+: create it \(createdb shop_missing_db\), or fix the database name in DATABASE_URL\.$/,
    );
  });

  test('when the HTTP port is taken, then one line names the port and the fix', async () => {
    const database = await createTestDatabase();
    const port = await freePort();
    const taken = await occupy(port);
    try {
      const result = await start({ DATABASE_URL: database.url, PORT: String(port), DATA_DIR: dataDir() });
      expectOneLine(
        result,
        new RegExp(`^Port ${port} is taken \\(another server listens on 127\\.0\\.0\\.1:${port}\\): stop it, or set PORT to a free port\\.$`),
      );
    } finally {
      taken.close();
      await database.drop();
    }
  });

  describe('with the embedded PostgreSQL', () => {
    let running: EmbeddedServer | undefined;
    afterAll(() => running?.destroy());

    test('when another server uses the data folder, then one line says so and what to do', async () => {
      const dir = dataDir();
      running = await startEmbeddedPostgres({ dir: path.join(dir, 'pg'), port: await freePort(), database: 'shop' });
      const result = await start({ DATA_DIR: dir, EMBEDDED_PG_PORT: String(await freePort()) });
      expectOneLine(
        result,
        /^The embedded PostgreSQL data folder .+ is in use by another server \(PID \d+\), probably another `npm start`: stop it, or set DATA_DIR to another folder\.$/,
      );
    });

    test('when its port is taken, then one line names the port and the fix', async () => {
      const port = await freePort();
      const taken = await occupy(port);
      try {
        const result = await start({ DATA_DIR: dataDir(), EMBEDDED_PG_PORT: String(port) });
        expectOneLine(
          result,
          new RegExp(`^Port ${port} of the embedded PostgreSQL is taken: stop what listens there, or set EMBEDDED_PG_PORT to a free port\\.$`),
        );
      } finally {
        taken.close();
      }
    });
  });
});
