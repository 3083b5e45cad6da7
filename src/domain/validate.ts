import type { z } from 'zod';
import { CREDENTIAL_FIELDS, FaultCode, IpsFault, describe } from './faults.js';

/**
 * Parses an operation's input with its schema; the first problem becomes an
 * IPS fault whose reason names the field, what was expected and what was
 * received (30002 when a required field is missing, 30001 otherwise).
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, fieldPrefix = ''): z.output<S> {
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  throw issueToFault(pickIssue(result.error.issues), fieldPrefix);
}

type Issue = z.core.$ZodIssue;

/** A required value is absent: zod's own "undefined" type error, or a cross-field rule marked `params.missing`. */
function isMissing(issue: Issue): boolean {
  return (
    ((issue.code === 'invalid_type' || issue.code === 'invalid_value') && issue.input === undefined) ||
    (issue.code === 'custom' && issue.params?.missing === true)
  );
}

function pickIssue(issues: readonly Issue[]): Issue {
  // A missing required field is the most useful thing to report first.
  return issues.find(isMissing) ?? issues[0]!;
}

export function fieldPath(path: readonly PropertyKey[], prefix = ''): string {
  let out = prefix.replace(/\.$/, '');
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

function issueToFault(issue: Issue, prefix: string): IpsFault {
  if (issue.code === 'invalid_union') {
    const branches = issue.errors.filter((b) => b.length > 0);
    // Report the branch that got deepest: that is the shape the caller was aiming for.
    const deepest = branches.sort((a, b) => b[0]!.path.length - a[0]!.path.length)[0];
    if (deepest && deepest[0]!.path.length > 0) {
      const inner = deepest[0]!;
      return issueToFault({ ...inner, path: [...issue.path, ...inner.path] } as Issue, prefix);
    }
  }
  if (issue.code === 'unrecognized_keys') {
    const field = fieldPath([...issue.path, issue.keys[0]!], prefix);
    return new IpsFault(FaultCode.InvalidParameter, `${field}: unknown field (expected one of the documented fields)`, field);
  }
  const field = fieldPath(issue.path, prefix) || '(body)';
  const last = issue.path[issue.path.length - 1];
  const received = typeof last === 'string' && CREDENTIAL_FIELDS.has(last) ? 'a value (not shown: it is a credential)' : describe(issue.input);
  if (isMissing(issue)) {
    const expected = issue.code === 'custom' ? issue.message : expectation(issue);
    return new IpsFault(FaultCode.MissingParameter, `${field} is required: expected ${expected}, received nothing`, field);
  }
  return new IpsFault(FaultCode.InvalidParameter, `${field}: expected ${expectation(issue)}, received ${received}`, field);
}

function expectation(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.expected === 'object' ? 'an object' : issue.expected;
    case 'invalid_value':
      return issue.values.length === 1 ? String(issue.values[0]) : `one of ${issue.values.map(String).join(', ')}`;
    case 'too_small':
      return bound('at least', issue.origin, issue.minimum);
    case 'too_big':
      return bound('at most', issue.origin, issue.maximum);
    case 'invalid_format':
      return issue.format === 'regex' ? issue.message : issue.format === 'datetime' ? 'an ISO 8601 date-time with a zone offset' : `a valid ${issue.format}`;
    case 'invalid_union':
      return 'an array or an object { "items": [...] }';
    default:
      return issue.message;
  }
}

function bound(word: string, origin: string, n: number | bigint): string {
  if (origin === 'string') return `${word} ${n} characters`;
  if (origin === 'array' || origin === 'set') return `${word} ${n} items`;
  return `a number ${word} ${n}`;
}
