import type { z } from 'zod';
import type { SetRepository, SetScriptRow } from '../../adapters/repositories/set.repository.js';
import { faults } from '../../domain/faults.js';
import { nameKey, newHandle, nowIso } from '../../domain/handles.js';
import type * as S from '../../domain/schemas/set-script.schema.js';

type In<T extends z.ZodType> = z.output<T>;
type Out<T extends z.ZodType> = z.input<T>;

export interface SetScriptDeps {
  sets: SetRepository;
}

/**
 * Automated set-generation scripts per company. IPS names them only as the
 * PropertySet handles in autoSetCreationOptions.autoSetsArray and manages them
 * in the DMC UI (batch set presets); these three operations are this server's
 * extension for creating them through the API.
 */
export class SetScriptService {
  constructor(private readonly deps: SetScriptDeps) {}

  async save(p: In<typeof S.saveSetGenerationScriptParam>): Promise<Out<typeof S.saveSetGenerationScriptReturn>> {
    const key = nameKey(p.name);
    const clash = await this.deps.sets.findScriptByNameKey(p.companyHandle, key);
    const now = nowIso();
    const fields = {
      name: p.name,
      name_key: key,
      set_type: p.setType,
      member_pattern: p.memberPattern,
      swatch_pattern: p.swatchPattern ?? null,
      set_name_template: p.setNameTemplate,
      updated_at: now,
    };
    if (p.scriptHandle) {
      const existing = (await this.deps.sets.findScripts(p.companyHandle, [p.scriptHandle]))[0];
      if (!existing) throw faults.notFound('scriptHandle', 'set-generation script', p.scriptHandle);
      if (clash && clash.script_handle !== existing.script_handle) throw duplicate(p.name);
      await this.deps.sets.updateScript(existing.script_handle, fields);
      return { scriptHandle: existing.script_handle };
    }
    if (clash) throw duplicate(p.name);
    const row: SetScriptRow = { script_handle: newHandle.setScript(), company_handle: p.companyHandle, created_at: now, ...fields };
    await this.deps.sets.insertScript(row);
    return { scriptHandle: row.script_handle };
  }

  async list(p: In<typeof S.getSetGenerationScriptsParam>): Promise<Out<typeof S.getSetGenerationScriptsReturn>> {
    const rows = await this.deps.sets.listScripts(p.companyHandle);
    return {
      scriptArray: {
        items: rows.map((r) => ({
          scriptHandle: r.script_handle,
          name: r.name,
          setType: r.set_type as S.SetType,
          memberPattern: r.member_pattern,
          ...(r.swatch_pattern ? { swatchPattern: r.swatch_pattern } : {}),
          setNameTemplate: r.set_name_template,
        })),
      },
    };
  }

  async delete(p: In<typeof S.deleteSetGenerationScriptParam>): Promise<Record<string, never>> {
    if ((await this.deps.sets.deleteScript(p.companyHandle, p.scriptHandle)) === 0)
      throw faults.notFound('scriptHandle', 'set-generation script', p.scriptHandle);
    return {};
  }
}

function duplicate(name: string) {
  return faults.conflict('name', `A set-generation script named '${name}' already exists in this company (names are case-insensitive)`);
}
