/**
 * First stage of IS query parsing (docs/image-serving.md#parsing): split the query
 * into `&`-separated modifiers, drop comments, expand macros (image presets)
 * in place, record and substitute variables, and percent-decode each value.
 * The result is the flat command list IS's `req=resolve` would show; command
 * semantics are is-commands.ts's business.
 *
 * Everything is a single left-to-right pass over bounded text: the query is
 * capped at MAX_IS_QUERY_LENGTH, and every macro body or variable
 * substitution is charged against MAX_IS_EXPANDED_LENGTH, so even a
 * malicious set of presets (a macro invoking another many times over, values
 * repeating a long variable) does bounded work.
 */
import { lookupIsCommand } from './is-command-names.js';
import { IsCommandError } from './is-request.js';
import { quote } from './is-value.js';

export interface IsParseContext {
  /** macro body (an IS query fragment like 'wid=240&fmt=tif') by name; the caller looks up case-insensitively; undefined = unknown */
  macro?: (name: string) => string | undefined;
  /** predefined variables, e.g. { object: 'folder/name' } for $object$ */
  variables?: Record<string, string>;
}

export interface IsCommand {
  /** IS's spelling for commands IS has (`WID` → `wid`, `bgcolor` → `bgColor`); other names as written */
  name: string;
  /** after variable substitution and percent-decoding */
  value: string;
}

/** Max accepted query length in characters (IS presets are at most 512). */
export const MAX_IS_QUERY_LENGTH = 16 * 1024;
/** Max text processed after macro expansion and variable substitution. */
export const MAX_IS_EXPANDED_LENGTH = 64 * 1024;
/** Max macro nesting (a macro invoking a macro … ). */
export const MAX_IS_MACRO_DEPTH = 8;

/** Macro and variable names: ASCII letters, digits, `-`, `_`, `.` (IS's rule; docs/image-serving.md#parsing). */
const NAME = /^[A-Za-z0-9._-]+$/;

function isNameChar(code: number): boolean {
  return (
    (code >= 0x30 && code <= 0x39) || // 0-9
    (code >= 0x41 && code <= 0x5a) || // A-Z
    (code >= 0x61 && code <= 0x7a) || // a-z
    code === 0x2d || // -
    code === 0x2e || // .
    code === 0x5f // _
  );
}

interface Expansion {
  ctx: IsParseContext;
  /** variable values by lower-case name, still percent-encoded (decoded with the value they land in) */
  variables: Map<string, string>;
  /** lower-case names of the macros being expanded, outermost first */
  macros: string[];
  /** characters processed so far (query + macro bodies + substitution growth) */
  size: number;
  commands: IsCommand[];
}

/** The expanded command list in order, after comments, macros and variables (what IS's req=resolve shows). */
export function expandIsQuery(query: string, ctx: IsParseContext = {}): IsCommand[] {
  if (query.length > MAX_IS_QUERY_LENGTH) {
    throw new IsCommandError('request', `expected a query of at most ${MAX_IS_QUERY_LENGTH} characters, received ${query.length}`);
  }
  const variables = new Map<string, string>();
  for (const [name, value] of Object.entries(ctx.variables ?? {})) {
    // Predefined values are plain text; escaping `%` keeps the single decode
    // below from altering them (an object name may well contain `%`).
    variables.set(name.toLowerCase(), value.replaceAll('%', '%25'));
  }
  const state: Expansion = { ctx, variables, macros: [], size: query.length, commands: [] };
  expandFragment(query, state);
  return state.commands;
}

function expandFragment(fragment: string, state: Expansion): void {
  const text = fragment.startsWith('?') ? fragment.slice(1) : fragment;
  for (const segment of text.split('&')) {
    if (segment === '' || segment.startsWith('.')) continue; // empty, or a `.comment`
    if (segment.startsWith('$')) dollarSegment(segment, state);
    else command(segment, state);
  }
}

/** `$var=value` (variable definition) or `$name$` (macro invocation). */
function dollarSegment(segment: string, state: Expansion): void {
  const eq = segment.indexOf('=');
  if (eq >= 0) {
    const name = segment.slice(1, eq);
    if (!NAME.test(name)) {
      throw new IsCommandError(segment.slice(0, eq), "expected a variable name of ASCII letters, digits, '-', '_' or '.'");
    }
    // Stored as written: a definition's value is not itself substituted (IS: no nesting).
    state.variables.set(name.toLowerCase(), segment.slice(eq + 1));
    return;
  }
  const name = segment.slice(1, -1);
  if (segment.length < 3 || !segment.endsWith('$') || !NAME.test(name)) {
    throw new IsCommandError(segment, 'expected a macro invocation $name$ or a variable definition $name=value');
  }
  invokeMacro(name, state);
}

/**
 * Textual expansion is what gives IS's order rule (docs/image-serving.md#parsing): a command written
 * before `$macro$` is followed by the macro's own copy and loses; one written
 * after it comes later and wins, because the parser keeps the last occurrence
 * of each command.
 */
function invokeMacro(name: string, state: Expansion): void {
  const label = `$${name}$`;
  const key = name.toLowerCase();
  if (state.macros.includes(key)) {
    const chain = [...state.macros, key].map((m) => `$${m}$`).join(' → ');
    throw new IsCommandError(label, `macro invokes itself (${chain})`);
  }
  if (state.macros.length >= MAX_IS_MACRO_DEPTH) {
    throw new IsCommandError(label, `macros nested more than ${MAX_IS_MACRO_DEPTH} levels deep`);
  }
  const body = state.ctx.macro?.(name);
  if (body === undefined) throw new IsCommandError(label, `no image preset (macro) named '${name}'`);
  charge(state, body.length, label);
  state.macros.push(key);
  expandFragment(body, state);
  state.macros.pop();
}

function command(segment: string, state: Expansion): void {
  const eq = segment.indexOf('=');
  const written = eq < 0 ? segment : segment.slice(0, eq);
  if (written === '') throw new IsCommandError('request', `expected a command name before '=', received ${quote(segment)}`);
  const name = lookupIsCommand(written)?.name ?? written;
  const raw = eq < 0 ? '' : segment.slice(eq + 1);
  const substituted = substitute(raw, state, name);
  state.commands.push({ name, value: decode(name, substituted) });
}

function charge(state: Expansion, size: number, command: string): void {
  state.size += size;
  if (state.size > MAX_IS_EXPANDED_LENGTH) {
    throw new IsCommandError(command, `expanded request exceeds ${MAX_IS_EXPANDED_LENGTH} characters`);
  }
}

/**
 * Replaces `$name$` references to defined variables in one pass; unknown
 * references and lone `$` stay literal, and substituted text is not scanned
 * again (no nesting). Runs on the still-encoded value, so `%24` is a literal
 * `$` that never starts a reference.
 */
function substitute(raw: string, state: Expansion, command: string): string {
  if (!raw.includes('$')) return raw;
  let out = '';
  let i = 0;
  while (i < raw.length) {
    const dollar = raw.indexOf('$', i);
    if (dollar < 0) {
      out += raw.slice(i);
      break;
    }
    out += raw.slice(i, dollar);
    let end = dollar + 1;
    while (end < raw.length && isNameChar(raw.charCodeAt(end))) end++;
    const value = end > dollar + 1 && raw[end] === '$' ? state.variables.get(raw.slice(dollar + 1, end).toLowerCase()) : undefined;
    if (value === undefined) {
      out += '$';
      i = dollar + 1;
      continue;
    }
    charge(state, value.length, command);
    out += value;
    i = end + 1;
  }
  return out;
}

function decode(command: string, value: string): string {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    throw new IsCommandError(command, `expected a percent-encoded UTF-8 value, received ${quote(value)}`);
  }
}
