/**
 * Small value readers shared by the IS command parsers (is-commands.ts,
 * is-color.ts). Each one names the command, the part of the value and what
 * was expected, so every fault reads like
 * `op_usm: expected a number from 0 to 250 for radius, received '300'`.
 *
 * The number patterns are anchored and have no nested or overlapping
 * quantifiers, so matching stays linear in the value's length.
 */
import { IsCommandError } from './is-request.js';

/** Longest excerpt of a received value quoted in a fault (values can be 64 KiB). */
const QUOTE_LIMIT = 80;

export function quote(text: string): string {
  return text.length > QUOTE_LIMIT ? `'${text.slice(0, QUOTE_LIMIT)}…'` : `'${text}'`;
}

/** `expected <what>[ for <part>], received '<text>'` */
export function expected(command: string, what: string, text: string, part?: string): IsCommandError {
  return new IsCommandError(command, `expected ${what}${part ? ` for ${part}` : ''}, received ${quote(text)}`);
}

const INTEGER = /^[+-]?\d+$/;
const REAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;

/** What a number must be: kind and an inclusive range or an exclusive lower bound. */
export interface NumberRule {
  integer: boolean;
  min?: number;
  max?: number;
  /** exclusive lower bound (`> 0`) */
  above?: number;
}

export const int = (range: Omit<NumberRule, 'integer'> = {}): NumberRule => ({ integer: true, ...range });
export const real = (range: Omit<NumberRule, 'integer'> = {}): NumberRule => ({ integer: false, ...range });

export function describeRule(rule: NumberRule): string {
  const kind = rule.integer ? 'an integer' : 'a number';
  if (rule.min !== undefined && rule.max !== undefined) return `${kind} from ${rule.min} to ${rule.max}`;
  if (rule.above !== undefined) return `${kind} > ${rule.above}`;
  if (rule.min !== undefined) return `${kind} >= ${rule.min}`;
  return kind;
}

/** Plain decimal notation only (no exponent, hex or Infinity), as IS documents its int and real values. */
export function readNumber(command: string, text: string, rule: NumberRule, part?: string): number {
  const fail = () => expected(command, describeRule(rule), text, part);
  if (!(rule.integer ? INTEGER : REAL).test(text)) throw fail();
  const n = Number(text);
  if (rule.integer && !Number.isSafeInteger(n)) throw fail();
  if (!Number.isFinite(n)) throw fail();
  if (rule.min !== undefined && n < rule.min) throw fail();
  if (rule.max !== undefined && n > rule.max) throw fail();
  if (rule.above !== undefined && n <= rule.above) throw fail();
  return n === 0 ? 0 : n; // no -0 in the result
}

/** `0` or `1` (IS's boolean flags). */
export function readFlag(command: string, text: string, part?: string): boolean {
  if (text === '0') return false;
  if (text === '1') return true;
  throw expected(command, '0 or 1', text, part);
}

/** A keyword from a fixed list, case-insensitive; returns the list's spelling. */
export function readKeyword<T extends string>(command: string, text: string, options: readonly T[], part?: string): T {
  const lower = text.toLowerCase();
  const found = options.find((option) => option.toLowerCase() === lower);
  if (found === undefined) throw expected(command, `one of ${options.join('|')}`, text, part);
  return found;
}

/**
 * Splits a comma-separated value into `min`..`max` parts (`max` undefined:
 * no upper limit). A wrong count faults with the command's syntax.
 */
export function readList(command: string, text: string, min: number, max: number | undefined, syntax: string): string[] {
  const parts = text.split(',');
  if (parts.length < min || (max !== undefined && parts.length > max)) throw expected(command, syntax, text);
  return parts;
}

/** An optional list part: absent or empty means "use the default". */
export function optional<T>(part: string | undefined, read: (text: string) => T, fallback: T): T {
  return part === undefined || part === '' ? fallback : read(part);
}
