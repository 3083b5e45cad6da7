import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { READ_AHEAD, zipStream } from '../../src/adapters/archive/zip-writer.js';
import { renderMessage } from '../../src/domain/i18n/catalog.js';
import { parseInput } from '../../src/domain/validate.js';
import { exportJob } from '../../src/domain/schemas/job.schema.js';
import { UniqueNames } from '../../src/services/export/export-archive.service.js';
import type { ExportManifest } from '../../src/services/export/export-keys.js';
import { ExportLinkError, ExportLinks } from '../../src/services/export/export-links.js';
import { exportExtension, exportQuery, macroName, parseExportRequest } from '../../src/services/export/export-query.js';
import { compressInZip } from '../../src/services/export/export.service.js';
import { JobBookkeeping } from '../../src/services/job-bookkeeping.service.js';
import { JobService } from '../../src/services/job.service.js';
import type { Principal } from '../../src/services/principal.js';
import type { JobExecution, JobGateway } from '../../src/adapters/temporal/job.gateway.js';
import type { JobProgress } from '../../src/jobs/contracts.js';
import { faultOf } from '../support/faults.js';
import { readZip } from '../support/zip.js';
import { unusedSubmitCheckDeps } from '../support/submit-check-deps.js';

const secrets: Record<string, string> = { 'c|acme': 'acme-secret', 'c|other': 'other-secret' };
const secretFor = async (c: string) => {
  const s = secrets[c];
  if (!s) throw new Error(`no company ${c}`);
  return s;
};
const links = (now: number) => new ExportLinks({ config: { publicUrl: 'https://ips.example/', ttlSeconds: 3600 }, secretFor, now: () => now });
const tokenOf = (url: string) => url.slice(url.lastIndexOf('/') + 1);
const whyOf = async (p: Promise<unknown>) =>
  p.then(
    () => 'accepted',
    (e: unknown) => (e instanceof ExportLinkError ? e.why : String(e)),
  );

describe('export download links', () => {
  const t0 = Date.UTC(2026, 11, 1, 12, 0, 0);

  it('issues a URL under the public address that verifies until it expires, then says expired', async () => {
    const { url, expiresAt } = await links(t0).issue('c|acme', 'j|1');
    expect(url.startsWith('https://ips.example/export/')).toBe(true);
    expect(expiresAt.toISOString()).toBe('2026-12-01T13:00:00.000Z');
    expect(await links(t0 + 3_599_000).verify(tokenOf(url))).toEqual({ companyHandle: 'c|acme', jobHandle: 'j|1', expiresAt });
    expect(await whyOf(links(t0 + 3_600_000).verify(tokenOf(url)))).toBe('expired');
  });

  it('refuses altered signatures, altered claims, other companies and garbage as forged or malformed', async () => {
    const token = tokenOf((await links(t0).issue('c|acme', 'j|1')).url);
    const [payload, signature] = token.split('.') as [string, string];
    const claims = (over: unknown[]) => Buffer.from(JSON.stringify(over)).toString('base64url');
    expect(await whyOf(links(t0).verify(`${payload}.${signature.slice(1)}A`))).toBe('forged');
    expect(await whyOf(links(t0).verify(`${claims(['c|acme', 'j|2', t0 / 1000 + 3600])}.${signature}`))).toBe('forged');
    expect(await whyOf(links(t0).verify(`${claims(['c|acme', 'j|1', t0 / 1000 + 99_999])}.${signature}`))).toBe('forged');
    expect(await whyOf(links(t0).verify(`${claims(['c|other', 'j|1', t0 / 1000 + 3600])}.${signature}`))).toBe('forged');
    expect(await whyOf(links(t0).verify(`${claims(['c|nobody', 'j|1', t0 / 1000 + 3600])}.${signature}`))).toBe('forged');
    // an expired-looking claim under a wrong signature is a forgery, never "expired"
    expect(await whyOf(links(t0).verify(`${claims(['c|acme', 'j|1', 1])}.${signature}`))).toBe('forged');
    for (const junk of ['', 'abc', 'a.b.c', `${Buffer.from('{"x":1}').toString('base64url')}.${signature}`, `!!.${signature}`]) {
      expect(await whyOf(links(t0).verify(junk)), junk).toBe('malformed');
    }
  });
});

describe('export request', () => {
  const macros = (name: string) => ({ test: 'fmt=tif&wid=120', view: 'wid=240' })[name.toLowerCase() as 'test'];

  it('puts the macro after is_modifier so its commands win (Adobe IPS: data-types/r-exportjob)', () => {
    expect(exportQuery({ is_modifier: '&fmt=png', macro: '$test$' })).toBe('&fmt=png&$test$');
    expect(exportQuery({ macro: 'test' })).toBe('$test$');
    expect(exportQuery({ is_modifier: '?wid=10' })).toBe('?wid=10');
    expect(macroName('$Test$')).toBe('Test');
    const req = parseExportRequest('exportJob', { is_modifier: '&fmt=png&wid=50', macro: '$TEST$' }, macros);
    expect(exportExtension(req)).toBe('tiff');
    expect(req.wid).toBe(120);
    expect(exportExtension(parseExportRequest('exportJob', { is_modifier: '$view$&fmt=png' }, macros))).toBe('png');
    expect(exportExtension(parseExportRequest('exportJob', {}, macros))).toBe('jpg');
  });

  it('names the field at fault: is_modifier for its own commands, macro for an unknown preset', () => {
    expect(faultOf(() => parseExportRequest('exportJob', { is_modifier: 'wid=-3' }, macros))).toMatchObject({ code: 30001, field: 'exportJob.is_modifier' });
    expect(faultOf(() => parseExportRequest('exportJob', { macro: '$nope$' }, macros))).toMatchObject({
      field: 'exportJob.macro',
      reason: "exportJob.macro: expected the name of one of the company's image presets, received 'nope'",
    });
  });

  it('validates the job: 500 handles at most, at least one, no conversion options with fmt=orig', () => {
    const body = (extra: Record<string, unknown>) => ({ assetHandleArray: ['a|1'], fmt: 'orig', emailSetting: 'None', ...extra });
    expect(parseInput(exportJob, body({ clientId: '10.0.0.1' }))).toMatchObject({ clientId: '10.0.0.1', fmt: 'orig' });
    expect(faultOf(() => parseInput(exportJob, body({ assetHandleArray: Array(501).fill('a|1') })))).toMatchObject({ field: 'assetHandleArray' });
    expect(faultOf(() => parseInput(exportJob, body({ assetHandleArray: [] })))).toMatchObject({ code: 30002, field: 'assetHandleArray' });
    expect(faultOf(() => parseInput(exportJob, body({ macro: '$x$' })))).toMatchObject({ field: 'macro' });
    expect(faultOf(() => parseInput(exportJob, body({ fmt: 'png' })))).toMatchObject({ field: 'fmt' });
    expect(faultOf(() => parseInput(exportJob, body({ fmt: 'convert', macro: 'a b' })))).toMatchObject({ field: 'macro' });
  });
});

describe('export archive', () => {
  it('makes names unique case-insensitively and deterministically, and safe for any file system', () => {
    const names = new UniqueNames();
    expect(['a.jpg', 'A.JPG', 'a.jpg', 'b', 'b', '../x.png', 'c:d.tif', '.hidden'].map((n) => names.take(n))).toEqual([
      'a.jpg',
      'A-2.JPG',
      'a-3.jpg',
      'b',
      'b-2',
      '__x.png',
      'c_d.tif',
      '_hidden',
    ]);
  });

  it('stores compressed formats as they are and deflates the rest', () => {
    expect(['x.jpg', 'x.PNG', 'x.webp', 'x.tiff', 'x.icc', 'noext'].map(compressInZip)).toEqual([false, false, false, true, true, true]);
  });

  it('streams entries opened one at a time into a ZIP that reads back byte for byte', async () => {
    const opened: string[] = [];
    const big = Buffer.alloc(300_000, 7);
    const entries = [
      { name: 'one.txt', data: Buffer.from('first') },
      { name: 'big.tif', data: big },
      { name: 'two.jpg', data: Buffer.from([0xff, 0xd8, 0xff]) },
    ];
    const stream = zipStream(
      entries.map((e) => ({ name: e.name, compress: compressInZip(e.name), mtime: new Date(0), open: () => (opened.push(e.name), Readable.from([e.data])) })),
    );
    const parts: Buffer[] = [];
    for await (const c of stream) parts.push(c as Buffer);
    const files = await readZip(Buffer.concat(parts));
    expect([...files.keys()]).toEqual(['one.txt', 'big.tif', 'two.jpg']);
    for (const e of entries) expect(files.get(e.name)!.equals(e.data), e.name).toBe(true);
    expect(opened).toEqual(['one.txt', 'big.tif', 'two.jpg']);
    // deflated: 300 kB of one byte value shrinks to almost nothing
    expect(Buffer.concat(parts).length).toBeLessThan(10_000);
  });

  it('opens each entry at most READ_AHEAD entries before its turn, in order, and closes those opened early when the archive fails', async () => {
    const opened: number[] = [];
    const consumedBefore: number[] = [];
    let consumed = 0;
    const sources: Readable[] = [];
    const entry = (i: number) => ({
      name: `f${i}.bin`,
      compress: false,
      mtime: new Date(0),
      open: () => {
        opened.push(i);
        consumedBefore.push(consumed);
        const source = new Readable({
          read() {
            if (i === 7) this.destroy(new Error('disk gone'));
            else {
              this.push(Buffer.alloc(10, i));
              this.push(null);
            }
          },
        });
        source.once('end', () => (consumed += 1));
        sources.push(source);
        return source;
      },
    });
    const stream = zipStream(Array.from({ length: 10 }, (_, i) => entry(i)));
    await expect(
      (async () => {
        for await (const _ of stream) {
          /* drain */
        }
      })(),
    ).rejects.toThrow('disk gone');
    // in order, each opened no more than READ_AHEAD entries before the one being written
    expect(opened).toEqual([...opened].sort((a, b) => a - b));
    opened.forEach((i, k) => expect(i - consumedBefore[k]!, `entry ${i}`).toBeLessThanOrEqual(READ_AHEAD));
    expect(Math.max(...opened)).toBeLessThanOrEqual(7 + READ_AHEAD);
    // entry 7 failed while read ahead: nothing opened early is left open
    expect(sources.every((s) => s.destroyed || s.readableEnded)).toBe(true);
  });

  it('fails the stream when an entry cannot be read, so no truncated archive passes for whole', async () => {
    const stream = zipStream([
      {
        name: 'x.tif',
        compress: true,
        mtime: new Date(0),
        open: () =>
          new Readable({
            read() {
              this.destroy(new Error('disk gone'));
            },
          }),
      },
    ]);
    await expect(
      (async () => {
        for await (const _ of stream) {
          /* drain */
        }
      })(),
    ).rejects.toThrow('disk gone');
  });
});

describe('export archive step', () => {
  type Detail = {
    logType: string;
    messageKey: string;
    messageArgs: Record<string, string | number>;
    assetName?: string;
    assetType?: string;
    assetHandle?: string;
  };
  /** The job log as far as the archive step uses it: item results, detail rows, counters (as the real one moves them) and the demotion. */
  function fakeJobLogs(items: Record<string, string>) {
    const rows: Array<Detail & { itemId: string; message: string }> = [];
    const status = new Map(Object.entries(items));
    // The staging step counted each staged asset as one success.
    const counts = { success: [...status.values()].filter((s) => s === 'success').length, error: [...status.values()].filter((s) => s === 'error').length };
    const push = (itemId: string, d: Detail) => rows.push({ itemId, ...d, message: renderMessage(d.messageKey, d.messageArgs) });
    // What the staging step recorded with each result (its manifest), as the real one keeps it: JSON.
    const payloads = new Map<string, string>();
    const recordItem = async (item: { item_id: string; status: string }, _c: string, details: readonly Detail[], counters: readonly string[]) => {
      if (status.has(item.item_id)) return false;
      status.set(item.item_id, item.status);
      for (const d of details) push(item.item_id, d);
      for (const c of counters) {
        if (c === 'file_success_count') counts.success += 1;
        else throw new Error(`an export's archive step moved ${c}`);
      }
      return true;
    };
    return {
      rows,
      status,
      counts,
      payloads,
      findItem: async (_job: string, id: string) => (status.has(id) ? { status: status.get(id) } : undefined),
      findItems: async (_job: string, ids: readonly string[]) =>
        ids.filter((id) => status.has(id)).map((id) => ({ item_id: id, status: status.get(id), payload: payloads.get(id) ?? null })),
      recordItem,
      recordItems: async (
        c: string,
        records: ReadonlyArray<{ item: { item_id: string; status: string }; details: readonly Detail[]; counters: readonly string[] }>,
      ) => {
        const recorded = new Set<string>();
        for (const r of records) if (await recordItem(r.item, c, r.details, r.counters)) recorded.add(r.item.item_id);
        return recorded;
      },
      demoteToError: async (_job: string, id: string, _c: string, _reason: string, d: Detail) => {
        if (status.get(id) !== 'success') return false;
        status.set(id, 'error');
        push(id, d);
        counts.success -= 1;
        counts.error += 1;
        return true;
      },
    };
  }
  const job = {
    jobHandle: 'j|1',
    companyHandle: 'c|acme',
    jobName: 'exp',
    originalName: 'exp',
    submitUserHandle: 'u',
    submitUserEmail: 'u@x',
    jobType: 'Export',
  };

  async function setup(maxBytes: number) {
    const { LocalStorageDriver } = await import('../../src/adapters/storage/local-storage.driver.js');
    const { ExportArchiveService } = await import('../../src/services/export/export-archive.service.js');
    const { exportKeys } = await import('../../src/services/export/export-keys.js');
    const os = await import('node:os');
    const fsp = await import('node:fs/promises');
    const root = await fsp.mkdtemp(`${os.tmpdir()}/ips-export-unit-`);
    const storage = await new LocalStorageDriver(root).init();
    const keys = exportKeys(job.companyHandle, job.jobHandle);
    const jobLogs = fakeJobLogs({ a: 'success', b: 'success', c: 'success', d: 'error' });
    /** Stages an asset's files as the staging step does; `manifestFile`: as it did before migration 0028 (a manifest file, no payload). */
    const stage = async (asset: string, files: Array<[string, Buffer]>, asOriginal?: string, manifestFile = false) => {
      const entries = [];
      for (const [i, [name, data]] of files.entries()) {
        const key = keys.converted(asset, i + 1, 'bin');
        await storage.putStream(key, Readable.from([data]));
        entries.push({ key, name, size: data.length, compress: true });
      }
      const manifest: ExportManifest = { path: `/web/${asset}`, name: asset, fileName: `${asset}.src`, ...(asOriginal ? { asOriginal } : {}), entries };
      if (manifestFile) await storage.putStream(keys.manifest(asset), Readable.from([Buffer.from(JSON.stringify(manifest))]));
      else jobLogs.payloads.set(asset, JSON.stringify(manifest));
    };
    const links = new ExportLinks({ config: { publicUrl: 'https://ips.example', ttlSeconds: 60 }, secretFor });
    const { ItemLedger } = await import('../../src/services/assets/item-ledger.js');
    const service = new ExportArchiveService({
      storage,
      jobLogs: jobLogs as never,
      ledger: new ItemLedger(jobLogs as never),
      exportLinks: links,
      limits: { maxBytes },
    });
    const archive = async () =>
      readZip(
        await new Promise<Buffer>((resolve, reject) => {
          const parts: Buffer[] = [];
          storage
            .read(keys.archive)
            .on('data', (c: Buffer) => parts.push(c))
            .on('end', () => resolve(Buffer.concat(parts)))
            .on('error', reject);
        }),
      );
    return { storage, keys, stage, jobLogs, service, archive, cleanup: () => fsp.rm(root, { recursive: true, force: true }) };
  }

  it('leaves out, as an error, the asset that would take the archive past the byte limit, and keeps the order', async () => {
    const t = await setup(250);
    try {
      await t.stage('a', [['one.png', Buffer.alloc(100, 1)]]);
      await t.stage('b', [
        ['two.png', Buffer.alloc(100, 2)],
        ['two-p2.png', Buffer.alloc(100, 2)],
      ]);
      await t.stage('c', [['one.png', Buffer.alloc(100, 3)]], 'IccProfile');
      const result = await t.service.build(job, ['a', 'b', 'c', 'd']);
      expect(result).toMatchObject({ entries: 2 });
      const files = await t.archive();
      // b (200 bytes) would pass 250 after a; c still fits, renamed after a's one.png
      expect([...files.keys()]).toEqual(['one.png', 'one-2.png']);
      expect(files.get('one-2.png')![0]).toBe(3);
      expect(t.jobLogs.status.get('b')).toBe('error');
      // as IPS logs an export (docs/job-log-types.md#exportjob-export): a row per file naming its entry, then the ZIP's row; b's error row names it as the file rows do
      expect(t.jobLogs.rows.map((r) => [r.logType, r.message, r.assetName, r.assetType, r.assetHandle])).toEqual([
        [
          'ExportJobRenderFileError',
          expect.stringMatching(/^\/web\/b failed: left out of the archive: with it the export would exceed 250 bytes/),
          'b',
          'ExportJobRenderedFile',
          'b',
        ],
        ['ExportJobRenderFileSuccess', 'a.src is exported to one.png', 'a', 'ExportJobRenderedFile', 'a'],
        [
          'ExportJobRenderFileSuccess',
          'c.src is exported to one-2.png (as its original: IccProfile assets are not converted)',
          'c',
          'ExportJobRenderedFile',
          'c',
        ],
        ['ZipFileExportJobSuccess', `${result.url} has been created`, result.url, 'ExportJobZip', undefined],
      ]);
      // staged a, b, c (3) − b left out + the ZIP
      expect(t.jobLogs.counts).toEqual({ success: 3, error: 2 });
      // staged files are gone once the archive is committed
      expect(await t.storage.exists(t.keys.converted('a', 1, 'bin'))).toBe(false);
    } finally {
      await t.cleanup();
    }
  });

  it('reads the manifest file of an asset staged before its result carried the manifest (migration 0028)', async () => {
    const t = await setup(10_000);
    try {
      await t.stage('a', [['one.png', Buffer.alloc(10, 1)]], undefined, true);
      await t.stage('b', [['two.png', Buffer.alloc(10, 2)]]);
      const result = await t.service.build(job, ['a', 'b']);
      expect(result).toMatchObject({ entries: 2 });
      expect([...(await t.archive()).keys()]).toEqual(['one.png', 'two.png']);
      expect(t.jobLogs.rows.map((r) => r.message).slice(0, 2)).toEqual(['a.src is exported to one.png', 'b.src is exported to two.png']);
      expect(await t.storage.exists(t.keys.manifest('a'))).toBe(false);
    } finally {
      await t.cleanup();
    }
  });

  it('is idempotent: a retry after it finished returns the same archive and logs nothing twice', async () => {
    const t = await setup(10_000);
    try {
      await t.stage('a', [
        ['one.png', Buffer.alloc(10, 1)],
        ['one-p2.png', Buffer.alloc(10, 2)],
      ]);
      const before = t.jobLogs.counts.success;
      const first = await t.service.build(job, ['a']);
      const again = await t.service.build(job, ['a']);
      expect(again).toEqual(first);
      expect(t.jobLogs.rows.map((r) => r.message)).toEqual([
        'a.src is exported to one.png',
        'a.src is exported to one-p2.png',
        `${first.url} has been created`,
      ]);
      // a's second file and the ZIP, once (staging counted a's first file)
      expect(t.jobLogs.counts.success - before).toBe(2);
      expect([...(await t.archive()).keys()]).toEqual(['one.png', 'one-p2.png']);
    } finally {
      await t.cleanup();
    }
  });
});

describe("an ExportJob's begin and end (as in IPS, its log is its files' rows)", () => {
  const job = { jobHandle: 'j|1', companyHandle: 'c|acme', jobName: 'exp_1', originalName: 'exp', submitUserHandle: 'u', submitUserEmail: 'u@x' };
  function bookkeeping() {
    const logs: Array<{ log_type: string; total_file_count: number }> = [];
    const items: Array<{ itemId: string; details: Array<{ logType: string; messageKey: string }> }> = [];
    const jobLogs = {
      ensureJob: async (row: { log_type: string; total_file_count: number }) => void logs.push(row),
      recordItem: async (item: { item_id: string }, _c: string, details: Array<{ logType: string; messageKey: string }>) => (
        items.push({ itemId: item.item_id, details }),
        true
      ),
      find: async () => ({ file_success_count: 2, file_update_count: 0, file_error_count: 0, file_warning_count: 0 }),
      finish: async () => undefined,
    };
    return { book: new JobBookkeeping({ jobLogs: jobLogs as never, serverName: 'worker-1' }), logs, items };
  }
  const rowsOf = (items: ReturnType<typeof bookkeeping>['items'], id: string) =>
    items.find((i) => i.itemId === id)!.details.map((d) => [d.logType, d.messageKey]);

  it('logs BeginExportJob as the JobLog type but writes no begin rows, and no end row when it completes', async () => {
    const { book, logs, items } = bookkeeping();
    await book.begin(job, 'Export');
    await book.end(job, 'Export', { outcome: 'done', total: 1, processed: 1, errors: 0 });
    expect(logs).toMatchObject([{ log_type: 'BeginExportJob', total_file_count: 0 }]);
    // the items are still recorded: job metrics read the 'end' item's status
    expect(items.map((i) => i.itemId)).toEqual(['begin', 'end']);
    expect(rowsOf(items, 'begin')).toEqual([]);
    expect(rowsOf(items, 'end')).toEqual([]);
  });

  it('still says who stopped it, or why it failed, which nothing else in the log would', async () => {
    const stopped = bookkeeping();
    await stopped.book.end(job, 'Export', { outcome: 'stopped', total: 3, processed: 1, errors: 0, stoppedBy: 'ann@acme.test' });
    expect(rowsOf(stopped.items, 'end')).toEqual([['EndExportJob', 'jobStopped']]);
    const failed = bookkeeping();
    await failed.book.end(job, 'Export', { outcome: 'failed', total: 3, processed: 3, errors: 0, reason: 'disk full' });
    expect(rowsOf(failed.items, 'end')).toEqual([['FatalError', 'jobFailed']]);
  });

  it('leaves the begin and end rows of other jobs as they were', async () => {
    const { book, items } = bookkeeping();
    await book.begin(job, 'ReprocessAssets');
    await book.end(job, 'ReprocessAssets', { outcome: 'done', total: 1, processed: 1, errors: 0 });
    expect(rowsOf(items, 'begin').map(([t]) => t)).toEqual(['BeginReprocess', 'OriginalJobName', 'JobType', 'JobClient']);
    expect(rowsOf(items, 'end')).toEqual([['EndReprocess', 'jobDone']]);
  });
});

describe("getActiveJobs progress of an ExportJob, whose log keeps totalFileCount at 0 as IPS's does", () => {
  it('counts the finished batches and the items of batches in flight that the log has recorded', async () => {
    const caller: Principal = {
      userHandle: 'u|1',
      email: 'ann@acme.test',
      isIpsAdmin: false,
      memberships: [{ companyHandle: 'c|acme', role: 'IpsUser', isActive: true }],
    };
    const run: JobExecution = {
      workflowId: 'j|1',
      workflowType: 'exportWorkflow',
      running: true,
      startTime: new Date(),
      companyHandle: 'c|acme',
      jobType: 'Export',
      jobName: 'exp',
      memo: {},
    };
    const at = new Date().toISOString();
    // 10 assets: two batches of 2 finished, one of 4 in flight of which a5 and a6 are in the log.
    const progress: JobProgress = {
      name: 'exp_1',
      state: 'Running',
      paused: false,
      total: 10,
      processed: 4,
      errors: 0,
      message: 'Running',
      lastProgressUpdate: at,
      startDate: at,
      serverName: 'w',
      taskType: 'Export',
      processing: ['a5', 'a6', 'a7', 'a8'].map((id) => ({ itemName: id, itemId: id, since: at })),
    };
    const recorded = new Set(['a1', 'a2', 'a3', 'a4', 'a5', 'a6']);
    const jobLogs = {
      find: async () => ({ total_file_count: 0 }),
      recordedItemIds: async (_job: string, ids: readonly string[]) => new Set(ids.filter((id) => recorded.has(id))),
    };
    const service = new JobService({
      gateway: { describe: async () => run, progress: async () => progress } as unknown as JobGateway,
      users: {} as never,
      jobLogs: jobLogs as never,
      auth: {} as never,
      lanes: { lanes: async () => 2 },
      running: {} as never,
      config: { timezone: 'UTC', progressCacheMs: 0 },
      ...unusedSubmitCheckDeps(),
      itemProgress: { forJob: async () => [] },
      urlSecrets: {} as never,
    });
    const [active] = (await service.getActiveJobs(caller, { companyHandle: 'c|acme', jobHandle: 'j|1' })).jobArray.items;
    expect(active).toMatchObject({ type: 'Export', totalSize: 10, progress: 60 });
    expect(active!.taskProgressArray.items[0]).toMatchObject({ numProcessed: 6, numProcessing: 2, numPending: 2 });
  });
});
