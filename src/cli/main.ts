#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { IpsFault } from './client.js';
import { registerControls } from './commands/control.js';
import { registerExport } from './commands/export.js';
import { registerJobs } from './commands/jobs.js';
import { registerLogs } from './commands/logs.js';
import { registerSubmit } from './commands/submit.js';
import { registerUpload } from './commands/upload.js';
import { EXIT, UsageError } from './exit-codes.js';
import { ProfileError } from './profile.js';

/**
 * `ips`: a client of the service's HTTP API (docs/cli.md). Connection
 * profiles come from the environment or the config file, never from flags,
 * so a password never shows in a process list or a shell history.
 */
function program(): Command {
  const p = new Command('ips')
    .description('IPS job service command-line client (docs/cli.md)')
    .option('--profile <name>', 'connection profile of the config file (IPS_CONFIG or ~/.config/ips/config.json)')
    .option('--json', 'machine output: one JSON document on stdout')
    .showHelpAfterError()
    .exitOverride();
  registerUpload(p);
  registerSubmit(p);
  registerJobs(p);
  registerControls(p);
  registerLogs(p);
  registerExport(p);
  // Subcommands inherit exitOverride only when set on each of them.
  for (const c of p.commands) c.exitOverride();
  return p;
}

async function main(argv: string[]): Promise<void> {
  try {
    await program().parseAsync(argv);
  } catch (e) {
    process.exitCode = report(e);
  }
}

/** The message and exit code of a failure: usage 2, authentication/authorisation 3, anything else 1. */
function report(e: unknown): number {
  if (e instanceof CommanderError) {
    // Commander has printed its message already; help and version are not errors.
    return e.exitCode === 0 ? EXIT.done : EXIT.usage;
  }
  if (e instanceof UsageError || e instanceof ProfileError) {
    process.stderr.write(`ips: ${e.message}\n`);
    return EXIT.usage;
  }
  if (e instanceof IpsFault) {
    process.stderr.write(`ips: ${e.message}\n`);
    return e.isAuth ? EXIT.auth : EXIT.failed;
  }
  // fetch's own message is "fetch failed"; the reason (refused, unknown host) is its cause.
  const cause = e instanceof Error && e.cause instanceof Error ? `: ${e.cause.message}` : '';
  process.stderr.write(`ips: ${e instanceof Error ? e.message : String(e)}${cause}\n`);
  return EXIT.failed;
}

await main(process.argv);
