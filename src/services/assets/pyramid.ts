import type { ImageProbe } from '../../adapters/media/media-types.js';
import type { MediaRepository } from '../../adapters/media/media.repository.js';
import type { Scratch } from '../../adapters/storage/scratch.js';
import type { StorageDriver } from '../../adapters/storage/storage.driver.js';
import type { DetectedFormat } from '../../domain/asset-types.js';

/**
 * Version of the optimiser's output. Raise it when the pyramid TIFF recipe
 * changes; OptimizeImagesJob then rebuilds every older one.
 */
export const OPTIMIZER_VERSION = 1;

/** Builds the pyramid TIFF in scratch space and stores it atomically under `key`. */
export async function writePyramid(
  tools: { storage: StorageDriver; scratch: Scratch; media: MediaRepository },
  file: string,
  format: DetectedFormat,
  key: string,
  probe: ImageProbe,
): Promise<void> {
  await tools.scratch.withFile('.ptif', async (tmp) => {
    await tools.media.buildPyramidTiff(file, format, tmp, probe);
    await tools.storage.putFile(key, tmp);
  });
}
