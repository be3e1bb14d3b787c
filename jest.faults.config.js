/**
 * The fault-injection suite (`npm run test:faults`): real processes (devserver, workers, the CLI,
 * PostgreSQL) killed and cut off mid-run. Separate from `npm test` because each fault waits out a
 * real heartbeat timeout; .ci/run runs both.
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/faults'],
  testMatch: ['**/*.faults.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { isolatedModules: true, diagnostics: false }],
  },
  testTimeout: 240000,
  // Two files at a time and two worker-kill scenarios at a time: starting a worker (bundling the
  // workflow code) is CPU-heavy, and 2 cores are shared.
  maxWorkers: 2,
  maxConcurrency: 2,
  // Processes are checked explicitly (no stray process, no directory left); a gRPC channel of the
  // SDK may keep jest's own process open a while after the last test.
  forceExit: true,
};
