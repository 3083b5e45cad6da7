import type { z } from 'zod';

/**
 * Reading a schema's structure (for the field table's check and for tests):
 * the object a schema validates, seen through the wrappers this project puts
 * around objects — optional, default, refinements, a transform of the parsed
 * object, an alias preprocess — and the element of an IPS `*Array`.
 */
type Def = {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  options?: readonly z.ZodType[];
  element?: z.ZodType;
  shape?: Record<string, z.ZodType>;
};

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

/** The schema with optional / default / nullable / pipe-with-transform wrappers removed. */
export function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    const def = defOf(current);
    if ((def.type === 'optional' || def.type === 'default' || def.type === 'nullable' || def.type === 'prefault' || def.type === 'readonly') && def.innerType) {
      current = def.innerType;
    } else if (def.type === 'pipe' && def.in && def.out) {
      // A transform after the object (`.transform`) or before it (`z.preprocess`): the object is the other side.
      current = defOf(def.in).type === 'transform' ? def.out : def.in;
    } else {
      return current;
    }
  }
}

/** The fields of the object a schema validates, or undefined when it validates no object. */
export function objectShape(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  const def = defOf(unwrap(schema));
  return def.type === 'object' ? def.shape : undefined;
}

/**
 * What one item of a field is: the element of an array, of an IPS `*Array`
 * (a bare array or `{ items: [...] }`), or the field itself.
 */
export function itemSchema(schema: z.ZodType): z.ZodType {
  const inner = unwrap(schema);
  const def = defOf(inner);
  if (def.type === 'array' && def.element) return itemSchema(def.element);
  if (def.type === 'union' && def.options) {
    const array = def.options.map(unwrap).find((o) => defOf(o).type === 'array');
    if (array) return itemSchema(array);
  }
  return inner;
}
