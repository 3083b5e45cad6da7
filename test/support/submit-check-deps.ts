import type { SubmitCheckDeps } from '../../src/services/submit-checks.js';

/**
 * SubmitCheckDeps for a unit test whose jobs reach none of the submit checks'
 * lookups (assets, presets, sets, projects, metadata, server directories):
 * each is an empty object, so a check that does reach one fails the test.
 */
export function unusedSubmitCheckDeps(): SubmitCheckDeps {
  return {
    assets: {} as never,
    imageFormats: {} as never,
    sets: {} as never,
    projects: {} as never,
    metadata: {} as never,
    directoryUploads: {} as never,
  };
}
