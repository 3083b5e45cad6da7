/**
 * An Image Serving request (docs/image-serving.md) after parsing: every command the
 * engine supports, as typed values. The parser (is-parser.ts) builds it from
 * a query string, expanding variables and macros; the renderer
 * (adapters/media/image-serving/) applies it with sharp. Nothing here touches
 * pixels, so the export job, the publish server and tests share one shape.
 *
 * Absent optional fields mean "the command was not given" (IS defaults apply).
 */

/** `bgc`, `bgColor`, `color` values (IS colour syntax: is-color.ts). */
export interface IsColor {
  /** gray `g`, RGB `r,g,b` (0–255 each) or CMYK `c,m,y,k` (0–100 percent each) */
  space: 'gray' | 'rgb' | 'cmyk';
  values: number[];
  /** 0–255; 255 (opaque) when not given */
  alpha: number;
  /** the `s` suffix: the value is in the source image's colour space */
  source: boolean;
}

export type IsFitMode = 'fit' | 'constrain' | 'crop' | 'wrap' | 'stretch' | 'hfit' | 'vfit';

/** Output formats this server can produce (sharp 0.35 build); IS's other formats are a fault naming `fmt`. */
export const IS_OUTPUT_FORMATS = [
  'jpeg',
  'jpg',
  'pjpeg',
  'png',
  'png-alpha',
  'png8',
  'png8-alpha',
  'gif',
  'gif-alpha',
  'tif',
  'tif-alpha',
  'webp',
  'webp-alpha',
  'avif',
  'avif-alpha',
] as const;
export type IsOutputFormat = (typeof IS_OUTPUT_FORMATS)[number];

/** Formats IS knows but this server cannot write properly: named in a clear "unsupported format" fault. */
export const IS_UNSUPPORTED_FORMATS = [
  'eps',
  'f4m',
  'heic',
  'jpeg2000',
  'jpeg2000-alpha',
  'jpegxr',
  'jpegxr-alpha',
  'm3u8',
  'pdf',
  'swf',
  'swf-alpha',
  'swf3',
  'swf3-alpha',
] as const;

export type IsPixelType = 'rgb' | 'gray' | 'cmyk';
export type IsCompression = 'jpeg' | 'lossy' | 'lossless' | 'lzw' | 'none' | 'zip';

export interface IsFmt {
  format: IsOutputFormat;
  /** absent: rgb (or the icc profile's space when icc= is given) */
  pixelType?: IsPixelType;
  /** only for tif/tif-alpha (none|lzw|zip|jpeg; not jpeg for tif-alpha) and webp/avif (lossy|lossless) */
  compression?: IsCompression;
}

export type IsRenderIntent = 'perceptual' | 'relative' | 'saturation' | 'absolute';

/** A region in pixels, or normalized (0–1) for the `…N` variants. */
export interface IsBox {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface IsRequest {
  // --- view (IS's "View" commands) ---
  wid?: number;
  hei?: number;
  /**
   * absent: wid/hei scale freely, up or down (IS's wid= page: the reply is wid wide "when fit= is not present");
   * `fit=mode` alone means upscale 0 (1:1 at most), as IS's `fit=fit,0` default says
   */
  fit?: { mode: IsFitMode; upscale: boolean };
  scl?: number;
  /** −1…1 each; default 0,0 (centre) */
  align?: { h: number; v: number };
  /** pixels of the composite, before final scaling */
  rgn?: IsBox;
  /** final tile of the view image: x, y, w, h in view pixels, then an optional extra scale (default 1) */
  rect?: IsBox & { scale: number };
  /** view background (opaque; alpha ignored) */
  bgc?: IsColor;

  // --- source image / layer 0 (order: crop → size/scale → flip → rotate → extend) ---
  crop?: IsBox & { normalized: boolean };
  /** 0 in w or h = derive from the aspect ratio */
  size?: { w: number; h: number; normalized: boolean };
  scale?: number;
  flip?: 'lr' | 'ud' | 'lrud';
  /** degrees clockwise */
  rotate?: number;
  /** left, top, right, bottom; negative values crop */
  extend?: { l: number; t: number; r: number; b: number; normalized: boolean };
  /** layer background for crop/extend/rotate areas (default transparent) */
  bgColor?: IsColor;

  // --- filters ---
  sharpen?: boolean;
  /** op_usm (radius scales with the image) or op_usmR (radius as given: `absoluteRadius`) */
  usm?: { amount: number; radius: number; threshold: number; monochrome: boolean; absoluteRadius: boolean };
  blur?: number;
  brightness?: number;
  contrast?: number;
  saturation?: number;
  hue?: number;
  invert?: boolean;
  colorbalance?: { r: number; g: number; b: number };

  // --- output ---
  /** default { format: 'jpeg' } */
  fmt?: IsFmt;
  /** 1–100; chroma true = chroma downsampling disabled (`qlt=q,1`) */
  qlt?: { quality: number; chroma: boolean };
  quantize?: { type: 'adaptive' | 'web' | 'mac'; dither: boolean; colors: number; colorList?: string[] };
  resMode?: 'bilin' | 'bicub' | 'sharp2' | 'bisharp';
  /** profile is a name the caller resolves to an ICC file (a company's ICC profile asset) */
  icc?: { profile: string; intent: IsRenderIntent; blackpointComp: boolean; dither: boolean };
  iccEmbed?: boolean;
  printRes?: number;

  // --- request type ---
  /** `req=props` (catalog properties as text) or `req=exists` (catalogRecord.exists=0|1); absent: an image (`req=img`) */
  req?: 'props' | 'exists';
}

/** A command the engine refuses: the command's name (as IS spells it) and why, for a fault naming the command. */
export class IsCommandError extends Error {
  constructor(
    readonly command: string,
    readonly detail: string,
  ) {
    super(`${command}: ${detail}`);
    this.name = 'IsCommandError';
  }
}

/** MIME type and export file extension of each output format (a TIFF preset gives `.tiff`, as in the example on Adobe IPS: data-types/r-exportjob). */
export const IS_FORMAT_INFO: Readonly<Record<IsOutputFormat, { mime: string; extension: string; alpha: boolean }>> = {
  jpeg: { mime: 'image/jpeg', extension: 'jpg', alpha: false },
  jpg: { mime: 'image/jpeg', extension: 'jpg', alpha: false },
  pjpeg: { mime: 'image/jpeg', extension: 'jpg', alpha: false },
  png: { mime: 'image/png', extension: 'png', alpha: false },
  'png-alpha': { mime: 'image/png', extension: 'png', alpha: true },
  png8: { mime: 'image/png', extension: 'png', alpha: false },
  'png8-alpha': { mime: 'image/png', extension: 'png', alpha: true },
  gif: { mime: 'image/gif', extension: 'gif', alpha: false },
  'gif-alpha': { mime: 'image/gif', extension: 'gif', alpha: true },
  tif: { mime: 'image/tiff', extension: 'tiff', alpha: false },
  'tif-alpha': { mime: 'image/tiff', extension: 'tiff', alpha: true },
  webp: { mime: 'image/webp', extension: 'webp', alpha: false },
  'webp-alpha': { mime: 'image/webp', extension: 'webp', alpha: true },
  avif: { mime: 'image/avif', extension: 'avif', alpha: false },
  'avif-alpha': { mime: 'image/avif', extension: 'avif', alpha: true },
};
