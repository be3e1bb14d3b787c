/**
 * One jest run covers the pipeline's tests (test/) and the devserver's conformance suite
 * (devserver/test/). A test that hangs fails at its timeout: the pipeline's tests default to 15 s
 * (test/helpers/jest-timeout.ts) and the slow ones set their own, sized to what they do.
 */
const common = {
  testEnvironment: 'node',
  testMatch: ['**/*.test.ts'],
  transform: {
    // Type checking runs once in `npm run typecheck`; jest only transpiles.
    '^.+\\.ts$': ['ts-jest', { isolatedModules: true, diagnostics: false }],
  },
};

module.exports = {
  projects: [
    {
      ...common,
      displayName: 'pipeline',
      roots: ['<rootDir>/test'],
      setupFilesAfterEnv: ['<rootDir>/test/helpers/jest-timeout.ts'],
    },
    { ...common, displayName: 'devserver', roots: ['<rootDir>/devserver/test'] },
  ],
  // The devserver suite's default; its slow tests set their own.
  testTimeout: 60000,
  maxWorkers: 2,
  // Gives each worker 10 s, not 500 ms, to exit after its last file before jest kills it and
  // reports a leak: on a loaded 2-core machine an idle worker's exit alone can take over 500 ms.
  globalSetup: '<rootDir>/test/helpers/worker-exit-grace.ts',
};
