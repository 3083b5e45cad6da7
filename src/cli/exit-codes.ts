/** The CLI's exit codes (docs/cli.md#exit-codes). */
export const EXIT = {
  done: 0,
  /** The job logged errors (fileErrorCount > 0, a fatal error) or the operation failed. */
  failed: 1,
  /** Bad arguments: unknown flags, bad --options JSON, no connection profile. */
  usage: 2,
  /** authenticationFault / authorizationFault (HTTP 401 / 403). */
  auth: 3,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A usage error found after commander parsed the arguments (exit 2). */
export class UsageError extends Error {}
