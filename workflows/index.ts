// The workflow bundle's entry: every workflow the worker registers.
export { uploadPostWorkflow } from './upload-post.workflow.js';
