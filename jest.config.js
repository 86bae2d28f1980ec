/** @type {import('jest').Config} */
const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }];

const quiet = '<rootDir>/test/support/quiet-temporal.ts';

// Real PostgreSQL: a fresh migrated database per run (global setup), empty tables per file.
const withDatabase = {
  setupFiles: [quiet],
  setupFilesAfterEnv: ['<rootDir>/test/support/fresh-database.ts'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
};

const project = (displayName, testMatch, extra = {}) => ({
  displayName,
  testMatch,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': swc },
  ...extra,
});

module.exports = {
  // Temporal test servers share one clock per environment and the suites share one PostgreSQL:
  // run files one at a time.
  maxWorkers: 1,
  testTimeout: 120_000,
  projects: [
    project('rules', ['<rootDir>/test/rules/**/*.test.ts']),
    // Reading import files (CSV/NDJSON): no servers.
    project('import', ['<rootDir>/test/import/**/*.test.ts']),
    project('static', ['<rootDir>/test/static/**/*.test.ts']),
    // Modules on their own, with real files, sockets and bundler (config, logging, metrics server).
    project('unit', ['<rootDir>/test/unit/**/*.test.ts']),
    // The benchmark's arithmetic and report on made-up results (npm run bench itself is not a test).
    project('bench', ['<rootDir>/test/bench/**/*.test.ts']),
    project('workflows', ['<rootDir>/test/workflows/**/*.test.ts'], { setupFiles: [quiet] }),
    // The same lifecycle tests with runs that continue as new every few events: same results.
    project(
      'workflows-continued',
      [
        'application',
        'audit',
        'hostile-messages',
        'policy-versions',
        'reminders',
        'renewal',
        'seams',
        'timeline',
      ].map((name) => `<rootDir>/test/workflows/${name}.test.ts`),
      { setupFiles: [quiet, '<rootDir>/test/support/continue-as-new-often.ts'] },
    ),
    project('integration', ['<rootDir>/test/integration/**/*.test.ts'], withDatabase),
    // Browser tests: Debian's chromium (scripts/bootstrap.sh installs it; CHROMIUM_PATH overrides)
    // against the dev server's Web UI. Same PostgreSQL provisioning as 'integration'.
    project('ui', ['<rootDir>/test/ui/**/*.test.ts'], withDatabase),
  ],
};
