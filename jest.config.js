/** Tests run against a real PostgreSQL; see test/setup/global-setup.mjs. */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } }],
  },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  globalSetup: './test/setup/global-setup.mjs',
  globalTeardown: './test/setup/global-teardown.mjs',
  setupFiles: ['./test/setup/network-guard.ts'],
  setupFilesAfterEnv: ['./test/setup/contract.ts'],
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/test/reliability/', '/test/e2e/'],
  testTimeout: 30_000,
  maxWorkers: 2,
};
