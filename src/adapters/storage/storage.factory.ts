import type { AppConfig } from '../../config/config.js';
import { LocalStorageDriver } from './local-storage.driver.js';
import { S3StorageDriver } from './s3-storage.driver.js';
import type { StorageDriver } from './storage.driver.js';

/** One driver per configured backend; an unknown value is a start-up error (validated in config). */
export async function createStorage(config: AppConfig['storage']): Promise<StorageDriver> {
  switch (config.driver) {
    case 'local':
      return new LocalStorageDriver(config.root).init();
    case 's3':
      return new S3StorageDriver({ ...config.s3, localDir: config.root }).init();
  }
}
