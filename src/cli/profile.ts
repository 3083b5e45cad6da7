import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** Where and as whom the CLI connects. */
export interface Profile {
  url: string;
  email: string;
  password: string;
}

/** A profile that cannot be loaded: a usage problem, not a server fault. */
export class ProfileError extends Error {}

export interface ProfileSources {
  env: NodeJS.ProcessEnv;
  /** `--profile <name>`: that profile of the config file, and nothing from the environment. */
  profileName?: string;
  homeDir?: string;
}

interface ProfileEntry {
  url?: string;
  email?: string;
  password?: string;
  passwordFile?: string;
}

/** `IPS_CONFIG`, else `~/.config/ips/config.json`. */
export function configPath(env: NodeJS.ProcessEnv, homeDir = os.homedir()): string {
  return env.IPS_CONFIG ?? path.join(homeDir, '.config', 'ips', 'config.json');
}

/**
 * The connection profile. `--profile <name>` takes that profile from the config
 * file. Without it, `IPS_URL` / `IPS_EMAIL` / `IPS_PASSWORD` win field by field
 * over the file's `default` profile, so a complete environment needs no file.
 */
export async function loadProfile(src: ProfileSources): Promise<Profile> {
  const file = configPath(src.env, src.homeDir);
  if (src.profileName !== undefined) {
    const config = await readConfig(file);
    if (!config) throw new ProfileError(`--profile ${src.profileName}: no config file at ${file} (set IPS_CONFIG to use another)`);
    const entry = config[src.profileName];
    if (!entry) throw new ProfileError(`--profile ${src.profileName}: ${file} has no such profile (it has: ${Object.keys(config).join(', ') || 'none'})`);
    return complete(await resolveEntry(entry, file), `profile ${src.profileName} of ${file}`);
  }
  const fromEnv: ProfileEntry = { url: src.env.IPS_URL, email: src.env.IPS_EMAIL, password: src.env.IPS_PASSWORD };
  if (fromEnv.url && fromEnv.email && fromEnv.password) return complete(fromEnv, 'the environment');
  const config = await readConfig(file);
  const fromFile = config?.default ? await resolveEntry(config.default, file) : {};
  return complete(
    { url: fromEnv.url ?? fromFile.url, email: fromEnv.email ?? fromFile.email, password: fromEnv.password ?? fromFile.password },
    'the environment',
  );
}

function complete(entry: ProfileEntry, where: string): Profile {
  const missing = (['url', 'email', 'password'] as const).filter((k) => !entry[k]);
  if (missing.length > 0) {
    const vars = missing.map((k) => `IPS_${k.toUpperCase()}`).join(', ');
    throw new ProfileError(`no ${missing.join(', ')} in ${where}: set ${vars}, or use a profile of the config file (docs/cli.md#profiles)`);
  }
  let url: URL;
  try {
    url = new URL(entry.url!);
  } catch {
    throw new ProfileError(`url ${JSON.stringify(entry.url)} in ${where} is not a URL (e.g. http://localhost:8080)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ProfileError(`url in ${where} must be http:// or https://`);
  return { url: url.href.replace(/\/+$/, ''), email: entry.email!, password: entry.password! };
}

async function readConfig(file: string): Promise<Record<string, ProfileEntry> | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ProfileError(`cannot read ${file}: ${(e as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new ProfileError(`${file} is not JSON: ${(e as Error).message}`);
  }
  const profiles = (parsed as { profiles?: unknown } | null)?.profiles;
  if (typeof profiles !== 'object' || profiles === null || Array.isArray(profiles)) {
    throw new ProfileError(`${file} must be { "profiles": { "<name>": { "url", "email", "password" | "passwordFile" } } }`);
  }
  for (const [name, entry] of Object.entries(profiles)) {
    if (typeof entry !== 'object' || entry === null) throw new ProfileError(`${file}: profile ${name} must be an object`);
    for (const k of ['url', 'email', 'password', 'passwordFile']) {
      const v = (entry as Record<string, unknown>)[k];
      if (v !== undefined && typeof v !== 'string') throw new ProfileError(`${file}: profile ${name}: ${k} must be a string`);
    }
  }
  const entries = profiles as Record<string, ProfileEntry>;
  if (Object.values(entries).some((e) => e.password !== undefined)) await refuseShared(file, 'holds a password');
  return entries;
}

/** A password others can read is no longer a secret: refuse it rather than use it. */
async function refuseShared(file: string, what: string): Promise<void> {
  const { mode } = await fs.stat(file);
  if ((mode & 0o077) !== 0) {
    throw new ProfileError(`${file} ${what} but others can read it (mode ${(mode & 0o777).toString(8)}): run chmod 600 ${file}`);
  }
}

async function resolveEntry(entry: ProfileEntry, configFile: string): Promise<ProfileEntry> {
  if (entry.password !== undefined || entry.passwordFile === undefined) return entry;
  const file = path.resolve(path.dirname(configFile), entry.passwordFile.replace(/^~(?=$|\/)/, os.homedir()));
  let password: string;
  try {
    password = await fs.readFile(file, 'utf8');
  } catch (e) {
    throw new ProfileError(`cannot read passwordFile ${file}: ${(e as Error).message}`);
  }
  await refuseShared(file, 'is a password file');
  // Editors end files with a newline; a password never does.
  return { ...entry, password: password.replace(/\r?\n$/, '') };
}
