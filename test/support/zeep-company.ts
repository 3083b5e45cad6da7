import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { type Harness, companyWithUser, startHarness } from './harness.js';
import { type ZeepSession, zeepSession } from './zeep-session.js';

export type CompanyUser = Awaited<ReturnType<typeof companyWithUser>>;

export interface ZeepCompany extends ZeepSession {
  /** The harness; started in beforeAll, so read it inside hooks and tests only. */
  readonly h: Harness;
  /** The company and the IpsUser every zeep call authenticates as. */
  readonly acme: CompanyUser;
  /** A scratch folder for the test's fixture files, removed in afterAll. */
  readonly dir: string;
}

export interface ZeepCompanyOptions {
  /** The company's name (also names the scratch folder). */
  company: string;
  /** Seeds what the tests need, after the company exists and before the WSDLs load. */
  prepare?: (world: ZeepCompany) => Promise<void>;
  /** beforeAll's timeout: a reprocess job in `prepare` wants more than an upload. */
  timeout?: number;
}

/**
 * The set-up every SOAP test file shares: a fresh harness, one company with an
 * IpsUser, a scratch folder, and a zeep session holding each version's WSDL;
 * registers its own beforeAll and afterAll.
 */
export function zeepCompany(options: ZeepCompanyOptions): ZeepCompany {
  let h: Harness | undefined;
  let acme: CompanyUser | undefined;
  let dir: string | undefined;
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`zeepCompany: ${what} is set in beforeAll; read it in a hook or a test`);
    return value;
  };
  const session = zeepSession({ baseUrl: () => world.h.baseUrl, who: () => world.acme.who });
  const world: ZeepCompany = {
    ...session,
    get h() {
      return started(h, 'the harness');
    },
    get acme() {
      return started(acme, 'the company');
    },
    get dir() {
      return started(dir, 'the scratch folder');
    },
  };

  beforeAll(async () => {
    h = await startHarness();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), `ips-${options.company.toLowerCase()}-`));
    acme = await companyWithUser(h, options.company, 'IpsUser');
    await options.prepare?.(world);
    await session.loadWsdls();
  }, options.timeout ?? 120_000);
  afterAll(async () => {
    await h?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });
  return world;
}
