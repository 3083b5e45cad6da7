import type { z } from 'zod';
import { itemSchema, objectShape } from '../domain/schemas/introspect.js';

/** One field a schema accepts, under the IPS type (or `Parent.field` for an unnamed nested object) that holds it. */
export interface AcceptedField {
  type: string;
  field: string;
  schema: z.ZodType;
}

/**
 * Every field the given root schemas accept, nested objects included: a
 * nested object whose schema is one of `named` is listed under that name
 * (once, however many job elements share it), any other under
 * `<parent type>.<field>`.
 */
export function acceptedFields(roots: Readonly<Record<string, z.ZodType>>, named: Readonly<Record<string, z.ZodType>>): AcceptedField[] {
  const names = new Map<z.ZodType, string>();
  for (const [name, schema] of Object.entries(named)) names.set(itemSchema(schema), name);
  const out: AcceptedField[] = [];
  const seen = new Set<string>();
  const visit = (type: string, schema: z.ZodType) => {
    if (seen.has(type)) return;
    seen.add(type);
    for (const [field, fieldSchema] of Object.entries(objectShape(schema) ?? {})) {
      out.push({ type, field, schema: fieldSchema });
      const item = itemSchema(fieldSchema);
      if (objectShape(item)) visit(names.get(item) ?? `${type}.${field}`, item);
    }
  };
  for (const [type, schema] of Object.entries(roots)) visit(names.get(itemSchema(schema)) ?? type, schema);
  return out;
}
