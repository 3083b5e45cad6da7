import type { UrlSecrets } from '../src/services/url-secrets.js';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { MailSendError } from '../src/adapters/mail/mail.driver.js';
import type { JobLogRepository } from '../src/adapters/repositories/job-log.repository.js';
import { type CallbackService, CallbackRefused, callbackPayloadFromLog } from '../src/services/callback.service.js';
import type { JobBookkeeping } from '../src/services/job-bookkeeping.service.js';
import type { JobNotifier } from '../src/services/job-notifier.service.js';
import type { ItemProgressReporter } from '../src/services/item-progress.js';
import type { EmailSetting } from '../src/services/notification.service.js';
import type { JobActivities } from '../src/jobs/contracts.js';

export interface JobActivityDeps {
  bookkeeping: JobBookkeeping;
  notifier: JobNotifier;
  callbacks: CallbackService;
  jobLogs: JobLogRepository;
  itemProgress: Pick<ItemProgressReporter, 'endJob'>;
  urlSecrets: Pick<UrlSecrets, 'reveal'>;
}

/** Start, end and notification of every job. */
export function createJobActivities(deps: JobActivityDeps): JobActivities {
  return {
    async beginJob(job, jobType) {
      await deps.bookkeeping.begin(job, jobType);
      return { serverName: deps.bookkeeping.serverName };
    },
    async endJob(job, jobType, outcome) {
      await deps.bookkeeping.end(job, jobType, outcome);
      // Rows an item could not remove itself (its worker died mid-item) go with the job; this never throws.
      await deps.itemProgress.endJob(job.jobHandle);
    },
    async notifyJob(job, request, outcome) {
      const setting = ((request.options as { emailSetting?: EmailSetting } | undefined)?.emailSetting ?? 'None') as EmailSetting;
      try {
        await deps.notifier.notify(job, request.jobType, request.notifyUserEmail, setting, outcome);
      } catch (err) {
        // A mailbox the server refuses will not accept the mail on a retry either.
        if (err instanceof MailSendError && err.permanent) throw ApplicationFailure.nonRetryable(err.message, 'MailRejected');
        throw err;
      }
    },
    async postJobCallback(job, request, outcome) {
      const options = request.options as { postHttpUrl?: string; httpCompletionUrl?: string };
      // Reprocess and rip jobs call it postHttpUrl, publish jobs httpCompletionUrl.
      const url = options.postHttpUrl ?? options.httpCompletionUrl;
      const log = url ? await deps.jobLogs.find(job.jobHandle) : undefined;
      if (!url || !log) return;
      try {
        // The only place the callback URL's secret is revealed: it is sealed in the workflow input.
        const target = await deps.urlSecrets.reveal(job.companyHandle, url);
        await deps.callbacks.send(target, callbackPayloadFromLog(log, outcome.outcome), Context.current().cancellationSignal);
      } catch (err) {
        // A refused target or a 4xx will not change on a retry.
        if (err instanceof CallbackRefused) throw ApplicationFailure.nonRetryable(err.message, 'CallbackRefused');
        throw err;
      }
    },
    async cancelOwnRun() {
      const run = Context.current().info.workflowExecution;
      if (!run) throw ApplicationFailure.nonRetryable('cancelOwnRun was not called by a workflow', 'NoWorkflow');
      await Context.current().client.workflow.getHandle(run.workflowId, run.runId).cancel();
    },
  };
}
