import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { addUploadFilesSignal, type UploadJobInput, type UploadPost } from '../../../workflows/contracts.js';
import { CompanyHandleKey, JobNameKey, JobTypeKey, SubmitUserKey } from './search-attributes.js';

export interface JobDescription {
  companyHandle?: string;
  running: boolean;
  workflowType: string;
}

/** The API's view of Temporal: start, signal and describe job workflows. */
export class JobGateway {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
  ) {}

  async startUploadJob(input: UploadJobInput, ipsType: string): Promise<void> {
    await this.client.workflow.start('uploadPostWorkflow', {
      workflowId: input.job.jobHandle,
      taskQueue: this.taskQueue,
      args: [input],
      workflowIdConflictPolicy: 'FAIL',
      typedSearchAttributes: new TypedSearchAttributes([
        { key: CompanyHandleKey, value: input.job.companyHandle },
        { key: JobTypeKey, value: ipsType },
        { key: JobNameKey, value: input.job.originalName },
        { key: SubmitUserKey, value: input.job.submitUserEmail },
      ]),
      staticSummary: `${ipsType} "${input.job.originalName}" for ${input.job.companyHandle} by ${input.job.submitUserEmail}`,
      memo: { runName: input.job.jobName },
    });
  }

  async addUploadFiles(jobHandle: string, post: UploadPost): Promise<void> {
    await this.client.workflow.getHandle(jobHandle).signal(addUploadFilesSignal, post);
  }

  async describe(jobHandle: string): Promise<JobDescription | undefined> {
    try {
      const d = await this.client.workflow.getHandle(jobHandle).describe();
      return {
        companyHandle: d.typedSearchAttributes.get(CompanyHandleKey),
        running: d.status.name === 'RUNNING',
        workflowType: d.type,
      };
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
  }
}
