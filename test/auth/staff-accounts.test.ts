import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { testConfig, uniqueId, useTestDatabase } from '../helpers/test-app.js';
import { createDb } from '../../src/shared/db.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { hashPassword, verifyPassword } from '../../src/auth/passwords.js';
import { authenticateStaff, saveStaffAccount } from '../../src/auth/staff-accounts.js';
import { DEV_STAFF_EMAIL, ensureFirstStaffAccount } from '../../src/auth/first-staff-account.js';

const run = promisify(execFile);
const database = useTestDatabase(5);

const staffRows = async (email: string) =>
  (await database.db.pool.query(`SELECT id, role, password_hash AS "passwordHash" FROM users WHERE email = $1`, [email])).rows;
const email = () => `${uniqueId('staff')}@shop.test`;

describe('password hashes', () => {
  test('when a password is hashed twice, then the hashes differ (salted) and each verifies only that password', async () => {
    const [a, b] = await Promise.all([hashPassword('s3cret password'), hashPassword('s3cret password')]);

    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(await verifyPassword('s3cret password', a)).toBe(true);
    expect(await verifyPassword('s3cret passwore', a)).toBe(false);
  });

  test('when the stored hash is malformed, then nothing verifies against it', async () => {
    for (const stored of ['', 'plain-text', 'scrypt$0$8$1$c2FsdA$aGFzaA', 'bcrypt$whatever']) {
      expect(await verifyPassword('anything', stored)).toBe(false);
    }
  });
});

describe('saveStaffAccount and authenticateStaff', () => {
  test('when an account is saved, then it signs in by email in any case, with that password only', async () => {
    const address = email();

    const saved = await saveStaffAccount(database.db.pool, { email: address.toUpperCase(), password: 'first password' });

    expect(saved).toMatchObject({ email: address, created: true });
    expect(await authenticateStaff(database.db.pool, address, 'first password')).toMatchObject({ id: saved.id, email: address });
    expect(await authenticateStaff(database.db.pool, ` ${address.toUpperCase()} `, 'first password')).toMatchObject({ id: saved.id });
    expect(await authenticateStaff(database.db.pool, address, 'wrong password')).toBeNull();
  });

  test('when the same account is saved again, then it is updated (new password works, old does not), never duplicated', async () => {
    const address = email();
    const first = await saveStaffAccount(database.db.pool, { email: address, password: 'first password' });
    const hashBefore = (await staffRows(address))[0].passwordHash;

    const same = await saveStaffAccount(database.db.pool, { email: address, password: 'first password' });
    expect((await staffRows(address))[0].passwordHash).toBe(hashBefore); // unchanged password: row untouched
    const changed = await saveStaffAccount(database.db.pool, { email: address, password: 'second password' });

    expect([same.id, changed.id]).toEqual([first.id, first.id]);
    expect(changed.created).toBe(false);
    expect(await staffRows(address)).toHaveLength(1);
    expect(await authenticateStaff(database.db.pool, address, 'second password')).not.toBeNull();
    expect(await authenticateStaff(database.db.pool, address, 'first password')).toBeNull();
  });

  test('when many instances start at once with the same ADMIN_EMAIL, then exactly one account exists', async () => {
    const address = email();

    // each instance has its own pool, as separate processes would
    const instances = Array.from({ length: 8 }, () => createDb(database.url, 1));

    const results = await Promise.all(instances.map((instance) => saveStaffAccount(instance.pool, { email: address, password: 'same password' }))).finally(() =>
      Promise.all(instances.map((instance) => instance.close())),
    );

    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await staffRows(address)).toHaveLength(1);
  });

  test('when a staff account is demoted to customer, then its password no longer signs in', async () => {
    const address = email();
    const saved = await saveStaffAccount(database.db.pool, { email: address, password: 'a password' });

    await database.db.pool.query(`UPDATE users SET role = 'CUSTOMER' WHERE id = $1`, [saved.id]);

    expect(await authenticateStaff(database.db.pool, address, 'a password')).toBeNull();
  });
});

describe('ensureFirstStaffAccount (start-up)', () => {
  test('when ADMIN_EMAIL and ADMIN_PASSWORD are set, then that account exists and no password is returned for printing', async () => {
    const address = email();
    const config = testConfig({ ADMIN_EMAIL: address, ADMIN_PASSWORD: 'configured password' });

    const first = await ensureFirstStaffAccount(config, database.db.pool);
    await ensureFirstStaffAccount(config, database.db.pool);

    expect(first).toEqual({ email: address, source: 'configured' });
    expect(await staffRows(address)).toHaveLength(1);
    expect(await authenticateStaff(database.db.pool, address, 'configured password')).not.toBeNull();
  });

  test('when in development without ADMIN_*, then a development account is made with a password kept under DATA_DIR', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'shop-staff-'));
    try {
      const config = testConfig({ NODE_ENV: 'development', DATA_DIR: dataDir });

      const first = await ensureFirstStaffAccount(config, database.db.pool);
      const again = await ensureFirstStaffAccount(config, database.db.pool);

      expect(first).toMatchObject({ email: DEV_STAFF_EMAIL, source: 'development', password: expect.stringMatching(/^\S{16}$/) });
      expect(again?.password).toBe(first?.password);
      expect(await authenticateStaff(database.db.pool, DEV_STAFF_EMAIL, first!.password!)).not.toBeNull();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('when in production without ADMIN_*, then no account is made', async () => {
    const config = testConfig({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40) });

    expect(await ensureFirstStaffAccount(config, database.db.pool)).toBeUndefined();
  });
});

describe('configuration of the staff panel', () => {
  test('when production has no SESSION_SECRET, then start-up is refused naming it', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/SESSION_SECRET: required in production/);
    expect(loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'long random string' }).SESSION_SECRET).toBe('long random string');
  });

  test('when only one of ADMIN_EMAIL and ADMIN_PASSWORD is set, then start-up is refused', () => {
    expect(() => loadConfig({ ADMIN_EMAIL: 'boss@shop.test' })).toThrow(/ADMIN_PASSWORD: ADMIN_EMAIL and ADMIN_PASSWORD go together/);
    expect(() => loadConfig({ ADMIN_PASSWORD: 'long enough' })).toThrow(/ADMIN_EMAIL: ADMIN_EMAIL and ADMIN_PASSWORD go together/);
  });
});

describe('npm run admin:create', () => {
  const cli = (args: string[]) =>
    run(process.execPath, ['--import', 'tsx', 'src/auth/admin-create-cli.ts', ...args], {
      env: { ...process.env, NODE_OPTIONS: '', DATABASE_URL: database.url },
    });

  test('when given an email and password, then the account is created and can sign in', async () => {
    const address = email();

    const { stdout } = await cli(['--email', address, '--password', 'from the cli']);

    expect(stdout).toContain(`Created staff account ${address}`);
    expect(await authenticateStaff(database.db.pool, address, 'from the cli')).not.toBeNull();
  });

  test('when the password is too short, then it exits with the usage and creates nothing', async () => {
    const address = email();

    const failure = await cli(['--email', address, '--password', 'short']).catch((err) => err);

    expect(failure.code).toBe(1);
    expect(failure.stderr).toContain('--password needs at least 8 characters');
    expect(failure.stderr).toContain('Usage: npm run admin:create');
    expect(await staffRows(address)).toHaveLength(0);
  });
});
