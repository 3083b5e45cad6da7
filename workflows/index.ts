// The workflow bundle's entry: every workflow the worker registers.
export { imageServingPublishWorkflow } from './is-publish.workflow.js';
export { imageRenderingPublishWorkflow, metadataPublishWorkflow, serverDirectoryPublishWorkflow, videoPublishWorkflow } from './context-publish.workflow.js';
export { optimizeImagesWorkflow } from './optimize-images.workflow.js';
export { reprocessAssetsWorkflow } from './reprocess-assets.workflow.js';
export { uploadPostWorkflow } from './upload-post.workflow.js';
export { exportExpiryWorkflow, exportWorkflow } from './export.workflow.js';
export { automatedSetGenerationWorkflow } from './automated-set-generation.workflow.js';
export { uploadDirectoryWorkflow } from './upload-directory.workflow.js';
export { uploadUrlsWorkflow } from './upload-urls.workflow.js';
export { createVideoSitemapWorkflow } from './video-sitemap.workflow.js';
