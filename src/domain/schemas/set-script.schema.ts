import { z } from 'zod';
import { compileSetPattern, SetPatternError } from '../set-scripts/set-pattern.js';
import { handle, itemsOf } from './common.schema.js';

/** Set types a script can make (DMC batch set presets); they become AssetSet assets with this subType. */
export const SET_TYPES = ['ImageSet', 'SwatchSet', 'SpinSet'] as const;
export type SetType = (typeof SET_TYPES)[number];

const pattern = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .superRefine((value, ctx) => {
    try {
      compileSetPattern(value);
    } catch (err) {
      if (!(err instanceof SetPatternError)) throw err;
      ctx.addIssue({ code: 'custom', message: err.message.replace(/, received .*$/, ''), input: value });
    }
  });

const setName = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .refine((v) => /\{base\}/i.test(v), { message: 'a set name template containing {base} (e.g. {base}_set)' })
  .refine((v) => !/[/\\\u0000-\u001f]/.test(v), { message: 'a name without slashes or control characters' });

/**
 * An automated set-generation script (IPS's "PropertySet" of autoSetsArray,
 * DMC's batch set preset): which assets are members of which set, by name.
 */
export const setScript = z.strictObject({
  name: z.string().trim().min(1).max(128),
  setType: z.enum(SET_TYPES),
  /** members and their base name, e.g. {base}_{n}; {n} orders them */
  memberPattern: pattern,
  /** ImageSet: the set's swatch, e.g. {base}_swatch (not a member) */
  swatchPattern: pattern.optional(),
  /** the set's name, default {base} */
  setNameTemplate: setName.default('{base}'),
});
export type SetScript = z.output<typeof setScript>;

export const saveSetGenerationScriptParam = z
  .strictObject({ companyHandle: handle, scriptHandle: handle.optional(), ...setScript.shape })
  .superRefine((p, ctx) => {
    if (p.swatchPattern !== undefined && p.setType !== 'ImageSet') {
      ctx.addIssue({ code: 'custom', path: ['swatchPattern'], message: 'swatchPattern only with setType ImageSet', input: p.setType });
    }
  });
export const saveSetGenerationScriptReturn = z.object({ scriptHandle: z.string() });

export const setGenerationScriptOut = z.object({
  scriptHandle: z.string(),
  name: z.string(),
  setType: z.enum(SET_TYPES),
  memberPattern: z.string(),
  swatchPattern: z.string().optional(),
  setNameTemplate: z.string(),
});
export const getSetGenerationScriptsParam = z.strictObject({ companyHandle: handle });
export const getSetGenerationScriptsReturn = z.object({ scriptArray: itemsOf(setGenerationScriptOut) });
export const deleteSetGenerationScriptParam = z.strictObject({ companyHandle: handle, scriptHandle: handle });
