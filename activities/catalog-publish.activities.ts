import type { CatalogPublishService } from '../src/services/catalog-publish.service.js';
import type { CatalogPublishActivities } from '../workflows/contracts.js';

export function createCatalogPublishActivities(deps: { catalogPublish: CatalogPublishService }): CatalogPublishActivities {
  return {
    publishBatch: (job, jobType, parentJobHandle, context, after) => deps.catalogPublish.publishBatch(job, jobType, parentJobHandle, context, after),
  };
}
