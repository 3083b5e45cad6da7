import { TestWorkflowEnvironment } from '@temporalio/testing';
import { findTemporalCli } from '../src/adapters/temporal/dev-server.js';

/**
 * Server events a run may hold before the server suggests continuing as new.
 * Temporal's default is 4,096; this low value lets one small reprocess job
 * (two pages of handles) record the continue-as-new path of the item engine.
 * Nothing else reads the suggestion, so every other recorded history is as it
 * would be on a default server.
 */
export const SUGGEST_CONTINUE_AS_NEW_AT = 40;

/**
 * The recorder's own Temporal dev server (the one test/global-setup.ts starts
 * cannot take dynamic configuration). Listed before test/global-setup.ts in
 * scripts/record-histories.config.ts: that setup uses TEMPORAL_ADDRESS when it
 * is set, and still bundles the workflow code.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: findTemporalCli(process.env.TEMPORAL_CLI) },
      extraArgs: ['--dynamic-config-value', `limit.historyCount.suggestContinueAsNew=${SUGGEST_CONTINUE_AS_NEW_AT}`],
    },
  });
  process.env.TEMPORAL_ADDRESS = env.address;
  return async () => env.teardown();
}
