/**
 * Every IS command name this server knows, in IS's spelling (command names are
 * case-insensitive, docs/image-serving.md#parsing), sorted by how the server treats it:
 *
 * - supported: parsed into IsRequest (is-commands.ts);
 * - ignored: accepted and validated, but with no effect on the reply (see
 *   IGNORED_IS_COMMANDS for why each one is harmless to drop);
 * - refused: real IS commands this server does not implement; a fault saying
 *   so is clearer than silently rendering something else.
 *
 * A name in none of the lists is not an IS command at all ("unknown command").
 */

export const SUPPORTED_IS_COMMANDS = [
  'wid',
  'hei',
  'fit',
  'scl',
  'align',
  'rgn',
  'rect',
  'bgc',
  'bgColor',
  'crop',
  'cropN',
  'size',
  'sizeN',
  'scale',
  'flip',
  'rotate',
  'extend',
  'extendN',
  'op_sharpen',
  'op_usm',
  'op_usmR',
  'op_blur',
  'op_brightness',
  'op_contrast',
  'op_saturation',
  'op_hue',
  'op_invert',
  'op_colorbalance',
  'fmt',
  'qlt',
  'quantize',
  'resMode',
  'icc',
  'iccEmbed',
  'printRes',
  'req',
] as const;
export type SupportedIsCommand = (typeof SUPPORTED_IS_COMMANDS)[number];

/**
 * Accepted, value-checked, and without effect here:
 * - `cache`: controls IS's and the client's response caches; this server keeps no IS reply cache.
 * - `id`: a cache-busting version token; the reply never depends on it.
 * - `dpr=off`: the default (no device-pixel-ratio scaling); `dpr=on,…` is refused.
 * - `pscan`: scan count of progressive JPEG (pjpeg); the encoder has no control over its scan script, so it is checked (auto|3|4|5) and ignored.
 * - `xmpEmbed=0`, `pathEmbed=0`: the defaults (nothing embedded); the value 1 is refused.
 *
 * `req` is supported for img (the default), props and exists (IsRequest.req); its other IS values are refused.
 */
export const IGNORED_IS_COMMANDS = ['cache', 'id', 'dpr', 'pscan', 'xmpEmbed', 'pathEmbed'] as const;
export type IgnoredIsCommand = (typeof IGNORED_IS_COMMANDS)[number];

/** IS commands (the IS command reference's list) that this server does not implement. */
export const REFUSED_IS_COMMANDS = [
  'anchor',
  'anchorN',
  'bfc',
  'blendMode',
  'clipPath',
  'clipXPath',
  'color',
  'cropPathE',
  'defaultImage',
  'effect',
  'effectMask',
  'hide',
  'imageSet',
  'jpegSize',
  'layer',
  'locale',
  'map',
  'mask',
  'maskUse',
  'network',
  'op_colorize',
  'op_grow',
  'op_growMask',
  'op_growMaskR',
  'op_noise',
  'opac',
  'origin',
  'originN',
  'pathAttr',
  'perspective',
  'perspectiveN',
  'pos',
  'posN',
  'res',
  'src',
  'template',
  'text',
  'textAngle',
  'textAttr',
  'textFlowPath',
  'textFlowXPath',
  'textPath',
  'textPs',
  'type',
] as const;

export type KnownIsCommand =
  | { kind: 'supported'; name: SupportedIsCommand }
  | { kind: 'ignored'; name: IgnoredIsCommand }
  | { kind: 'refused'; name: (typeof REFUSED_IS_COMMANDS)[number] };

const BY_LOWER_NAME = new Map<string, KnownIsCommand>([
  ...SUPPORTED_IS_COMMANDS.map((name) => [name.toLowerCase(), { kind: 'supported', name }] as const),
  ...IGNORED_IS_COMMANDS.map((name) => [name.toLowerCase(), { kind: 'ignored', name }] as const),
  ...REFUSED_IS_COMMANDS.map((name) => [name.toLowerCase(), { kind: 'refused', name }] as const),
]);

/** IS's spelling and treatment of a command name written in any case; undefined for names IS does not have. */
export function lookupIsCommand(name: string): KnownIsCommand | undefined {
  return BY_LOWER_NAME.get(name.toLowerCase());
}
