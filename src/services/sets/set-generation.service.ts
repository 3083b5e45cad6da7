import { publishFlag, publishRule } from '../../domain/publish-state.js';
import type { AssetRepository, AssetRow } from '../../adapters/repositories/asset.repository.js';
import type { CompanyRepository } from '../../adapters/repositories/company.repository.js';
import type { JobLogRepository } from '../../adapters/repositories/job-log.repository.js';
import type { SetRepository, SetScriptRow } from '../../adapters/repositories/set.repository.js';
import { normalizeFolder } from '../../domain/folders.js';
import { nameKey, newHandle } from '../../domain/handles.js';
import { type SetPattern, compileSetPattern, setNameFor } from '../../domain/set-scripts/set-pattern.js';
import type { SetType } from '../../domain/schemas/set-script.schema.js';
import type { FileResult, JobIdentity, SetGenerationItem, SetGenerationOptions } from '../../jobs/contracts.js';
import { newAssetVersion } from '../assets/asset-version.js';
import type { ItemLedger } from '../assets/item-ledger.js';
import { itemLogTypes } from '../job-items.js';

/** Assets of a job planned at a time by applyToJobAssets. */
const JOB_ASSET_PAGE = 1000;

/** Set-like assets are not members of sets. */
const MEMBER_TYPES = new Set(['Image']);

export interface SetGenerationDeps {
  assets: AssetRepository;
  companies: CompanyRepository;
  sets: SetRepository;
  /** the assets an upload job created or updated, for its autoSetCreationOptions */
  jobLogs: JobLogRepository;
  ledger: ItemLedger;
}

interface CompiledScript {
  row: SetScriptRow;
  member: SetPattern;
  swatch?: SetPattern;
}

/**
 * AutomatedSetGenerationJob (Adobe IPS: data-types/r-automated-set-generation-job) and autoSetCreationOptions:
 * every script is applied to every given asset. An asset whose name matches a
 * script's member pattern joins the set named after its base name; one that
 * matches the swatch pattern becomes that set's swatch. Sets are AssetSet
 * assets (subType ImageSet, SwatchSet or SpinSet) with an IS set definition
 * and ordered members; an existing set of the same name and type gains the
 * new members (a later upload of shoe_3 extends set shoe), ordered by `{n}`,
 * then by name.
 */
export class SetGenerationService {
  constructor(private readonly deps: SetGenerationDeps) {}

  /** The job's work: one item per set to write, one per asset that joins none (its warning or error). */
  async plan(companyHandle: string, options: SetGenerationOptions): Promise<SetGenerationItem[]> {
    const scripts = await this.compiled(companyHandle, options.scriptHandles);
    const rows = new Map((await this.deps.assets.findByHandles(companyHandle, [...new Set(options.assetHandles)])).map((a) => [a.asset_handle, a]));
    const groups = new Map<string, Extract<SetGenerationItem, { kind: 'set' }> & { order: Map<string, [number, string]> }>();
    const items: SetGenerationItem[] = [];
    for (const handle of new Set(options.assetHandles)) {
      const asset = rows.get(handle);
      if (!asset || asset.trash_state !== 'NotInTrash') {
        items.push({ kind: 'skip', assetHandle: handle, name: handle, severity: 'error', reason: `no asset with handle '${handle}' in this company` });
        continue;
      }
      const path = `${asset.folder}${asset.name}`;
      if (!MEMBER_TYPES.has(asset.type)) {
        items.push({ kind: 'skip', assetHandle: handle, name: path, severity: 'warning', reason: `${asset.type} assets are not put in sets (only images)` });
        continue;
      }
      let joined = false;
      for (const s of scripts) {
        const member = s.member.match(asset.name);
        const swatch = s.swatch?.match(asset.name);
        const hit = member ?? swatch;
        if (!hit) continue;
        joined = true;
        const setName = setNameFor(s.row.set_name_template, hit.base);
        const key = `${s.row.script_handle}\u0000${nameKey(setName)}`;
        let group = groups.get(key);
        if (!group) {
          group = {
            kind: 'set',
            assetHandle: `set:${s.row.script_handle}:${nameKey(setName)}`,
            name: setName,
            scriptHandle: s.row.script_handle,
            setType: s.row.set_type as SetType,
            members: [],
            order: new Map(),
          };
          groups.set(key, group);
        }
        if (member) {
          group.members.push(handle);
          group.order.set(handle, [member.n, asset.name]);
        } else {
          group.swatch = handle;
        }
      }
      if (!joined)
        items.push({
          kind: 'skip',
          assetHandle: handle,
          name: path,
          severity: 'warning',
          reason: `matches no set-generation script of the job (${scripts.map((s) => s.row.name).join(', ')})`,
        });
    }
    for (const { order, ...group } of groups.values()) {
      group.members.sort((a, b) => compareMembers(order.get(a)!, order.get(b)!));
      items.push(group);
    }
    return items;
  }

  /** Writes one set (or records one skipped asset), once per job however often the activity retries. */
  async apply(job: JobIdentity, options: SetGenerationOptions, item: SetGenerationItem): Promise<FileResult> {
    const done = await this.deps.ledger.recorded(job, item.assetHandle);
    if (done) return done;
    if (item.kind === 'skip')
      return this.record(
        job,
        item.assetHandle,
        item.severity === 'error' ? 'error' : 'warning',
        item.name,
        item.reason,
        item.kind === 'skip' && item.severity === 'error' ? undefined : item.assetHandle,
      );
    const company = await this.deps.companies.findByHandle(job.companyHandle);
    if (!company) return this.record(job, item.assetHandle, 'error', item.name, 'the company no longer exists');
    const script = (await this.compiled(job.companyHandle, [item.scriptHandle]))[0];
    if (!script) return this.record(job, item.assetHandle, 'error', item.name, 'its set-generation script was deleted while the job ran');
    const existing = await this.deps.assets.findLiveByName(job.companyHandle, nameKey(item.name));
    if (existing && (existing.type !== 'AssetSet' || existing.sub_type !== item.setType)) {
      return this.record(
        job,
        item.assetHandle,
        'error',
        item.name,
        `the name is taken by ${existing.type === 'AssetSet' ? `a ${existing.sub_type ?? 'set'}` : `an ${existing.type} asset`} (${existing.folder}${existing.name})`,
      );
    }
    const members = await this.mergedMembers(job.companyHandle, script, existing, item.members);
    const live = new Map(
      (await this.deps.assets.findByHandles(job.companyHandle, [...members, ...(item.swatch ? [item.swatch] : [])])).map((a) => [a.asset_handle, a]),
    );
    const ordered = members.filter((m) => live.get(m)?.trash_state === 'NotInTrash');
    const swatch = item.swatch && live.get(item.swatch)?.trash_state === 'NotInTrash' ? live.get(item.swatch) : undefined;
    const objectId = (a: AssetRow) => `${company.root_path}${a.name}`;
    const definition = setDefinition(
      item.setType,
      ordered.map((m) => objectId(live.get(m)!)),
      swatch ? objectId(swatch) : undefined,
    );
    const handle = existing?.asset_handle ?? newHandle.asset();
    const folder = existing?.folder ?? normalizeFolder(options.destFolder, company.root_path, 'destFolder');
    const row = newAssetVersion(existing, job, {
      asset_handle: handle,
      company_handle: job.companyHandle,
      type: 'AssetSet',
      sub_type: item.setType,
      name: existing?.name ?? item.name,
      file_name: existing?.name ?? item.name,
      folder,
      // The rule every job's assets follow (publish-state.ts); absent preservePublishState: the company's retainPublishState.
      ready_for_publish: publishFlag(publishRule(options, company.retain_publish_state === 1), existing?.ready_for_publish),
      // A set has no file of its own.
      format: 'set',
      original_key: '',
      file_size: 0,
      sha256: '',
    });
    await this.deps.sets.commitSet(
      row,
      existing !== undefined,
      {
        set_handle: handle,
        company_handle: job.companyHandle,
        set_type: item.setType,
        definition,
        swatch_handle: swatch?.asset_handle ?? null,
        script_handle: script.row.script_handle,
      },
      ordered,
    );
    return this.deps.ledger.record(job, {
      itemId: item.assetHandle,
      status: existing ? 'updated' : 'success',
      assetHandle: handle,
      details: [
        {
          logType: itemLogTypes(job).success,
          messageKey: existing ? 'setUpdated' : 'setCreated',
          messageArgs: { name: row.name, type: item.setType, count: ordered.length, members: ordered.map((m) => live.get(m)!.name).join(', ') },
          assetName: `${folder}${row.name}`,
          assetType: 'ImageSet',
          assetHandle: handle,
        },
      ],
      counters: [existing ? 'file_update_count' : 'file_success_count', 'total_file_count'],
    });
  }

  /**
   * autoSetCreationOptions of an upload job: the scripts applied to every
   * asset the job created or updated, a page at a time, inside one activity
   * (no handles through history). Only the sets are logged.
   */
  async applyToJobAssets(job: JobIdentity, scriptHandles: readonly string[], readyForPublish: boolean, preservePublishState?: boolean): Promise<number> {
    let after: string | null = null;
    let sets = 0;
    for (;;) {
      const assetHandles = await this.deps.jobLogs.succeededAssets(job.jobHandle, after, JOB_ASSET_PAGE);
      if (assetHandles.length === 0) return sets;
      const options: SetGenerationOptions = {
        assetHandles,
        scriptHandles: [...scriptHandles],
        readyForPublish,
        ...(preservePublishState !== undefined ? { preservePublishState } : {}),
      };
      for (const item of await this.plan(job.companyHandle, options)) {
        if (item.kind !== 'set') continue;
        await this.apply(job, options, item);
        sets += 1;
      }
      if (assetHandles.length < JOB_ASSET_PAGE) return sets;
      after = assetHandles[assetHandles.length - 1]!;
    }
  }

  /** An item whose batch gave up after its retries. */
  fail(job: JobIdentity, item: SetGenerationItem, reason: string): Promise<FileResult> {
    return this.record(job, item.assetHandle, 'error', item.name, reason);
  }

  private record(job: JobIdentity, itemId: string, severity: 'error' | 'warning', name: string, reason: string, assetHandle?: string): Promise<FileResult> {
    const error = severity === 'error';
    return this.deps.ledger.record(job, {
      itemId,
      // The workflow counts warnings as done items; only errors are errors.
      status: error ? 'error' : 'success',
      ...(assetHandle ? { assetHandle } : {}),
      reason,
      details: [
        {
          logType: error ? itemLogTypes(job).failure : 'SetGenerationWarning',
          messageKey: error ? 'fileError' : 'fileWarning',
          messageArgs: { path: name, reason },
          assetName: name,
          ...(assetHandle ? { assetHandle } : {}),
        },
      ],
      counters: [error ? 'file_error_count' : 'file_warning_count', 'total_file_count'],
    });
  }

  private async compiled(companyHandle: string, handles: readonly string[]): Promise<CompiledScript[]> {
    const rows = await this.deps.sets.findScripts(companyHandle, [...new Set(handles)]);
    // In the order the job names them, so the job log reads as submitted.
    const byHandle = new Map(rows.map((r) => [r.script_handle, r]));
    return handles.flatMap((h) => {
      const row = byHandle.get(h);
      return row
        ? [{ row, member: compileSetPattern(row.member_pattern), ...(row.swatch_pattern ? { swatch: compileSetPattern(row.swatch_pattern) } : {}) }]
        : [];
    });
  }

  /** The set's members after this job: those it has, plus the new ones, ordered by the script's {n}, then name. */
  private async mergedMembers(companyHandle: string, script: CompiledScript, existing: AssetRow | undefined, added: readonly string[]): Promise<string[]> {
    const current = existing ? await this.deps.sets.members(existing.asset_handle) : [];
    const all = [...new Set([...current, ...added])];
    const rows = new Map((await this.deps.assets.findByHandles(companyHandle, all)).map((a) => [a.asset_handle, a]));
    const key = (h: string): [number, string] => {
      const name = rows.get(h)?.name ?? h;
      return [script.member.match(name)?.n ?? Number.NaN, name];
    };
    return all.sort((a, b) => compareMembers(key(a), key(b)));
  }
}

function compareMembers([na, a]: [number, string], [nb, b]: [number, string]): number {
  const x = Number.isNaN(na) ? Number.POSITIVE_INFINITY : na;
  const y = Number.isNaN(nb) ? Number.POSITIVE_INFINITY : nb;
  return x - y || a.localeCompare(b, 'en', { numeric: true });
}

/**
 * The IS set definition (AssetSetInfo.setDefinition): an image set lists its
 * images, each paired with the set's swatch when it has one (`img;swatch`); a
 * swatch set lists its swatches; a spin set is one row of frames. Items are
 * catalog ids `<rootId>/<name>`.
 */
export function setDefinition(type: SetType, members: readonly string[], swatch?: string): string {
  if (type === 'ImageSet') return members.map((m) => (swatch ? `${m};${swatch}` : m)).join(',');
  return members.join(',');
}
