/**
 * The parts a multi-process run brings up besides the service: a SeaweedFS
 * S3 server of its own (scripts/s3-server.sh, so it can be stopped and
 * started mid-run) and a fresh PostgreSQL database in a given server.
 * Shared by bench/scale.mjs and scripts/scale-demo.mjs.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { freePort } from '../../dist/src/adapters/temporal/dev-server.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function s3Server(...args) {
  const r = spawnSync('bash', [path.join(root, 'scripts/s3-server.sh'), ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`scripts/s3-server.sh ${args[0]} failed: ${r.stderr.trim().split('\n').slice(-3).join(' / ')}`);
}

/**
 * A SeaweedFS server with its data in `dir`, on a free port. `env(bucket)` is
 * what the service needs to store in `bucket` there: the credentials go in
 * AWS_* variables, where the SDK's default chain finds them (never in the
 * service's own configuration). stop() and start() again keep data, port and
 * credentials; start() returns once a signed write succeeds.
 */
export async function startS3(dir) {
  const port = String(await freePort());
  s3Server('start', dir, port);
  const vars = Object.fromEntries(
    readFileSync(path.join(dir, 's3.env'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  return {
    endpoint: vars.S3_ENDPOINT,
    env: (bucket) => ({
      STORAGE_DRIVER: 's3',
      S3_ENDPOINT: vars.S3_ENDPOINT,
      S3_REGION: vars.S3_REGION,
      S3_BUCKET: bucket,
      S3_CREATE_BUCKET: 'true',
      AWS_ACCESS_KEY_ID: vars.S3_ACCESS_KEY_ID,
      AWS_SECRET_ACCESS_KEY: vars.S3_SECRET_ACCESS_KEY,
    }),
    stop: () => s3Server('stop', dir),
    start: () => s3Server('start', dir, port),
    /** Never throws: for finally blocks. */
    shutdown: () => spawnSync('bash', [path.join(root, 'scripts/s3-server.sh'), 'stop', dir]),
  };
}

/** A database of its own in the PostgreSQL server at `serverUrl`, so runs never meet each other's rows; drop() at the end. */
export async function freshDatabase(serverUrl, label) {
  const name = `ips_${label}_${Date.now()}_${process.pid}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}
