import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, companyWithUser, startHarness } from '../support/harness.js';
import { IPS_VERSIONS as VERSIONS, zeepSession } from '../support/zeep-session.js';

/**
 * The folder operations through Python zeep (strict=True) on each IPS
 * version's served WSDL: the nested Folder of getFolderTree, the flat
 * FolderArray of getFolders, and createFolder's handle; every reply is also
 * held to the XSD the WSDL embeds.
 */
describe(`folders through SOAP (zeep strict) (${process.env.IPS_TEST_DB})`, () => {
  let h: Harness;
  let acme: Awaited<ReturnType<typeof companyWithUser>>;
  let root: string;
  const { zeep, valueOf, loadWsdls } = zeepSession({ baseUrl: () => h.baseUrl, who: () => acme.who });

  beforeAll(async () => {
    h = await startHarness();
    acme = await companyWithUser(h, 'ZeepFolders', 'IpsUser');
    root = (await h.ctx.repositories.companies.findByHandle(acme.companyHandle))!.root_path;
    for (const folderPath of ['Shoes', 'Shoes/Red', 'Hats']) {
      const r = await h.api('createFolder', { companyHandle: acme.companyHandle, folderPath }, acme.who);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    }
    await loadWsdls();
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  for (const version of VERSIONS) {
    it(`${version}: getFolderTree, getFolders and createFolder parse strictly and validate`, async () => {
      const results = await zeep(version, [
        { op: 'getFolderTree', args: { companyHandle: acme.companyHandle, depth: -1 } },
        { op: 'getFolderTree', args: { companyHandle: acme.companyHandle, folderPath: 'Shoes', depth: 0 } },
        { op: 'getFolders', args: { companyHandle: acme.companyHandle } },
        { op: 'createFolder', args: { companyHandle: acme.companyHandle, folderPath: `Hats/${version}` } },
      ]);
      // The reply has one child, so zeep hands back its value (the Folder; the FolderArray's items) itself.
      const tree = valueOf(results[0]!);
      expect(tree).toMatchObject({ folderHandle: `f|${root}`, path: root, hasSubfolders: true });
      const top = tree.subfolderArray.items;
      expect(top.map((f: any) => f.path)).toEqual([`${root}Hats/`, `${root}Shoes/`]);
      expect(top[1].subfolderArray.items[0]).toMatchObject({ path: `${root}Shoes/Red/`, hasSubfolders: false });
      expect(valueOf(results[1]!)).toMatchObject({ path: `${root}Shoes/`, hasSubfolders: true, subfolderArray: null });
      expect(valueOf(results[2]!).map((f: any) => f.path)).toContain(`${root}Shoes/Red/`);
      expect(valueOf(results[3]!)).toBe(`f|${root}Hats/${version}/`);
    });
  }
});
