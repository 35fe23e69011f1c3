// `npm run test:reliability`: load, faults and hostile input; slower than the unit of work suite.
import base from './jest.config.js';

export default {
  ...base,
  testMatch: ['<rootDir>/test/reliability/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 180_000,
  maxWorkers: 1,
  globalSetup: './test/reliability/global-setup.mjs',
  globalTeardown: './test/reliability/global-teardown.mjs',
};
