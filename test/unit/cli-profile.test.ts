import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProfileError, configPath, loadProfile } from '../../src/cli/profile.js';

describe('ips CLI connection profiles', () => {
  let home: string;
  let config: string;

  const writeConfig = async (profiles: Record<string, unknown>, mode = 0o600) => {
    await fs.mkdir(path.dirname(config), { recursive: true });
    await fs.writeFile(config, JSON.stringify({ profiles }));
    await fs.chmod(config, mode);
  };

  beforeEach(async () => {
    home = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-cli-home-'));
    config = path.join(home, '.config', 'ips', 'config.json');
  });
  afterEach(async () => {
    await fs.rm(home, { recursive: true, force: true });
  });

  it('takes a complete environment without reading any file, trailing slashes off the URL', async () => {
    const env = { IPS_URL: 'http://ips.test:8080/', IPS_EMAIL: 'a@b.test', IPS_PASSWORD: 'Secret-1' };
    expect(await loadProfile({ env, homeDir: home })).toEqual({ url: 'http://ips.test:8080', email: 'a@b.test', password: 'Secret-1' });
  });

  it('fills what the environment lacks from the default profile of ~/.config/ips/config.json', async () => {
    await writeConfig({ default: { url: 'http://file.test', email: 'file@b.test', password: 'File-Pass-1' } });
    expect(await loadProfile({ env: { IPS_EMAIL: 'env@b.test' }, homeDir: home })).toEqual({
      url: 'http://file.test',
      email: 'env@b.test',
      password: 'File-Pass-1',
    });
  });

  it('--profile takes that profile of IPS_CONFIG, whatever the environment says', async () => {
    config = path.join(home, 'elsewhere.json');
    await writeConfig({ prod: { url: 'https://prod.test', email: 'p@b.test', password: 'Prod-Pass-1' } });
    const env = { IPS_CONFIG: config, IPS_URL: 'http://env.test', IPS_EMAIL: 'e@b.test', IPS_PASSWORD: 'Env-Pass-1' };
    expect(configPath(env, home)).toBe(config);
    expect(await loadProfile({ env, profileName: 'prod', homeDir: home })).toEqual({ url: 'https://prod.test', email: 'p@b.test', password: 'Prod-Pass-1' });
    await expect(loadProfile({ env, profileName: 'staging', homeDir: home })).rejects.toThrow(/has no such profile \(it has: prod\)/);
  });

  it('refuses a config file holding a password that others can read, saying how to fix it', async () => {
    await writeConfig({ default: { url: 'http://file.test', email: 'f@b.test', password: 'File-Pass-1' } }, 0o644);
    const err = await loadProfile({ env: {}, homeDir: home }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProfileError);
    expect((err as Error).message).toMatch(/others can read it \(mode 644\): run chmod 600/);
    expect((err as Error).message).not.toContain('File-Pass-1');
  });

  it('reads passwordFile (relative to the config file, final newline dropped) and accepts a shared config without passwords', async () => {
    await writeConfig({ default: { url: 'http://file.test', email: 'f@b.test', passwordFile: 'secret' } }, 0o644);
    const secret = path.join(path.dirname(config), 'secret');
    await fs.writeFile(secret, 'From-File-1\n', { mode: 0o600 });
    expect((await loadProfile({ env: {}, homeDir: home })).password).toBe('From-File-1');
    await fs.chmod(secret, 0o640);
    await expect(loadProfile({ env: {}, homeDir: home })).rejects.toThrow(/is a password file but others can read it/);
  });

  it('names what is missing, and refuses a URL that is not http(s) or a malformed file', async () => {
    await expect(loadProfile({ env: { IPS_URL: 'http://x.test' }, homeDir: home })).rejects.toThrow(
      /no email, password in the environment: set IPS_EMAIL, IPS_PASSWORD/,
    );
    await expect(loadProfile({ env: { IPS_URL: 'ftp://x.test', IPS_EMAIL: 'a', IPS_PASSWORD: 'b' }, homeDir: home })).rejects.toThrow(/must be http/);
    await expect(loadProfile({ env: {}, profileName: 'prod', homeDir: home })).rejects.toThrow(/no config file at/);
    await fs.mkdir(path.dirname(config), { recursive: true });
    await fs.writeFile(config, '{"profiles": []}', { mode: 0o600 });
    await expect(loadProfile({ env: {}, homeDir: home })).rejects.toThrow(/must be \{ "profiles"/);
  });
});
