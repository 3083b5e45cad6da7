import type { Command } from 'commander';
import { IpsClient } from './client.js';
import { Output } from './output.js';
import { loadProfile } from './profile.js';

/** What every command runs with: a client of the profile's service and where its output goes. */
export interface Context {
  client: IpsClient;
  out: Output;
}

/** The context from the global options (`--profile`, `--json`) and the environment. */
export async function contextOf(cmd: Command): Promise<Context> {
  const opts = cmd.optsWithGlobals<{ profile?: string; json?: boolean }>();
  const profile = await loadProfile({ env: process.env, profileName: opts.profile });
  return { client: new IpsClient(profile), out: new Output(opts.json === true) };
}

/** `a,b, c` → ['a', 'b', 'c']. */
export function list(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
