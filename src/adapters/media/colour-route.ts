import fs from 'node:fs/promises';
import path from 'node:path';
import sharp, { type Metadata, type Sharp } from 'sharp';
import { type IccHeader, type TaggedPixels, parseIccHeader, writeTaggedTiff } from './icc-profile.js';
import { RenderOptionError, wrapDecoder } from './media-errors.js';
import type { ColorPlan } from './media-types.js';
import { type Pixels, narrow, view } from './pixel-buffers.js';
import type { Scratch } from './render-scratch.js';

/**
 * Colour management of one render: which colour space and profile the
 * pyramid TIFF gets, and how the original's pixels are read to get there
 * (the modes are described on ColorPlan).
 */

/** The colour spaces a pyramid TIFF is written in. */
export type Space = TaggedPixels['space'];

/** Opens the original being rendered (MediaRepository's decoder, pixel limit included); ignoreIcc reads it without its embedded profile. */
export type OpenImage = (options?: { ignoreIcc?: boolean }) => Promise<Sharp>;

/** How one image reaches its output colour space (built by colourRoute). */
export interface ColourRoute {
  /** colour space of the pyramid TIFF */
  space: Space;
  /** what the pyramid TIFF embeds: sharp's built-in sRGB, these bytes, or nothing (an untagged original kept) */
  profile: 'srgb' | Uint8Array | undefined;
  /** output() has 16-bit samples (a 16-bit CMYK original kept) */
  wide: boolean;
  /** the upright image in `space`, its profile applied and attached */
  output(): Promise<Sharp>;
  /** the upright image in sRGB: what crop and knockout look at */
  analysis(): Promise<Sharp>;
  /** after writing: throws when libvips skipped a transform */
  check(): void;
}

/** libvips interpretations whose pixels can stay in their colour space. */
const NATIVE_SPACE: Partial<Record<string, Space>> = { srgb: 'srgb', rgb: 'srgb', rgb16: 'srgb', cmyk: 'cmyk', 'b-w': 'b-w', grey16: 'b-w' };
/** the ICC data colour space each needs */
const ICC_SPACE: Record<Space, string> = { srgb: 'RGB', cmyk: 'CMYK', 'b-w': 'GRAY' };
const SPACE_OF_ICC: Partial<Record<string, Space>> = { RGB: 'srgb', CMYK: 'cmyk', GRAY: 'b-w' };
/** profile classes that describe a device or colour space (not links, abstract or named-colour profiles) */
const DEVICE_CLASSES: ReadonlySet<string> = new Set(['scnr', 'mntr', 'prtr', 'spac']);
const OTHER_CLASSES: Record<string, string> = { link: 'device link', abst: 'abstract', nmcl: 'named colour' };

/** Keeps an image in `space`: no conversion to sRGB when it is read (CMYK), none when it is written. */
export function inSpace(img: Sharp, space: Space): Sharp {
  return space === 'cmyk' ? img.pipelineColourspace('cmyk').toColourspace('cmyk') : img.toColourspace(space);
}

/**
 * How the pixels reach the output colour space (see ColorPlan). Default
 * touches nothing but the original; the other modes read its metadata, and
 * Convert may write an intermediate that carries the input profile.
 */
export async function colourRoute(open: OpenImage, color: ColorPlan | undefined, hasAlpha: boolean, scratch: Scratch): Promise<ColourRoute> {
  const srgb = async () => (await open()).rotate().toColourspace('srgb');
  const byDefault: ColourRoute = {
    space: 'srgb',
    profile: 'srgb',
    wide: false,
    output: async () => (await srgb()).withIccProfile('srgb'),
    analysis: srgb,
    check: () => undefined,
  };
  if (!color || color.mode === 'Default') return byDefault;

  const meta = await wrapDecoder(async () => (await open()).metadata());
  const native = NATIVE_SPACE[meta.space ?? ''];
  // 16-bit RGB and gray become 8-bit on the way; 16-bit CMYK stays 16-bit until written.
  const wide = native === 'cmyk' && meta.depth === 'ushort';
  if (color.mode === 'MaintainOriginal') {
    // Untagged RGB is sRGB already; Lab, XYZ and the like are not served as such.
    if (!native || (native === 'srgb' && !meta.icc)) return byDefault;
    return {
      space: native,
      profile: meta.icc,
      wide,
      // keepIccProfile also stops sharp's conversion from the embedded profile to sRGB.
      output: async () => inSpace((await open()).rotate(), native).keepIccProfile(),
      analysis: srgb,
      check: () => undefined,
    };
  }

  const output = color.outputProfile ? await readProfile(color.outputProfile, 'outputProfileHandle') : undefined;
  const outSpace = output ? SPACE_OF_ICC[output.header.colorSpace] : 'srgb';
  if (!outSpace) {
    throw new RenderOptionError(`colorManagementOptions.outputProfileHandle: expected an RGB, CMYK or GRAY profile, received ${describe(output!.header)}`);
  }
  const source = await convertSource(open, color, meta, native, hasAlpha, scratch, srgb);
  const warnings: string[] = [];
  // One transform from the input profile (embedded in `source`) to the output profile.
  const to = async (profile: string) => (await source()).withIccProfile(profile).on('warning', (w: string) => warnings.push(w));
  return {
    space: outSpace,
    profile: output?.bytes ?? 'srgb',
    wide: false, // withIccProfile writes 8-bit
    output: () => to(color.outputProfile ? path.resolve(color.outputProfile) : 'srgb'),
    analysis: () => to('srgb'),
    check: () => {
      // libvips skips a transform it cannot build and only warns; here that is the asset's error.
      const problem = warnings.find((w) => /profile/i.test(w));
      if (problem) throw new RenderOptionError(`colorManagementOptions: the profiles could not be applied to this image (${problem})`);
    },
  };
}

/** The upright original in its own colour space, carrying the profile Convert reads it in. */
async function convertSource(
  open: OpenImage,
  color: ColorPlan,
  meta: Metadata,
  native: Space | undefined,
  hasAlpha: boolean,
  scratch: Scratch,
  srgb: () => Promise<Sharp>,
): Promise<() => Promise<Sharp>> {
  if (color.sourceProfile) {
    if (!native) {
      throw new RenderOptionError(
        `colorManagementOptions.sourceProfileHandle: expected an RGB, CMYK or gray image to read in a profile, received a ${meta.space ?? 'unknown'} image`,
      );
    }
    const source = await readProfile(color.sourceProfile, 'sourceProfileHandle');
    if (source.header.colorSpace !== ICC_SPACE[native]) {
      throw new RenderOptionError(
        `colorManagementOptions.sourceProfileHandle: expected ${withArticle(ICC_SPACE[native])} profile for this ${ICC_SPACE[native]} image, received ${describe(source.header)}`,
      );
    }
    return tagged(open, native, hasAlpha, meta, source.bytes, scratch);
  }
  if (!native) return srgb; // Lab, XYZ…: sharp's own conversion to sRGB, then sRGB is the input profile
  if (meta.icc) {
    const embedded = parseIccHeader(meta.icc);
    if (typeof embedded === 'string' || embedded.colorSpace !== ICC_SPACE[native]) {
      const what = typeof embedded === 'string' ? `not an ICC profile: ${embedded}` : describe(embedded);
      throw new RenderOptionError(
        `colorManagementOptions: the image's embedded profile (${what}) does not fit its ${ICC_SPACE[native]} pixels; give a sourceProfileHandle`,
      );
    }
    // ignoreIcc stops sharp's own conversion to sRGB; withIccProfile then reads the embedded profile.
    return async () => inSpace((await open({ ignoreIcc: true })).rotate(), native);
  }
  if (meta.space === 'srgb') return srgb; // untagged 8-bit RGB: withIccProfile reads it as sRGB
  // Untagged CMYK gets libvips' CMYK profile, as Default does; untagged gray and 16-bit RGB are sRGB (gray as three equal bands).
  const space = native === 'cmyk' ? 'cmyk' : 'srgb';
  return tagged(open, space, hasAlpha, meta, await builtinProfile(space), scratch);
}

/**
 * The original's upright pixels, untransformed, in a lossless TIFF that
 * carries `icc`: sharp cannot be told which profile input pixels are in,
 * but it reads a profile embedded in the file.
 */
async function tagged(open: OpenImage, space: Space, hasAlpha: boolean, meta: Metadata, icc: Uint8Array, scratch: Scratch): Promise<() => Promise<Sharp>> {
  const wide = space === 'cmyk' && meta.depth === 'ushort';
  const px = await readPixels(async () => inSpace((await open({ ignoreIcc: true })).rotate(), space), space, hasAlpha, wide);
  const tmp = await scratch.file('source.tif');
  await writeTaggedTiff(tmp, { ...px, space }, icc);
  return async () => inSpace(sharp(tmp, { ignoreIcc: true, limitInputPixels: false }), space);
}

async function readProfile(file: string, field: 'sourceProfileHandle' | 'outputProfileHandle'): Promise<{ bytes: Buffer; header: IccHeader }> {
  const bytes = await fs.readFile(file);
  const header = parseIccHeader(bytes);
  if (typeof header === 'string') {
    throw new RenderOptionError(`colorManagementOptions.${field}: expected an ICC profile, received a file that is not one (${header})`);
  }
  if (!DEVICE_CLASSES.has(header.deviceClass)) {
    const name = OTHER_CLASSES[header.deviceClass] ?? `'${header.deviceClass}'`;
    throw new RenderOptionError(`colorManagementOptions.${field}: expected an input, display, output or colour space profile, received a ${name} profile`);
  }
  return { bytes, header };
}

/** 'an RGB profile ("Adobe RGB (1998)")' */
function describe(header: IccHeader): string {
  return `${withArticle(header.colorSpace)} profile${header.description ? ` ("${header.description}")` : ''}`;
}

function withArticle(colorSpace: string): string {
  return `${/^[AEIOUR]/.test(colorSpace) ? 'an' : 'a'} ${colorSpace}`;
}

/**
 * Interleaved 8-bit pixels of an image that `open` keeps in `space`, with or
 * without alpha; `wide`: its samples are 16-bit (CMYK), read as such and
 * scaled. libvips hands back only the first band of a gray image as raw, so
 * gray + alpha is read as (equal) RGB bands + alpha and two are kept.
 */
async function readPixels(open: () => Promise<Sharp>, space: Space, alpha: boolean, wide: boolean): Promise<Pixels> {
  const img = await open();
  if (space === 'b-w' && alpha) {
    const { data, info } = await wrapDecoder(() => img.toColourspace('srgb').ensureAlpha().raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true }));
    const ga = new Uint8Array(info.width * info.height * 2);
    for (let i = 0; i < info.width * info.height; i++) {
      ga[i * 2] = data[i * 4]!;
      ga[i * 2 + 1] = data[i * 4 + 3]!;
    }
    return { data: ga, width: info.width, height: info.height, channels: 2 };
  }
  const { data, info } = await wrapDecoder(() =>
    (alpha ? img.ensureAlpha() : img.removeAlpha()).raw({ depth: wide ? 'ushort' : 'uchar' }).toBuffer({ resolveWithObject: true }),
  );
  return { data: wide ? narrow(data) : view(data), width: info.width, height: info.height, channels: info.channels };
}

const builtinProfiles = new Map<'srgb' | 'cmyk', Promise<Buffer>>();

/**
 * The bytes of a profile libvips has built in. sharp names them but does not
 * hand them out, so one pixel is converted to it and the attached copy read.
 */
function builtinProfile(name: 'srgb' | 'cmyk'): Promise<Buffer> {
  let bytes = builtinProfiles.get(name);
  if (!bytes) {
    bytes = (async () => {
      const tiff = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#808080' } })
        .withIccProfile(name)
        .tiff()
        .toBuffer();
      const { icc } = await sharp(tiff).metadata();
      if (!icc) throw new Error(`libvips attached no '${name}' profile`);
      return icc;
    })();
    bytes.catch(() => builtinProfiles.delete(name));
    builtinProfiles.set(name, bytes);
  }
  return bytes;
}
