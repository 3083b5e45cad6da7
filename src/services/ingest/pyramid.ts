import fs from 'node:fs/promises';
import type { ImageProbe } from '../../adapters/media/media-types.js';
import type { MediaRepository } from '../../adapters/media/media.repository.js';
import type { StorageDriver } from '../../adapters/storage/storage.driver.js';
import type { DetectedFormat } from '../../domain/asset-types.js';

/**
 * Version of the optimiser's output. Raise it when the pyramid TIFF recipe
 * changes; OptimizeImagesJob then rebuilds every older one.
 */
export const OPTIMIZER_VERSION = 1;

/** Builds the pyramid TIFF in scratch space and stores it atomically under `key`. */
export async function writePyramid(
  storage: StorageDriver,
  media: MediaRepository,
  file: string,
  format: DetectedFormat,
  key: string,
  probe: ImageProbe,
): Promise<void> {
  const tmp = await storage.tempPath('.ptif');
  try {
    await media.buildPyramidTiff(file, format, tmp, probe);
    await storage.putFile(key, tmp);
  } finally {
    await fs.rm(tmp, { force: true });
  }
}
