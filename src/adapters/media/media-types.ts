import type {
  AutoColorCropOptions,
  AutoTransparentCropOptions,
  KnockoutBackgroundOptions,
  ManualCropOptions,
  UnsharpMaskOptions,
} from '../../domain/schemas/options.schema.js';
import type { Box } from './pixel-ops.js';

// MediaRepository's vocabulary: what it is asked (render plans) and what it answers (probes, render results).

export interface ImageProbe {
  width: number;
  height: number;
  /** pixels per inch; IPS reports 72 when the file states none */
  resolution: number;
  hasAlpha: boolean;
}

/**
 * IPS colorManagementOptions (Adobe IPS: data-types/r-color-management-options), the
 * profile handles already resolved to ICC files on local disk. IPS documents
 * little more than the names; what each mode does here:
 *
 * - `Default` (and no plan at all): the optimiser as it always was. Pixels go
 *   to sRGB through their embedded profile (CMYK without one: libvips'
 *   built-in CMYK profile; RGB and gray without one are read as sRGB) and the
 *   pyramid TIFF embeds sharp's built-in sRGB profile.
 * - `MaintainOriginal`: the pyramid TIFF stays in the original's colour space
 *   (CMYK, gray or RGB; alpha kept) and embeds the original's profile byte for
 *   byte, e.g. Adobe RGB stays Adobe RGB. An untagged CMYK or gray original
 *   stays untagged: inventing a profile would change what the file says, and
 *   a reader falls back to the same defaults as Default. Untagged RGB, PSD
 *   composites (always RGB here) and other spaces (Lab, XYZ…) take Default.
 * - `Convert`: the pixels are read in `sourceProfile` when given (it overrides
 *   an embedded profile: how a user fixes an untagged or mis-tagged file),
 *   else in the embedded profile, else in Default's defaults; then one
 *   transform into `outputProfile` (default: sharp's built-in sRGB), which is
 *   embedded. A CMYK or gray output profile gives a CMYK or gray pyramid TIFF.
 *   An embedded profile that does not fit the pixels is refused (the user
 *   should name a sourceProfileHandle) rather than silently skipped.
 *
 * The profiles only matter to Convert (IPS: "used with Convert"); the other
 * modes ignore them. Transforms are lcms through libvips, perceptual intent
 * without black-point compensation (sharp's fixed choice); alpha passes
 * through unchanged. A profile file that is not ICC, is not a device profile,
 * or whose colour space does not fit is a RenderOptionError naming the field.
 */
export interface ColorPlan {
  mode: 'Default' | 'MaintainOriginal' | 'Convert';
  /** absolute path of an ICC profile: the colour space the original's pixels are in (Convert) */
  sourceProfile?: string;
  /** absolute path of an ICC profile: the colour space of the pyramid TIFF (Convert) */
  outputProfile?: string;
}

/** What reprocessing asks of one image (Adobe IPS: data-types/r-reprocess-assets-job). */
export interface RenderPlan {
  crop?: { manual: ManualCropOptions } | { autoColor: AutoColorCropOptions } | { autoTransparent: AutoTransparentCropOptions } | { box: Box };
  knockout?: KnockoutBackgroundOptions;
  /** write a mask file: the knockout mask, else the image's own transparency */
  mask: boolean;
  usm?: UnsharpMaskOptions;
  /** colorManagementOptions; absent = Default */
  color?: ColorPlan;
}

export interface RenderResult {
  width: number;
  height: number;
  /** the crop applied, in the upright original's pixels */
  crop?: Box;
  /** false when a mask was asked for but the image has neither knockout nor transparency */
  maskWritten: boolean;
}
