// Defined next to the workflows, which set them on child jobs too.
export { CompanyHandleKey, JobNameKey, JobTypeKey, SEARCH_ATTRIBUTE_NAMES, SubmitUserKey } from '../../../workflows/search-attributes.js';
