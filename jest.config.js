/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // tsconfig's isolatedModules makes ts-jest transpile only; `npm run typecheck` checks types.
  transform: { '^.+\\.ts$': ['ts-jest', {}] },
  // Lab and end-to-end suites build network namespaces and servers: give them room.
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  testTimeout: 60000,
  // Namespaces share one kernel; two lab suites at once would only compete for it.
  maxWorkers: 2,
};
