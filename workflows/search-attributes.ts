import { defineSearchAttributeKey } from '@temporalio/common';

/**
 * Custom search attributes on every job workflow, so operators can find jobs
 * in the Temporal Web UI / CLI by company, type, name and submitter.
 */
export const CompanyHandleKey = defineSearchAttributeKey('CompanyHandle', 'KEYWORD');
export const JobTypeKey = defineSearchAttributeKey('JobType', 'KEYWORD');
export const JobNameKey = defineSearchAttributeKey('JobName', 'KEYWORD');
export const SubmitUserKey = defineSearchAttributeKey('SubmitUser', 'KEYWORD');

export const SEARCH_ATTRIBUTE_NAMES = ['CompanyHandle', 'JobType', 'JobName', 'SubmitUser'] as const;
