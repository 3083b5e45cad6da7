import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { envSchema } from '../../src/config/config.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DOC = fs.readFileSync(path.join(ROOT, 'docs/configuration.md'), 'utf8');

/** The section listing variables the scripts read, not the service: its table is not part of the schema. */
const SCRIPTS_HEADING = "## Outside the service's settings";

interface DocRow {
  /** the variables of the first cell (`A` / `B` rows document two at once) */
  names: string[];
  /** the Default cell as written */
  defaults: string;
}

/** The table rows of every section except the scripts-only one, header and separator lines left out. */
function serviceRows(): DocRow[] {
  const sections = DOC.split(/^(?=#{1,6} )/m);
  const service = sections.filter((s) => !s.startsWith(`${SCRIPTS_HEADING}\n`));
  expect(service.length, `docs/configuration.md has a "${SCRIPTS_HEADING}" section`).toBe(sections.length - 1);
  const rows: DocRow[] = [];
  for (const section of service) {
    const lines = section.split('\n').filter((l) => l.startsWith('|'));
    // lines[0] is the header, lines[1] the |---| separator
    for (const line of lines.slice(2)) {
      const cells = line.split('|').map((c) => c.trim());
      rows.push({ names: [...cells[1]!.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1]!), defaults: cells[2] ?? '' });
    }
  }
  return rows;
}

/**
 * A Default cell's value as the schema would hold it, or undefined when the cell
 * is prose ("number of CPUs + 1", "the host's zone", "SQLite `DATA_DIR/ips.db`")
 * and so not compared. Understood: one `literal` in backticks, a plain integer
 * (thousands commas allowed) optionally in KiB/MiB/GiB, and `empty` for ''. A
 * trailing remark in parentheses ("`ffprobe` (on PATH)", "(512 MP)") is ignored.
 */
function literalDefault(cell: string): string | undefined {
  const text = cell.replace(/\s*\([^)]*\)$/, '').trim();
  const quoted = /^`([^`]*)`$/.exec(text);
  if (quoted) return quoted[1];
  if (text === 'empty') return '';
  const number = /^(\d[\d,]*)(?: (KiB|MiB|GiB))?$/.exec(text);
  if (!number) return undefined;
  const scale = { KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 }[number[2] as 'KiB' | 'MiB' | 'GiB'] ?? 1;
  return String(Number(number[1]!.replaceAll(',', '')) * scale);
}

/** What the Default cell says per variable: a row of N variables splits its cell at " / " into N parts. */
function documentedDefaults(): Map<string, string> {
  const defaults = new Map<string, string>();
  for (const row of serviceRows()) {
    const parts = row.names.length === 1 ? [row.defaults] : row.defaults.split(' / ');
    if (parts.length !== row.names.length) continue; // a shared cell we cannot attribute: not compared
    row.names.forEach((name, i) => defaults.set(name, parts[i]!.trim()));
  }
  return defaults;
}

const schemaNames = Object.keys(envSchema.shape);
// Parsing an empty environment yields every default the schema fills in itself (undefined: optional, no default).
const schemaDefaults: Record<string, unknown> = envSchema.parse({});

describe('docs/configuration.md agrees with the environment schema', () => {
  it('documents every variable the schema accepts', () => {
    const documented = new Set(serviceRows().flatMap((r) => r.names));
    expect(schemaNames.filter((n) => !documented.has(n))).toEqual([]);
  });

  it('lists no service variable the schema does not accept', () => {
    const names = serviceRows().flatMap((r) => r.names);
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((n) => !schemaNames.includes(n))).toEqual([]);
  });

  /**
   * Compared: a variable whose schema default is a literal (string or number) and
   * whose Default cell is a literal literalDefault understands, as strings
   * (`8080` and 8080 agree). Defaults that loadConfig derives (paths under
   * DATA_DIR, CPU counts, the host's zone) are prose in the doc and skipped; a
   * cell saying the variable is unset (`unset`, `—`) must match a schema field
   * with no default.
   */
  it('states the same defaults as the schema', () => {
    const mismatches: string[] = [];
    let compared = 0;
    for (const [name, cell] of documentedDefaults()) {
      if (!schemaNames.includes(name)) continue; // reported by the test above
      const actual = schemaDefaults[name];
      if (/^(unset\b|—$)/.test(cell)) {
        if (actual !== undefined) mismatches.push(`${name}: doc says unset, schema defaults to ${JSON.stringify(actual)}`);
        continue;
      }
      const stated = literalDefault(cell);
      if (stated === undefined || (typeof actual !== 'string' && typeof actual !== 'number')) continue;
      compared++;
      if (String(actual) !== stated) mismatches.push(`${name}: doc says ${JSON.stringify(stated)}, schema defaults to ${JSON.stringify(actual)}`);
    }
    expect(mismatches).toEqual([]);
    // Most rows state a literal default; a parser that silently understood none would compare nothing.
    expect(compared).toBeGreaterThan(40);
  });
});
