// One Temporal dev server for the whole run (test/support/global-setup.ts); tests run in band on 2-core machines.
const swc = [
  '@swc/jest',
  { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } },
];
const systemTests = ['<rootDir>/test/system/**/*.test.ts', '<rootDir>/test/e2e/ui-approval.test.ts'];
const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': swc },
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/.tools/'],
};

/** @type {import('jest').Config} */
module.exports = {
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 120_000,
  // A leaked socket in one test must not hang CI until its time limit; leaks still show in local runs' warnings.
  forceExit: true,
  projects: [
    {
      ...common,
      displayName: 'default',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '/test/system/', '/test/e2e/ui-approval.test.ts'],
    },
    { ...common, displayName: 'system', testMatch: systemTests },
  ],
};
