import { z } from 'zod';

/**
 * Building blocks shared by every operation schema. Objects are strict: an
 * unknown field is a fault naming the field (docs/api.md, "JSON API conventions"), so a typo
 * never silently changes behaviour.
 */
export const handle = z.string().trim().min(1).max(512);
export const nonEmpty = (max = 1024) => z.string().trim().min(1).max(max);

/** IPS `*Array` types keep their `items` wrapper; a bare JSON array is accepted on input too. */
export function itemsArray<T extends z.ZodType>(item: T, max = 10_000) {
  return z
    .union([z.array(item).max(max), z.strictObject({ items: z.array(item).max(max).optional() })])
    .transform((value) => (Array.isArray(value) ? value : (value.items ?? [])));
}

/** Output form of an IPS array. */
export function itemsOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item) });
}

/** xsd:dateTime: ISO 8601 with a zone offset, so no server zone guessing. */
export const dateTime = z.iso.datetime({ offset: true });

export const emptyReturn = z.object({});

export const PUBLISH_STATES = ['MarkedForPublish', 'NotMarkedForPublish'] as const;
export const TRASH_STATES = ['NotInTrash', 'InTrash', 'InEmptiedTrash'] as const;
export const SORT_DIRECTIONS = ['Ascending', 'Descending'] as const;
export const EMAIL_SETTINGS = ['All', 'Error', 'ErrorAndWarning', 'JobCompletion', 'None'] as const;

/**
 * A documented IPS field this server does not implement yet: refused with a
 * fault naming it, never accepted and ignored, so a request never silently
 * does less than it asked.
 */
export const notSupportedYet = (what: string) =>
  z
    .unknown()
    .refine(() => false, { message: `${what} is not supported by this server yet` })
    .optional();

/**
 * A field this server refuses whatever its value, with the reason: for IPS
 * fields whose feature does not exist here (adaptive video sets, smart crop,
 * Adobe IMS credentials), so a client learns it at once instead of getting a
 * job that quietly did less. Credential fields never echo what was received
 * (validate.ts, CREDENTIAL_FIELDS).
 */
export const refused = (why: string) =>
  z
    .unknown()
    .refine(() => false, { message: why })
    .optional();

/**
 * Accepts the names the IPS documents use where they differ from the XSD
 * (docs/api.md#documented-aliases, e.g. `knockoutBackground` for `knockoutBackgroundOptions`)
 * and hands the schema the XSD name, so what is stored and echoed is always
 * the XSD name. Giving both names is refused: which one was meant is unclear.
 */
export function withAliases<S extends z.ZodType>(aliases: Readonly<Record<string, string>>, schema: S) {
  return z.preprocess((value, ctx) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
    const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    for (const [alias, name] of Object.entries(aliases)) {
      if (!(alias in out)) continue;
      if (name in out) {
        ctx.addIssue({ code: 'custom', path: [alias], message: `either ${name} or its documented alias ${alias}, not both`, input: 'both' });
        continue;
      }
      out[name] = out[alias];
      delete out[alias];
    }
    return out;
  }, schema);
}
