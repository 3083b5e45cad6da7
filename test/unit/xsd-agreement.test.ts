import { describe, expect, it } from 'vitest';
import { OPERATIONS } from '../../src/api/operations.js';
import { type XsdDifference, compareWithXsd } from '../support/xsd-agreement.js';
import { EXTENSION_OPERATIONS, NOT_IN_XSD, REQUIRED_WITHOUT_VALUE } from '../../src/domain/soap/xsd-differences.js';
import { XSD_VERSIONS } from '../../src/domain/soap/xsd-versions.js';
import { JOB_TYPES } from '../../src/jobs/job-registry.js';

/**
 * The zod schemas (what the JSON API and, later, SOAP validate and return)
 * against the IPS XSD order metadata of every known version: a field renamed,
 * added or typed differently on one side without a decision fails here.
 */
const echo = new Map(JOB_TYPES.filter((j) => j.submittable).map((j) => [j.element as string, j.options]));
// ActiveJob / ScheduledJob echo their job element through a catchall: the XSD's job elements are the registry's schemas.
const catchall = (type: string) => (type === 'ActiveJob' || type === 'ScheduledJob' ? echo : undefined);

function differences(): Array<XsdDifference & { version: string; reply: boolean }> {
  const out: Array<XsdDifference & { version: string; reply: boolean }> = [];
  for (const [version, xsd] of Object.entries(XSD_VERSIONS)) {
    const seen = new Set<string>();
    for (const [op, spec] of Object.entries(OPERATIONS)) {
      if (!xsd.operations.includes(op)) continue;
      for (const d of compareWithXsd(spec.param, `${op}Param`, xsd, catchall, seen)) out.push({ ...d, version, reply: false });
      for (const d of compareWithXsd(spec.return, `${op}Return`, xsd, catchall, seen)) out.push({ ...d, version, reply: true });
    }
  }
  return out;
}
const found = differences();

describe('schemas against the IPS XSD versions', () => {
  it('know every version of the operations they implement, but for the declared extensions', () => {
    const everywhere = Object.keys(OPERATIONS).filter((op) => Object.values(XSD_VERSIONS).every((x) => !x.operations.includes(op)));
    expect(everywhere.sort()).toEqual([...EXTENSION_OPERATIONS].sort());
  });

  it('type every shared element compatibly', () => {
    expect(found.filter((d) => d.kind === 'typeMismatch').map((d) => `${d.version} ${d.at}: ${d.detail}`)).toEqual([]);
  });

  it('declare every field of ours an XSD version lacks', () => {
    const undeclared = [...new Set(found.filter((d) => d.kind === 'oursOnly' && !NOT_IN_XSD[d.at]).map((d) => `${d.version} ${d.at}`))];
    expect(undeclared).toEqual([]);
  });

  it('declare nothing that no version lacks any more', () => {
    const oursOnly = new Set(found.filter((d) => d.kind === 'oursOnly').map((d) => d.at));
    expect(Object.keys(NOT_IN_XSD).filter((at) => !oursOnly.has(at))).toEqual([]);
  });

  it('produce every required element of every reply, but for the declared ones', () => {
    const required = new Set<string>();
    for (const d of found) {
      if (d.kind !== 'xsdOnly' || !d.reply) continue;
      const [type, element] = d.at.split('.') as [string, string];
      const minOccurs = XSD_VERSIONS[d.version]!.types[type]?.elements.find((e) => e[0] === element)?.[2] ?? 0;
      if (minOccurs > 0) required.add(d.at);
    }
    expect([...required].sort()).toEqual(Object.keys(REQUIRED_WITHOUT_VALUE).sort());
  });
});
