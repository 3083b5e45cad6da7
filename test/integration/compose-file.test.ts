import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * docker-compose.yml as `docker compose` would load it: scripts/validate-compose.sh
 * runs compose-go (the Compose reference loader, with the schema) and prints the
 * resolved services. No Docker engine is needed, so this runs everywhere the
 * tests do; it does not touch the catalog, so only in the integration-sqlite project.
 */

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const script = path.join(root, 'scripts/validate-compose.sh');
const inThisProject = process.env.IPS_TEST_DB !== 'postgres';

interface ResolvedService {
  image?: string;
  container_name?: string;
  hostname?: string;
  ports: { target: number; published?: string }[];
  volumes: { type: string; source?: string; target: string }[];
  tmpfs: string[];
  environment: Record<string, string>;
  depends_on: string[];
  healthcheck: boolean;
}
interface Resolved {
  services: Record<string, ResolvedService>;
  volumes: string[];
}

const required = {
  POSTGRES_PASSWORD: 'pg-password-for-the-test',
  IPS_DB_PASSWORD: 'ips-password-for-the-test',
  S3_ACCESS_KEY_ID: 'IPSTESTKEY',
  S3_SECRET_ACCESS_KEY: 's3-secret-for-the-test',
  SECRETS_KEY: 'c2VjcmV0cy1rZXktZm9yLXRoZS10ZXN0LTMyYnl0ZXM=',
};

/** Only what finds Go and its caches: nothing from the test's own settings leaks into the interpolation. */
function baseEnv(): NodeJS.ProcessEnv {
  const keep = ['PATH', 'HOME', 'XDG_CACHE_HOME', 'GOPATH', 'GOCACHE', 'GOMODCACHE', 'GOPROXY', 'GOFLAGS', 'GOTOOLCHAIN'];
  return Object.fromEntries(keep.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]]));
}

async function validate(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('bash', [script], { cwd: root, env: { ...baseEnv(), ...env }, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** Named volumes a service mounts; anonymous ones (no source) belong to one container only. */
function namedVolumes(s: ResolvedService): string[] {
  return s.volumes.filter((v) => v.type === 'volume' && v.source).map((v) => v.source as string);
}

describe.runIf(inThisProject)('docker-compose.yml', () => {
  let resolved: Resolved;
  let output: string;

  beforeAll(async () => {
    // The first run on a machine builds the checker (scripts/setup.sh --test already does).
    await run('bash', [script, 'build'], { cwd: root, env: baseEnv() });
    const result = await validate(required);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    output = result.stdout;
    resolved = JSON.parse(output) as Resolved;
  }, 600_000);

  it('loads against the Compose schema with the required settings, with S3, API and worker services', () => {
    expect(Object.keys(resolved.services)).toEqual(expect.arrayContaining(['postgresql', 'temporal', 's3', 'api', 'worker']));
    expect(resolved.services.s3.image).toMatch(/^chrislusf\/seaweedfs:\d+\.\d+$/);
    expect(resolved.services.s3.healthcheck).toBe(true);
    expect(namedVolumes(resolved.services.s3)).toEqual(['s3-data']);
  });

  it('gives API and worker no volume in common, and no named volume at all', () => {
    const { api, worker } = resolved.services;
    expect(namedVolumes(api)).toEqual([]);
    expect(namedVolumes(worker)).toEqual([]);
    const binds = (s: ResolvedService) => s.volumes.filter((v) => v.type === 'bind').map((v) => v.source);
    expect(binds(api).filter((b) => binds(worker).includes(b))).toEqual([]);
    expect(resolved.volumes).not.toContain('ips-data');
  });

  it('lets the worker scale: no container name, hostname or host port', () => {
    const { worker } = resolved.services;
    expect(worker.container_name).toBeUndefined();
    expect(worker.hostname).toBeUndefined();
    expect(worker.ports).toEqual([]);
  });

  it('runs API and worker on the S3 server, waiting for it to be healthy', () => {
    for (const name of ['api', 'worker']) {
      const s = resolved.services[name];
      expect(s.environment).toMatchObject({ STORAGE_DRIVER: 's3', S3_ENDPOINT: 'http://s3:8333', S3_CREATE_BUCKET: 'true' });
      expect(s.environment.S3_BUCKET).toMatch(/\S/);
      expect(s.environment.AWS_ACCESS_KEY_ID).toBe(required.S3_ACCESS_KEY_ID);
      expect(s.depends_on).toContain('s3');
    }
  });

  it('prints no credential', () => {
    for (const [name, value] of Object.entries(required)) {
      if (name !== 'S3_ACCESS_KEY_ID') expect(output).not.toContain(value);
    }
  });

  it('refuses to load when a required setting is missing, naming it', async () => {
    for (const missing of ['S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY', 'SECRETS_KEY']) {
      const env: Record<string, string> = { ...required };
      delete env[missing];
      const result = await validate(env);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`required variable ${missing} is missing a value`);
    }
  });

  it('fails on a schema error', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-compose-'));
    try {
      const file = path.join(dir, 'compose.yml');
      await fs.writeFile(file, 'services:\n  api:\n    image: busybox\n    not_a_compose_key: 1\n');
      const result = await run('bash', [script, file], { cwd: root, env: baseEnv() }).then(
        () => ({ code: 0, stderr: '' }),
        (err: { code?: number; stderr?: string }) => ({ code: err.code ?? -1, stderr: err.stderr ?? '' }),
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('not_a_compose_key');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
