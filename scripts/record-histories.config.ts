import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

/**
 * Runs scripts/record-histories.test.ts, and only it: the recording is not a
 * test of the normal suites (it rewrites test/workflow/histories/). See
 * docs/workflow-replay.md.
 */
export default defineConfig({
  // SWC, as in vitest.config.ts: the harness starts the NestJS app, whose decorators need their metadata.
  plugins: [
    swc.vite({
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
        target: 'es2022',
      },
    }),
  ],
  test: {
    include: ['scripts/record-histories.test.ts'],
    pool: 'forks',
    globalSetup: ['scripts/record-histories.setup.ts', 'test/global-setup.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
