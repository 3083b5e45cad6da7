import fs from 'node:fs/promises';
import type { OutputInfo, Sharp } from 'sharp';
import { IsCommandError, type IsOutputFormat } from '../../../../domain/image-serving/is-request.js';
import { parseIccHeader } from '../../icc-profile.js';
import { sharpColour } from '../colour.js';
import { materialise, pipeline } from '../frame.js';
import type { IsContext } from '../is-context.js';

/**
 * fmt / qlt / quantize / icc / iccEmbed / printRes: how the view image is
 * written. Planned (and every refusal raised) before any pixel work, written
 * last. Always 8 bits per channel.
 *
 * Colour: the pipeline is sRGB. The reply's space is the `icc=` profile's
 * (RGB, GRAY or CMYK; `pixelType` is then ignored, as IS does), else
 * `pixelType`: rgb stays sRGB, gray goes through libvips' built-in sGrey
 * profile (1 channel, 2 with alpha), cmyk through libvips' built-in CMYK
 * profile. Only JPEG and TIFF carry CMYK; any other format with CMYK is a
 * fault naming `fmt` (or `icc` when the profile asked for it). WebP and AVIF
 * have no gray mode: gray is stored as three equal channels.
 *
 * Rendering intent: sharp's output transform is fixed to perceptual intent
 * without black-point compensation (libvips' icc_transform called with
 * VIPS_INTENT_PERCEPTUAL) and sharp exposes no way to change it, so the
 * intent, blackpointComp and dither fields of `icc=` are accepted and not
 * applied: every profile conversion is perceptual, no BPC.
 *
 * iccEmbed=1 attaches the reply's profile (sRGB, sGrey or CMYK built-ins when
 * no icc= is given); absent/0 attaches none and keeps no metadata. GIF cannot
 * carry a profile, so iccEmbed is ignored for it. printRes sets the density;
 * without it a reply read straight from the source (also through a deferred
 * resize) keeps the source's resolution fields, and one made from pixels
 * states the source's density. WebP and AVIF have no resolution field of
 * their own (only EXIF, which is not written): they state a density only
 * when made from pixels or given printRes.
 */
export interface OutputPlan {
  format: IsOutputFormat;
  /** profile the sRGB pixels are converted into: a file path or a libvips built-in name ('srgb' = no conversion) */
  profile: string;
  attach: boolean;
  encode: (img: Sharp) => Sharp;
}

type Family = 'jpeg' | 'png' | 'png8' | 'gif' | 'tiff' | 'webp' | 'avif';

const FAMILY: Record<IsOutputFormat, Family> = {
  jpeg: 'jpeg',
  jpg: 'jpeg',
  pjpeg: 'jpeg',
  png: 'png',
  'png-alpha': 'png',
  png8: 'png8',
  'png8-alpha': 'png8',
  gif: 'gif',
  'gif-alpha': 'gif',
  tif: 'tiff',
  'tif-alpha': 'tiff',
  webp: 'webp',
  'webp-alpha': 'webp',
  avif: 'avif',
  'avif-alpha': 'avif',
};

/** libvips' built-in profiles for each pixel type. */
const BUILTIN_PROFILE = { rgb: 'srgb', gray: 'sgrey', cmyk: 'cmyk' } as const;
const SPACE_OF_ICC: Partial<Record<string, keyof typeof BUILTIN_PROFILE>> = { RGB: 'rgb', GRAY: 'gray', CMYK: 'cmyk' };
/** profile classes that describe a device or colour space (not links, abstract or named-colour profiles) */
const DEVICE_CLASSES: ReadonlySet<string> = new Set(['scnr', 'mntr', 'prtr', 'spac']);
const TIFF_COMPRESSION = { none: 'none', lzw: 'lzw', zip: 'deflate', jpeg: 'jpeg' } as const;

export async function planOutput(ctx: IsContext): Promise<OutputPlan> {
  const { req } = ctx;
  const fmt = req.fmt ?? { format: 'jpeg' as const };
  const family = FAMILY[fmt.format];
  if (!family) throw new IsCommandError('fmt', `unsupported format ${String(fmt.format)}`);

  const compression = fmt.compression;
  const allowed: readonly string[] =
    family === 'tiff'
      ? fmt.format === 'tif-alpha'
        ? ['none', 'lzw', 'zip']
        : ['none', 'lzw', 'zip', 'jpeg']
      : family === 'webp' || family === 'avif'
        ? ['lossy', 'lossless']
        : [];
  if (compression !== undefined && !allowed.includes(compression)) {
    throw new IsCommandError(
      'fmt',
      allowed.length
        ? `${fmt.format} compression must be one of ${allowed.join('|')}, received ${compression}`
        : `${fmt.format} takes no compression, received ${compression}`,
    );
  }

  let space = fmt.pixelType ?? 'rgb';
  let profile: string = BUILTIN_PROFILE[space];
  if (req.icc) {
    if (!ctx.iccProfilePath) throw new IsCommandError('icc', `the profile ${req.icc.profile} is not available`);
    const header = parseIccHeader(await fs.readFile(ctx.iccProfilePath));
    if (typeof header === 'string') throw new IsCommandError('icc', `${req.icc.profile} is not an ICC profile (${header})`);
    const iccSpace = SPACE_OF_ICC[header.colorSpace];
    if (!iccSpace || !DEVICE_CLASSES.has(header.deviceClass)) {
      throw new IsCommandError(
        'icc',
        `${req.icc.profile} must be an RGB, gray or CMYK device profile, received a ${header.colorSpace} '${header.deviceClass}' profile`,
      );
    }
    space = iccSpace;
    profile = ctx.iccProfilePath;
  }
  if (space === 'cmyk' && family !== 'jpeg' && family !== 'tiff') {
    throw new IsCommandError(req.icc ? 'icc' : 'fmt', `${fmt.format} cannot carry CMYK pixels; use jpeg or tif`);
  }
  if (req.printRes !== undefined && !(Number.isFinite(req.printRes) && req.printRes > 0)) {
    throw new IsCommandError('printRes', `must be a resolution greater than 0, received ${req.printRes}`);
  }

  const quality = req.qlt?.quality ?? ctx.defaultQuality;
  if (!Number.isInteger(quality) || quality < 1 || quality > 100)
    throw new IsCommandError('qlt', `quality must be a whole number from 1 to 100, received ${quality}`);
  // qlt=q,1 disables chroma downsampling
  const chromaSubsampling = req.qlt?.chroma ? '4:4:4' : '4:2:0';
  const { colours, dither } = palette(ctx, family);

  const encoders: Record<Family, (img: Sharp) => Sharp> = {
    jpeg: (img) => img.jpeg({ quality, progressive: fmt.format === 'pjpeg', chromaSubsampling }),
    png: (img) => img.png(),
    png8: (img) => img.png({ palette: true, colours, dither }),
    gif: (img) => img.gif({ colours, dither }),
    tiff: (img) => {
      const c = TIFF_COMPRESSION[(compression ?? 'none') as keyof typeof TIFF_COMPRESSION];
      // horizontal differencing makes LZW/deflate smaller on photographs and changes no pixel
      return img.tiff({ compression: c, quality, predictor: c === 'lzw' || c === 'deflate' ? 'horizontal' : 'none' });
    },
    webp: (img) => img.webp({ quality, lossless: compression === 'lossless' }),
    avif: (img) => (compression === 'lossless' ? img.avif({ lossless: true, chromaSubsampling: '4:4:4' }) : img.avif({ quality, chromaSubsampling })),
  };
  return { format: fmt.format, profile, attach: Boolean(req.iccEmbed) && family !== 'gif', encode: encoders[family] };
}

/** `quantize=` for gif and png8: adaptive palettes only (libimagequant), 2–256 colours, diffusion dither on or off. */
function palette(ctx: IsContext, family: Family): { colours: number; dither: number } {
  const q = ctx.req.quantize;
  if (family !== 'gif' && family !== 'png8') return { colours: 256, dither: 1 };
  if (!q) return { colours: 256, dither: 1 };
  if (q.type !== 'adaptive') throw new IsCommandError('quantize', `only adaptive palettes are supported, received ${q.type}`);
  if (q.colorList?.length) throw new IsCommandError('quantize', 'a fixed colour list is not supported');
  if (!Number.isInteger(q.colors) || q.colors < 2 || q.colors > 256)
    throw new IsCommandError('quantize', `numColors must be a whole number from 2 to 256, received ${q.colors}`);
  return { colours: q.colors, dither: q.dither ? 1 : 0 };
}

/** Encodes the view image into `file`; libvips' account of what it wrote (size and bytes), so the reply need not be read back. */
export async function writeOutput(ctx: IsContext, plan: OutputPlan, file: string): Promise<OutputInfo> {
  let frame = ctx.frame;
  const density = ctx.req.printRes ?? (frame.kind === 'pixels' ? ctx.sourceDensity : undefined);
  // withMetadata keeps all metadata of its input: decode an untouched source first so none of its EXIF/XMP leaks out.
  if (density !== undefined && frame.kind === 'source') frame = await materialise(frame);
  let img = pipeline(frame);
  const warnings: string[] = [];
  img.on('warning', (w: string) => warnings.push(w));
  if (ctx.alphaFormat) img = img.ensureAlpha();
  else if (frame.channels === 4) img = img.flatten({ background: sharpColour(ctx.flattenBackground) });
  // withMetadata also asks for an sRGB transform; the withIccProfile after it replaces that with the reply's profile
  if (density !== undefined) img = img.withMetadata({ density });
  if (plan.profile !== 'srgb' || plan.attach || density !== undefined) img = img.withIccProfile(plan.profile, { attach: plan.attach });
  const info = await plan.encode(img).toFile(file);
  // libvips skips a profile transform it cannot build and only warns
  const problem = warnings.find((w) => /profile/i.test(w));
  if (problem) throw new IsCommandError(ctx.req.icc ? 'icc' : 'fmt', `the colour conversion to ${plan.profile} failed (${problem})`);
  return info;
}
