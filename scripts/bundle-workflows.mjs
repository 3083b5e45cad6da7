// Writes the Temporal workflow bundle at build time (dist/workflows/bundle.js), so a worker
// started from dist/ loads it instead of running webpack in its own process: faster start,
// and a smaller heap (webpack's modules and caches otherwise stay in the worker, which makes
// every garbage collection of its image buffers more expensive).
import fs from 'node:fs/promises';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';

const quiet = () => undefined;
const logger = { trace: quiet, debug: quiet, info: quiet, warn: quiet, error: quiet, log: quiet };
const entry = path.resolve('dist/workflows/index.js');
const { code } = await bundleWorkflowCode({ workflowsPath: entry, logger });
const out = path.resolve('dist/workflows/bundle.js');
await fs.writeFile(`${out}.part`, code);
await fs.rename(`${out}.part`, out);
