import { describe, expect, it } from 'vitest';
import { parseInput } from '../../src/domain/validate.js';
import { SetPatternError, compileSetPattern, setNameFor } from '../../src/domain/set-scripts/set-pattern.js';
import { saveSetGenerationScriptParam } from '../../src/domain/schemas/set-script.schema.js';
import { setDefinition } from '../../src/services/sets/set-generation.service.js';
import { faultOf } from '../support/faults.js';

describe('set-generation name patterns', () => {
  it('finds the base name and the member number', () => {
    const p = compileSetPattern('{base}_{n}');
    expect(p.match('shoe_1')).toEqual({ base: 'shoe', n: 1 });
    expect(p.match('red_shoe_12')).toEqual({ base: 'red_shoe', n: 12 });
    expect(p.match('shoe_swatch')).toBeUndefined();
    expect(p.match('shoe_')).toBeUndefined();
    expect(p.match('_1')).toBeUndefined();
  });

  it('matches literals exactly (regex characters are plain text), case-insensitively', () => {
    expect(compileSetPattern('{base}_swatch').match('Shoe_SWATCH')).toEqual({ base: 'Shoe', n: Number.NaN });
    expect(compileSetPattern('{base}.v{n}').match('shoe.v2')).toEqual({ base: 'shoe', n: 2 });
    expect(compileSetPattern('{base}.v{n}').match('shoeXv2')).toBeUndefined();
    expect(compileSetPattern('{n}-{base}').match('03-boot')).toEqual({ base: 'boot', n: 3 });
    expect(compileSetPattern('spin_{base}_*').match('spin_chair_r1c4')).toEqual({ base: 'chair', n: Number.NaN });
  });

  it('refuses templates without exactly one {base}, with two {n} or *, or unknown tokens', () => {
    for (const bad of ['shoe_{n}', '{base}_{base}', '{base}_{n}_{n}', '{base}*_*', '{base}_{x}', '{base}}']) {
      expect(() => compileSetPattern(bad), bad).toThrow(SetPatternError);
    }
  });

  it('stays fast on long adversarial names', () => {
    const p = compileSetPattern('{base}_*_{n}x');
    const name = `${'_'.repeat(500)}1`;
    // A catastrophic backtracking pattern would not return within the test timeout.
    expect(p.match(name)).toBeUndefined();
    expect(p.match(`shoe_${'_'.repeat(300)}_12x`)).toEqual({ base: 'shoe', n: 12 });
  });

  it('names sets from the template', () => {
    expect(setNameFor('{base}_set', 'shoe')).toBe('shoe_set');
    expect(setNameFor('{BASE}', 'shoe')).toBe('shoe');
  });
});

describe('set definitions', () => {
  it('pairs image set members with the swatch; swatch and spin sets list members', () => {
    expect(setDefinition('ImageSet', ['Acme/shoe_1', 'Acme/shoe_2'], 'Acme/shoe_swatch')).toBe('Acme/shoe_1;Acme/shoe_swatch,Acme/shoe_2;Acme/shoe_swatch');
    expect(setDefinition('ImageSet', ['Acme/shoe_1'])).toBe('Acme/shoe_1');
    expect(setDefinition('SpinSet', ['Acme/c_1', 'Acme/c_2'])).toBe('Acme/c_1,Acme/c_2');
  });
});

describe('saveSetGenerationScript', () => {
  const base = { companyHandle: 'c|1', name: 'Shoes', setType: 'ImageSet', memberPattern: '{base}_{n}' };

  it('fills the set name default and checks patterns, naming the field', () => {
    expect(parseInput(saveSetGenerationScriptParam, base)).toMatchObject({ setNameTemplate: '{base}' });
    expect(faultOf(() => parseInput(saveSetGenerationScriptParam, { ...base, memberPattern: 'shoe_{n}' }))).toMatchObject({
      code: 30001,
      field: 'memberPattern',
    });
    expect(faultOf(() => parseInput(saveSetGenerationScriptParam, { ...base, setNameTemplate: 'fixed' }))).toMatchObject({ field: 'setNameTemplate' });
    expect(faultOf(() => parseInput(saveSetGenerationScriptParam, { ...base, setType: 'SpinSet', swatchPattern: '{base}_s' }))).toMatchObject({
      field: 'swatchPattern',
    });
    expect(faultOf(() => parseInput(saveSetGenerationScriptParam, { ...base, setType: 'RenderSet' }))).toMatchObject({ field: 'setType' });
  });
});
