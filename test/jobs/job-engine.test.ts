// The job engine on a real database: several instances starting at once, and workers that run
// each job of a queue once.
import { useTestDatabase } from '../helpers/test-app.js';
import { createLogger } from '../../src/shared/logger.js';
import { startJobEngine, type JobEngine } from '../../src/jobs/job-engine.js';
import { defineJob } from '../../src/jobs/job-definition.js';
import { jobsFinished, sendJobs } from '../helpers/jobs-fixtures.js';

const database = useTestDatabase(12);
const logger = createLogger('silent');

const recorder = defineJob<{ n: number }>({
  name: 'engine-test-recorder',
  concurrency: 2,
  handler:
    ({ pool }) =>
    async ({ n }) => {
      await pool.query(`INSERT INTO engine_test_runs (n) VALUES ($1)`, [n]);
    },
});

beforeAll(() => database.db.pool.query(`CREATE TABLE engine_test_runs (n int NOT NULL)`));

const start = () => startJobEngine({ deps: { pool: database.db.pool, logger }, definitions: [recorder], workers: true, pollingIntervalSeconds: 0.5 });

describe('starting', () => {
  test('when three instances start at once on a database without their queues, then all start and each queue exists once', async () => {
    let engines: JobEngine[] = [];
    try {
      engines = await Promise.all([start(), start(), start()]);

      const { rows } = await database.db.pool.query(`SELECT name FROM pgboss.queue WHERE left(name, 8) <> '__pgboss' ORDER BY name`);
      expect(rows.map((r) => r.name)).toEqual(['dead-letters', 'engine-test-recorder']);
    } finally {
      await Promise.all(engines.map((engine) => engine.stop()));
    }
  });
});

describe('working', () => {
  test('when 20 jobs are sent while two instances work the queue, then each job runs once and completes', async () => {
    const engines = await Promise.all([start(), start()]);
    let states: string[];
    try {
      const ids = (await Promise.all(Array.from({ length: 20 }, (_, n) => sendJobs(database.db.pool, 'engine-test-recorder', 1, { n })))).flat();
      states = await jobsFinished(database.db.pool, ids);
    } finally {
      await Promise.all(engines.map((engine) => engine.stop()));
    }

    expect(states).toEqual(Array(20).fill('completed'));
    const { rows } = await database.db.pool.query(`SELECT n FROM engine_test_runs ORDER BY n`);
    expect(rows.map((r) => r.n)).toEqual(Array.from({ length: 20 }, (_, n) => n));
  });
});
