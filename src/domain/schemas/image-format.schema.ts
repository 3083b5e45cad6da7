import { z } from 'zod';
import { handle, itemsOf } from './common.schema.js';

/** IS macro names: ASCII letters, digits, '-', '_', '.'; matched case-insensitively, as IS does (docs/image-serving.md#parsing). */
export const presetName = z
  .string()
  .trim()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._-]+$/, 'a name of ASCII letters, digits, ".", "_" or "-"');

/** A preset is an IS query string of at most 512 characters (text after '?'). */
export const urlModifier = z
  .string()
  .transform((s) => s.trim().replace(/^\?/, ''))
  .pipe(
    z
      .string()
      .max(512, 'at most 512 characters')
      .regex(/^[^\u0000-\u001f\u007f]*$/, 'printable characters only'),
  );

export const imageFormat = z.object({ imageFormatHandle: z.string(), name: z.string(), urlModifier: z.string() });

export const saveImageFormatParam = z.strictObject({
  companyHandle: handle,
  imageFormatHandle: handle.optional(),
  name: presetName,
  urlModifier,
});
export const saveImageFormatReturn = z.object({ imageFormatHandle: z.string() });

export const getImageFormatsParam = z.strictObject({ companyHandle: handle });
export const getImageFormatsReturn = z.object({ imageFormatArray: itemsOf(imageFormat) });

export const deleteImageFormatParam = z.strictObject({ companyHandle: handle, imageFormatHandle: handle });
