import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// SWC compiles the tests so NestJS decorators keep their metadata (esbuild drops it).
// Two instances: the console's .tsx views need the TSX parser and Preact's JSX runtime,
// which must not apply to .ts files (a `<T>` there would parse as JSX). tsconfigFile: false
// keeps the plugin from turning TSX on for every file because tsconfig.json sets `jsx`.
const plugins = [
  swc.vite({
    include: ['**/*.ts', '**/*.mts', '**/*.js', '**/*.mjs'],
    exclude: ['**/node_modules/**'],
    tsconfigFile: false,
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
  }),
  swc.vite({
    include: ['**/*.tsx'],
    exclude: ['**/node_modules/**'],
    tsconfigFile: false,
    jsc: {
      parser: { syntax: 'typescript', tsx: true },
      transform: { react: { runtime: 'automatic', importSource: 'preact' } },
      target: 'es2022',
    },
  }),
];

const integration = (db: 'sqlite' | 'postgres') => ({
  plugins,
  test: {
    name: `integration-${db}`,
    include: ['test/integration/**/*.test.ts'],
    env: { IPS_TEST_DB: db },
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});

/**
 * The service on S3 + PostgreSQL: a representative subset (upload, reprocess,
 * rip, export download, /is/image and publish, /is/content ranges; a failed
 * put; two API replicas) run again with every file in a bucket on the
 * SeaweedFS server scripts/test.sh starts.
 */
const S3_SUBSET = ['upload', 'reprocess', 'rip', 'export', 'image-serving-publish', 'video-publish', 'failed-put', 'stateless-api'];
const integrationS3 = {
  plugins,
  test: {
    name: 'integration-s3',
    include: S3_SUBSET.map((name) => `test/integration/${name}.test.ts`),
    env: { IPS_TEST_DB: 'postgres', IPS_TEST_STORAGE: 's3' },
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
};

export default defineConfig({
  plugins,
  test: {
    // Native modules (Temporal core bridge, sharp, better-sqlite3) are safest in forked processes.
    pool: 'forks',
    maxWorkers: 2,
    globalSetup: ['test/global-setup.ts'],
    projects: [
      { plugins, test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 30_000 } },
      // Workflow-level tests: the bundled workflows on a real worker with mocked activities, on
      // Temporal servers the test files start themselves (@temporalio/testing), and replays of
      // recorded histories. The bundle comes from the global setup; its dev server is not used here.
      {
        plugins,
        test: { name: 'workflow', include: ['test/workflow/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 60_000 },
      },
      integration('sqlite'),
      integration('postgres'),
      integrationS3,
    ],
  },
});
