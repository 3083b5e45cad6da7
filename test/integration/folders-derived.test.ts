import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeJpeg } from '../support/fixtures.js';
import { type Harness, companyWithUser, seedAssets, startHarness } from '../support/harness.js';

/**
 * Assets a job makes rather than uploads keep the folders table in step too
 * (docs/folders.md, "How folder rows stay in step"): a set generated into a
 * new destFolder shows that folder (and its new parent) in getFolders, and a
 * set generated into another spelling of an existing folder is filed under the
 * catalog's spelling.
 */
describe(`folder rows for generated sets (${process.env.IPS_TEST_DB})`, () => {
  let h: Harness;
  let dir: string;
  let acme: Awaited<ReturnType<typeof companyWithUser>>;
  let root: string;
  let handles: Record<string, string>;
  let script: string;

  const call = async (op: string, body: Record<string, unknown>) => {
    const r = await h.api(op, { companyHandle: acme.companyHandle, ...body }, acme.who);
    expect(r.status, `${op}: ${JSON.stringify(r.body)}`).toBe(200);
    return r.body;
  };
  const folderPaths = async () => ((await call('getFolders', {})).folderArray.items as Array<{ path: string }>).map((f) => f.path);
  const generate = async (names: string[], destFolder: string) => {
    const r = await call('submitJob', {
      jobName: `sets-${destFolder}`,
      automatedSetGenerationJob: {
        assetHandleArray: names.map((n) => handles[n]),
        readyForPublish: false,
        autoSetCreationOptions: { autoSetsArray: [script] },
        destFolder,
        emailSetting: 'None',
      },
    });
    expect(await h.client.workflow.getHandle(r.jobHandle).result()).toMatchObject({ outcome: 'done', errors: 0 });
  };
  const setFolder = async (name: string) => (await h.ctx.repositories.assets.findLiveByName(acme.companyHandle, name.toLowerCase()))?.folder;

  beforeAll(async () => {
    h = await startHarness();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-folders-derived-'));
    acme = await companyWithUser(h, 'DerivedCo', 'IpsUser');
    root = (await h.ctx.repositories.companies.findByHandle(acme.companyHandle))!.root_path;
    const files = [];
    for (const n of ['hat_1', 'hat_2', 'scarf_1']) files.push({ path: await makeJpeg(path.join(dir, `${n}.jpg`), 48, 32) });
    handles = await seedAssets(h, acme, files);
    script = (await call('saveSetGenerationScript', { name: 'Products', setType: 'ImageSet', memberPattern: '{base}_{n}' })).scriptHandle;
  }, 120_000);
  afterAll(async () => {
    await h?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('a set generated into a new folder shows that folder and its new parent in getFolders', async () => {
    expect(await folderPaths()).not.toContain(`${root}Sets/`);
    await generate(['hat_1', 'hat_2'], 'Sets/Winter');
    expect(await setFolder('hat')).toBe(`${root}Sets/Winter/`);
    const paths = await folderPaths();
    expect(paths).toContain(`${root}Sets/`);
    expect(paths).toContain(`${root}Sets/Winter/`);
    const tree = await call('getFolderTree', { folderPath: 'Sets', depth: 1 });
    expect(tree.folders.subfolderArray.items.map((f: { path: string }) => f.path)).toEqual([`${root}Sets/Winter/`]);
  });

  it("a set generated into another spelling of an existing folder is filed under the catalog's spelling", async () => {
    await call('createFolder', { folderPath: 'Looks' });
    await generate(['scarf_1'], 'LOOKS/Spring');
    expect(await setFolder('scarf')).toBe(`${root}Looks/Spring/`);
    const paths = await folderPaths();
    expect(paths).toContain(`${root}Looks/Spring/`);
    expect(paths.filter((p) => p.toLowerCase() === `${root}looks/`.toLowerCase())).toEqual([`${root}Looks/`]);
  });
});
