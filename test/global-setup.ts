import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort, startDevServer } from '../src/adapters/temporal/dev-server.js';
import { bundleWorkflows } from '../src/worker/worker.js';

/**
 * One real Temporal dev server (in memory, headless) for the whole run, and
 * one workflow bundle; test files each get their own task queue, database and
 * storage. Both reach the forked test processes through the environment.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-test-'));
  const bundle = await bundleWorkflows();
  const bundleFile = path.join(dir, 'workflow-bundle.js');
  await fs.writeFile(bundleFile, bundle.code);
  process.env.IPS_TEST_WORKFLOW_BUNDLE = bundleFile;

  if (process.env.TEMPORAL_ADDRESS) {
    process.env.IPS_TEST_TEMPORAL = process.env.TEMPORAL_ADDRESS;
    return async () => fs.rm(dir, { recursive: true, force: true });
  }
  const port = await freePort();
  const server = await startDevServer({ port, uiPort: 0, headless: true, cli: process.env.TEMPORAL_CLI });
  process.env.IPS_TEST_TEMPORAL = server.address;
  return async () => {
    await server.stop();
    await fs.rm(dir, { recursive: true, force: true });
  };
}
