import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';

const base = { DATA_DIR: '/srv/ips' };

describe('STORAGE_DRIVER=s3 configuration', () => {
  it('keeps local disk the default, under DATA_DIR/storage', () => {
    expect(loadConfig(base).storage).toEqual({ driver: 'local', root: path.resolve('/srv/ips/storage') });
  });

  it('needs S3_BUCKET', () => {
    expect(() => loadConfig({ ...base, STORAGE_DRIVER: 's3' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, STORAGE_DRIVER: 's3' })).toThrow(/S3_BUCKET: required when STORAGE_DRIVER is s3/);
  });

  it('defaults to AWS in us-east-1 with virtual-host addressing, and a local cache under DATA_DIR', () => {
    expect(loadConfig({ ...base, STORAGE_DRIVER: 's3', S3_BUCKET: 'ips-media' }).storage).toEqual({
      driver: 's3',
      root: path.resolve('/srv/ips/s3-cache'),
      s3: { region: 'us-east-1', bucket: 'ips-media', prefix: '', forcePathStyle: false, createBucket: false },
    });
  });

  it('uses path-style addressing for an S3-compatible endpoint unless told otherwise', () => {
    const env = { ...base, STORAGE_DRIVER: 's3', S3_BUCKET: 'ips-media', S3_ENDPOINT: 'http://127.0.0.1:8333', S3_PREFIX: 'prod/a', S3_CREATE_BUCKET: 'true' };
    expect(loadConfig(env).storage).toMatchObject({
      s3: { endpoint: 'http://127.0.0.1:8333', prefix: 'prod/a', forcePathStyle: true, createBucket: true },
    });
    expect(loadConfig({ ...env, S3_FORCE_PATH_STYLE: 'false' }).storage).toMatchObject({ s3: { forcePathStyle: false } });
  });

  it('refuses a bad bucket name, endpoint or prefix, naming each', () => {
    const env = { ...base, STORAGE_DRIVER: 's3', S3_BUCKET: 'Bad_Bucket', S3_ENDPOINT: 'ftp://x', S3_PREFIX: 'a/../b' };
    const message = (() => {
      try {
        loadConfig(env);
        return '';
      } catch (err) {
        return (err as Error).message;
      }
    })();
    expect(message).toMatch(/S3_BUCKET: an S3 bucket name/);
    expect(message).toMatch(/S3_ENDPOINT: an http:\/\/ or https:\/\/ URL/);
    expect(message).toMatch(/S3_PREFIX: a key prefix without \. or \.\. segments/);
  });
});
