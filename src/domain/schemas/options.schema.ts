import { z } from 'zod';
import { handle, itemsArray, withAliases } from './common.schema.js';

/**
 * IPS processing option types (Adobe IPS: data-types/c-data-types, a page each), shared by reprocessing and
 * the upload jobs. Defaults are the documented IPS/DMC ones.
 */
export const CORNERS = ['UpperLeft', 'UpperRight', 'BottomLeft', 'BottomRight'] as const;
export type Corner = (typeof CORNERS)[number];

const tolerance = z.number().min(0).max(1);

export const manualCropOptions = z.strictObject({
  left: z.number().int().min(0),
  right: z.number().int().min(0),
  top: z.number().int().min(0),
  bottom: z.number().int().min(0),
});
export type ManualCropOptions = z.infer<typeof manualCropOptions>;

export const autoColorCropOptions = z.strictObject({ corner: z.enum(CORNERS), tolerance });
export type AutoColorCropOptions = z.infer<typeof autoColorCropOptions>;

export const autoTransparentCropOptions = z.strictObject({ tolerance });
export type AutoTransparentCropOptions = z.infer<typeof autoTransparentCropOptions>;

export const knockoutBackgroundOptions = z.strictObject({
  corner: z.enum(CORNERS),
  tolerance: tolerance.default(0),
  fillMethod: z.enum(['FloodFill', 'MatchPixel']),
});
export type KnockoutBackgroundOptions = z.infer<typeof knockoutBackgroundOptions>;

/** Same meaning as IS op_usm; amount 0 = off (the IPS default). */
export const unsharpMaskOptions = z.strictObject({
  amount: z.number().min(0).max(5).default(0),
  radius: z.number().min(0).max(250).default(0),
  threshold: z.number().int().min(0).max(255).default(6),
  monochrome: z.union([z.literal(0), z.literal(1)]).default(0),
});
export type UnsharpMaskOptions = z.infer<typeof unsharpMaskOptions>;

/**
 * Profiles belong to Convert only: with Default or MaintainOriginal a profile
 * handle would be silently meaningless, so it is refused.
 */
export const colorManagementOptions = z
  .strictObject({
    colorManagement: z.enum(['Default', 'MaintainOriginal', 'Convert']),
    sourceProfileHandle: handle.optional(),
    outputProfileHandle: handle.optional(),
  })
  .superRefine((c, ctx) => {
    if (c.colorManagement === 'Convert') {
      if (!c.sourceProfileHandle && !c.outputProfileHandle) {
        ctx.addIssue({
          code: 'custom',
          path: ['outputProfileHandle'],
          message: 'an ICC profile handle (Convert needs sourceProfileHandle, outputProfileHandle or both)',
          params: { missing: true },
        });
      }
      return;
    }
    for (const key of ['sourceProfileHandle', 'outputProfileHandle'] as const) {
      if (c[key])
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `no profile handle with colorManagement ${c.colorManagement} (profiles apply to Convert only)`,
          input: c[key],
        });
    }
  });
export type ColorManagementOptions = z.infer<typeof colorManagementOptions>;

export const COLORSPACES = ['Auto', 'Rgb', 'Cmyk', 'Gray'] as const;
const resolution = z.number().min(1).max(2400);

export const pdfOptions = z.strictObject({
  process: z.enum(['None', 'Rasterize', 'Thumbnail']).default('Rasterize'),
  resolution: resolution.default(150),
  colorspace: z.enum(COLORSPACES).default('Auto'),
  pdfCatalog: z.boolean().default(true),
  extractSearchWords: z.boolean().default(false),
  extractLinks: z.boolean().default(false),
});
export type PdfOptions = z.infer<typeof pdfOptions>;

export const postScriptOptions = z.strictObject({
  process: z.enum(['None', 'Rasterize']).default('Rasterize'),
  resolution: resolution.default(150),
  colorspace: z.enum(COLORSPACES).default('Auto'),
  alpha: z.boolean().default(false),
  extractSearchWords: z.boolean().default(false),
});
export type PostScriptOptions = z.infer<typeof postScriptOptions>;

/** The documents spell colorspace `colorSpace` here (docs/api.md#documented-aliases): both are accepted. */
export const illustratorOptions = withAliases(
  { colorSpace: 'colorspace' },
  z.strictObject({
    process: z.enum(['None', 'Rasterize']).default('Rasterize'),
    resolution: resolution.default(150),
    colorspace: z.enum(COLORSPACES).default('Auto'),
    alpha: z.boolean().default(false),
  }),
);
export type IllustratorOptions = z.infer<typeof illustratorOptions>;

export const photoshopLayerOptions = z.strictObject({
  layerNaming: z.enum(['LayerName', 'AppendNumber', 'AppendName', 'Folders']).default('LayerName'),
  anchor: z.enum(['Center', 'North', 'Northwest', 'West', 'Southwest', 'South', 'Southeast', 'East', 'Northeast']).default('Center'),
  createTemplate: z.boolean().default(false),
  extractText: z.boolean().default(false),
  extendLayers: z.boolean().default(false),
});

export const photoshopOptions = z.strictObject({
  process: z.enum(['None', 'MaintainLayers']).default('None'),
  layerOptions: photoshopLayerOptions.optional(),
});
export type PhotoshopOptions = z.infer<typeof photoshopOptions>;

/** AutoSetCreationOptions (Adobe IPS: data-types/r-auto-set-creation-options): the set-generation scripts to apply (their handles; see saveSetGenerationScript). */
export const autoSetCreationOptions = z.strictObject({
  autoSetsArray: itemsArray(handle, 100).refine((a) => a.length > 0, { message: 'at least one set-generation script handle', params: { missing: true } }),
});
export type AutoSetCreationOptions = z.output<typeof autoSetCreationOptions>;
