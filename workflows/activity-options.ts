import { ActivityCancellationType, type ActivityOptions, type LocalActivityOptions } from '@temporalio/workflow';

/** Catalog and job-log bookkeeping: quick, idempotent, retried until the database answers (a job type the server does not run never will). */
export const BOOKKEEPING_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 20, nonRetryableErrorTypes: ['UnknownJobType'] },
};

/**
 * Bookkeeping run as a local activity, inside the workflow task that asks for it: no
 * dispatch through the server, so the work it precedes is scheduled in the same task
 * (a job's Begin row, then its first batch; its End row, then the mail), and no wait for
 * a worker slot another company's batches hold. Only for work as short as a few database
 * rows. The same timeout and retries; backoffs past a minute wait on a server timer
 * instead of holding the workflow task.
 */
export const BOOKKEEPING_LOCAL_OPTIONS: LocalActivityOptions = {
  startToCloseTimeout: BOOKKEEPING_OPTIONS.startToCloseTimeout,
  retry: BOOKKEEPING_OPTIONS.retry,
};

/** Notifications: a mail server that stays down must not hold the job forever; the job log has everything anyway. */
export const MAIL_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 8 },
};

/**
 * Per-item work (ingest, optimise): bad content never throws (it is recorded as
 * that item's error), so what reaches this retry policy is transient I/O.
 * Cancellation waits for the activity, so a stopped job never abandons an item half done.
 * Items heartbeat (activities/heartbeat.ts), so an item lost with its worker is
 * retried after the heartbeat timeout rather than after start-to-close.
 */
export const ITEM_ACTIVITY_OPTIONS: ActivityOptions = {
  // Generous: a batch of large images, or a video with several encodings, can take long;
  // a lost worker is caught by the heartbeat timeout, not by this.
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '30 seconds',
  // About 5 minutes of retries (2 s doubling to 1 min, 10 attempts): an outage of the object store or the
  // database that long delays items instead of failing them (the scale demo stops S3 for 5 s + its ~17 s warm-up).
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10 },
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
};

/** postHttpUrl callbacks: retried with backoff for about half an hour, then given up (the job log stays). */
export const CALLBACK_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 10 },
};
