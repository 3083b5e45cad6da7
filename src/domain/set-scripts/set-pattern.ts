/**
 * Name patterns of set-generation scripts, the way DMC's batch set presets
 * describe file names: literal text with `{base}` (the product's base name,
 * exactly once), optionally `{n}` (a number that orders the members) and `*`
 * (any text). `{base}_{n}` matches `shoe_1` with base `shoe`, member 1;
 * `{base}_swatch` matches `shoe_swatch`. Matching is case-insensitive and on
 * the asset name (the file name without its extension).
 *
 * Users give these templates, not regular expressions: the regex built here
 * has one lazy group and fixed literals, so no pattern a user writes can make
 * matching slow (no catastrophic backtracking on 256-character names).
 */
export interface SetPattern {
  /** the template as given */
  source: string;
  /** base name and member number (NaN without `{n}`) of a matching name */
  match(name: string): { base: string; n: number } | undefined;
}

export class SetPatternError extends Error {}

const TOKEN = /\{base\}|\{n\}|\*/gi;

export function compileSetPattern(template: string): SetPattern {
  const tokens = template.match(TOKEN) ?? [];
  const bases = tokens.filter((t) => t.toLowerCase() === '{base}').length;
  const numbers = tokens.filter((t) => t.toLowerCase() === '{n}').length;
  if (bases !== 1) throw new SetPatternError(`a pattern with {base} exactly once (e.g. {base}_{n}), received '${template}'`);
  if (numbers > 1) throw new SetPatternError(`a pattern with {n} at most once, received '${template}'`);
  // One wildcard at most keeps matching quadratic in the worst case, whatever the name.
  if (tokens.filter((t) => t === '*').length > 1) throw new SetPatternError(`a pattern with * at most once, received '${template}'`);
  if (/[{}]/.test(template.replace(TOKEN, ''))) throw new SetPatternError(`only the tokens {base}, {n} and * inside braces, received '${template}'`);
  let nGroup = 0;
  let baseGroup = 0;
  let group = 0;
  const body = template
    .split(TOKEN)
    .map((literal) => literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .reduce((re, literal, i) => {
      const token = tokens[i - 1]?.toLowerCase();
      let part = '';
      if (token === '{base}') {
        group += 1;
        baseGroup = group;
        part = '(.+?)';
      } else if (token === '{n}') {
        group += 1;
        nGroup = group;
        part = '(\\d{1,9})';
      } else if (token === '*') {
        part = '.*?';
      }
      return re + part + literal;
    }, '');
  const regex = new RegExp(`^${body}$`, 'is');
  return {
    source: template,
    match(name) {
      if (name.length > 512) return undefined;
      const m = regex.exec(name);
      if (!m) return undefined;
      const base = m[baseGroup]!;
      return { base, n: nGroup ? Number(m[nGroup]) : Number.NaN };
    },
  };
}

/** `{base}` replaced in a set-name template (e.g. `{base}_set`). */
export function setNameFor(template: string, base: string): string {
  return template.replace(/\{base\}/gi, base);
}
