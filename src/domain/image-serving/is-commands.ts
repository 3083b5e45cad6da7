/**
 * Second stage of IS query parsing: one small reader per command (docs/image-serving.md) that
 * validates the decoded value and writes the typed setting into IsRequest.
 * Faults name the command, the part and the expected range, e.g.
 * `wid: expected an integer > 0, received 'abc'`.
 *
 * Optional list parts left empty take their default (IS's own example
 * `fmt=tif,,jpeg`); required parts must be present.
 */
import { parseIsColor } from './is-color.js';
import type { IgnoredIsCommand, SupportedIsCommand } from './is-command-names.js';
import {
  IS_FORMAT_INFO,
  IS_OUTPUT_FORMATS,
  IS_UNSUPPORTED_FORMATS,
  type IsCompression,
  IsCommandError,
  type IsFitMode,
  type IsOutputFormat,
  type IsPixelType,
  type IsRenderIntent,
  type IsRequest,
} from './is-request.js';
import { expected, int, type NumberRule, optional, quote, readFlag, readKeyword, readList, readNumber, real } from './is-value.js';

type Reader = (value: string, request: IsRequest) => void;

/**
 * The IsRequest setting each command writes. Commands sharing a setting
 * (crop/cropN, size/sizeN, extend/extendN, op_usm/op_usmR) are one setting
 * for IS's "last occurrence wins" rule; bgc and bgColor are not (view vs
 * layer background).
 */
export function settingOf(command: SupportedIsCommand | IgnoredIsCommand): string {
  switch (command) {
    case 'cropN':
      return 'crop';
    case 'sizeN':
      return 'size';
    case 'extendN':
      return 'extend';
    case 'op_usmR':
      return 'op_usm';
    default:
      return command;
  }
}

const FIT_MODES: readonly IsFitMode[] = ['fit', 'constrain', 'crop', 'wrap', 'stretch', 'hfit', 'vfit'];
const PIXEL_TYPES: readonly IsPixelType[] = ['rgb', 'gray', 'cmyk'];
const INTENTS: readonly IsRenderIntent[] = ['perceptual', 'relative', 'saturation', 'absolute'];

const POSITIVE_INT = int({ above: 0 });
const POSITIVE_REAL = real({ above: 0 });

/** `x,y,w,h` with w and h > 0 (x, y may be negative: the region may lie partly outside). */
function box(command: string, value: string, rule: NumberRule, extra = 0, syntax = 'x,y,w,h') {
  const parts = readList(command, value, 4, 4 + extra, syntax);
  const positive: NumberRule = { ...rule, above: 0 };
  return {
    parts,
    box: {
      x: readNumber(command, parts[0], rule, 'x'),
      y: readNumber(command, parts[1], rule, 'y'),
      w: readNumber(command, parts[2], positive, 'w'),
      h: readNumber(command, parts[3], positive, 'h'),
    },
  };
}

function usm(command: 'op_usm' | 'op_usmR', value: string, request: IsRequest): void {
  const parts = readList(command, value, 1, 4, 'amount[,radius[,threshold[,monochrome]]]');
  request.usm = {
    amount: readNumber(command, parts[0], real({ min: 0, max: 5 }), 'amount'),
    radius: optional(parts[1], (p) => readNumber(command, p, real({ min: 0, max: 250 }), 'radius'), 0),
    threshold: optional(parts[2], (p) => readNumber(command, p, int({ min: 0, max: 255 }), 'threshold'), 0),
    monochrome: optional(parts[3], (p) => readFlag(command, p, 'monochrome'), false),
    absoluteRadius: command === 'op_usmR',
  };
}

function size(command: 'size' | 'sizeN', value: string, request: IsRequest): void {
  const parts = readList(command, value, 2, 2, 'w,h');
  const rule = command === 'size' ? int({ min: 0 }) : real({ min: 0 });
  const w = readNumber(command, parts[0], rule, 'w');
  const h = readNumber(command, parts[1], rule, 'h');
  // 0,0 is IS's default (unconstrained): leave the setting out.
  if (w === 0 && h === 0) delete request.size;
  else request.size = { w, h, normalized: command === 'sizeN' };
}

function extend(command: 'extend' | 'extendN', value: string, request: IsRequest): void {
  const parts = readList(command, value, 4, 4, 'l,t,r,b');
  const rule = command === 'extend' ? int() : real();
  const [l, t, r, b] = (['left', 'top', 'right', 'bottom'] as const).map((name, i) => readNumber(command, parts[i], rule, name));
  request.extend = { l, t, r, b, normalized: command === 'extendN' };
}

/** Pixel types per format (IS fmt= table). */
const FORMAT_PIXEL_TYPES: Record<IsOutputFormat, readonly IsPixelType[]> = {
  jpeg: PIXEL_TYPES,
  jpg: PIXEL_TYPES,
  pjpeg: PIXEL_TYPES,
  png: ['rgb', 'gray'],
  'png-alpha': ['rgb', 'gray'],
  png8: ['rgb'],
  'png8-alpha': ['rgb'],
  gif: ['rgb', 'gray'],
  'gif-alpha': ['rgb', 'gray'],
  tif: PIXEL_TYPES,
  'tif-alpha': PIXEL_TYPES,
  webp: ['rgb'],
  'webp-alpha': ['rgb'],
  avif: ['rgb'],
  'avif-alpha': ['rgb'],
};

/** Compressions per format (IS fmt= table); formats without a choice accept only `none`, which is then left out. */
function compressionsFor(format: IsOutputFormat): readonly IsCompression[] {
  switch (format) {
    case 'tif':
      return ['none', 'lzw', 'zip', 'jpeg'];
    case 'tif-alpha':
      return ['none', 'lzw', 'zip']; // IS: "tif-alpha does not support jpeg compression"
    case 'webp':
    case 'webp-alpha':
    case 'avif':
    case 'avif-alpha':
      return ['lossy', 'lossless'];
    default:
      return ['none'];
  }
}

function fmt(value: string, request: IsRequest): void {
  const parts = readList('fmt', value, 1, 3, 'format[,pixelType[,compression]]');
  const written = parts[0].toLowerCase();
  if ((IS_UNSUPPORTED_FORMATS as readonly string[]).includes(written)) {
    throw new IsCommandError('fmt', `format '${written}' is not supported by this server`);
  }
  const format = readKeyword('fmt', parts[0], IS_OUTPUT_FORMATS, 'format');
  const result: IsRequest['fmt'] = { format };
  const pixelType = optional(parts[1], (p) => readKeyword('fmt', p, FORMAT_PIXEL_TYPES[format], `pixelType of ${format}`), undefined);
  if (pixelType !== undefined) result.pixelType = pixelType;
  const allowed = compressionsFor(format);
  const compression = optional(parts[2], (p) => readKeyword('fmt', p, allowed, `compression of ${format}`), undefined);
  if (compression !== undefined && allowed.length > 1) result.compression = compression;
  request.fmt = result;
}

function quantize(value: string, request: IsRequest): void {
  const parts = readList('quantize', value, 1, undefined, 'type[,dither[,numColors[,colorList]]]');
  const result: NonNullable<IsRequest['quantize']> = {
    type: readKeyword('quantize', parts[0], ['adaptive', 'web', 'mac'] as const, 'type'),
    dither: optional(parts[1], (p) => readKeyword('quantize', p, ['diffuse', 'off'] as const, 'dither') === 'diffuse', true),
    colors: optional(parts[2], (p) => readNumber('quantize', p, int({ min: 2, max: 256 }), 'numColors'), 256),
  };
  const colorList = parts.slice(3);
  // A single empty item is a trailing comma (the list's default: none forced).
  if (colorList.length > 0 && !(colorList.length === 1 && colorList[0] === '')) {
    result.colorList = colorList.map((c) => {
      if (!/^[0-9a-fA-F]{6}$/.test(c)) throw expected('quantize', 'a hex6 RGB colour (RRGGBB)', c, 'colorList');
      return c.toLowerCase();
    });
  }
  request.quantize = result;
}

function icc(value: string, request: IsRequest): void {
  const parts = readList('icc', value, 1, 4, 'profile[,renderIntent[,blackpointComp[,dither]]]');
  if (parts[0] === '') throw expected('icc', 'a profile name', value, 'profile');
  request.icc = {
    profile: parts[0],
    // IS inherits the intent from attribute::IccRenderIntent, whose server
    // default is not published; relative colorimetric is Little CMS's usual
    // default and what IS catalogs are commonly set to.
    intent: optional(parts[1], (p) => readKeyword('icc', p, INTENTS, 'renderIntent'), 'relative'),
    blackpointComp: optional(parts[2], (p) => readFlag('icc', p, 'blackpointComp'), false),
    dither: optional(parts[3], (p) => readFlag('icc', p, 'dither'), false),
  };
}

/** An ignored command whose only accepted value is IS's default. */
function onlyDefault(command: string, accepted: string): (value: string) => void {
  return (value) => {
    if (value.toLowerCase() !== accepted) {
      throw new IsCommandError(command, `value ${quote(value)} is not supported by this server (only ${command}=${accepted})`);
    }
  };
}

const CACHE_MODES = ['on', 'off', 'validate', 'update'] as const;

/** Readers of the accepted-but-ignored commands (why each is harmless: is-command-names.ts). */
export const IGNORED_READERS: Record<IgnoredIsCommand, (value: string) => void> = {
  cache: (value) => {
    for (const part of readList('cache', value, 1, 2, 'on|off|validate|update[,on|off|validate|update]')) readKeyword('cache', part, CACHE_MODES);
  },
  id: () => undefined,
  dpr: onlyDefault('dpr', 'off'),
  pscan: (value) => void readKeyword('pscan', value, ['auto', '3', '4', '5'] as const),
  xmpEmbed: onlyDefault('xmpEmbed', '0'),
  pathEmbed: onlyDefault('pathEmbed', '0'),
};

/** `req=` types this server answers; IS's others (tmb, mask, set, resolve, …) are refused by name. */
const REQUEST_TYPES = ['img', 'props', 'exists'] as const;

export const SUPPORTED_READERS: Record<SupportedIsCommand, Reader> = {
  wid: (v, r) => void (r.wid = readNumber('wid', v, POSITIVE_INT)),
  hei: (v, r) => void (r.hei = readNumber('hei', v, POSITIVE_INT)),
  fit: (v, r) => {
    const parts = readList('fit', v, 1, 2, 'mode[,upscale]');
    r.fit = { mode: readKeyword('fit', parts[0], FIT_MODES, 'mode'), upscale: optional(parts[1], (p) => readFlag('fit', p, 'upscale'), false) };
  },
  scl: (v, r) => void (r.scl = readNumber('scl', v, POSITIVE_REAL)),
  align: (v, r) => {
    const parts = readList('align', v, 2, 2, 'h,v');
    const rule = real({ min: -1, max: 1 });
    r.align = { h: readNumber('align', parts[0], rule, 'h'), v: readNumber('align', parts[1], rule, 'v') };
  },
  rgn: (v, r) => void (r.rgn = box('rgn', v, int()).box),
  rect: (v, r) => {
    const { parts, box: b } = box('rect', v, int(), 1, 'x,y,w,h[,scale]');
    r.rect = { ...b, scale: optional(parts[4], (p) => readNumber('rect', p, POSITIVE_REAL, 'scale'), 1) };
  },
  bgc: (v, r) => void (r.bgc = parseIsColor('bgc', v)),
  bgColor: (v, r) => void (r.bgColor = parseIsColor('bgColor', v)),
  crop: (v, r) => void (r.crop = { ...box('crop', v, int()).box, normalized: false }),
  cropN: (v, r) => void (r.crop = { ...box('cropN', v, real()).box, normalized: true }),
  size: (v, r) => size('size', v, r),
  sizeN: (v, r) => size('sizeN', v, r),
  scale: (v, r) => void (r.scale = readNumber('scale', v, POSITIVE_REAL)),
  flip: (v, r) => void (r.flip = readKeyword('flip', v, ['lr', 'ud', 'lrud'] as const)),
  rotate: (v, r) => void (r.rotate = readNumber('rotate', v, real())),
  extend: (v, r) => extend('extend', v, r),
  extendN: (v, r) => extend('extendN', v, r),
  op_sharpen: (v, r) => void (r.sharpen = readFlag('op_sharpen', v)),
  op_usm: (v, r) => usm('op_usm', v, r),
  op_usmR: (v, r) => usm('op_usmR', v, r),
  op_blur: (v, r) => void (r.blur = readNumber('op_blur', v, real({ min: 0, max: 100 }))),
  op_brightness: (v, r) => void (r.brightness = readNumber('op_brightness', v, real({ min: -100, max: 100 }))),
  op_contrast: (v, r) => void (r.contrast = readNumber('op_contrast', v, real({ min: -100, max: 100 }))),
  op_saturation: (v, r) => void (r.saturation = readNumber('op_saturation', v, real({ min: -100, max: 100 }))),
  op_hue: (v, r) => void (r.hue = readNumber('op_hue', v, real({ min: -180, max: 180 }))),
  op_invert: (v, r) => void (r.invert = readFlag('op_invert', v)),
  op_colorbalance: (v, r) => {
    const parts = readList('op_colorbalance', v, 3, 3, 'r,g,b');
    const rule = real({ min: -100, max: 100 });
    r.colorbalance = {
      r: readNumber('op_colorbalance', parts[0], rule, 'r'),
      g: readNumber('op_colorbalance', parts[1], rule, 'g'),
      b: readNumber('op_colorbalance', parts[2], rule, 'b'),
    };
  },
  fmt,
  qlt: (v, r) => {
    const parts = readList('qlt', v, 1, 2, 'quality[,chroma]');
    r.qlt = {
      quality: readNumber('qlt', parts[0], int({ min: 1, max: 100 }), 'quality'),
      chroma: optional(parts[1], (p) => readFlag('qlt', p, 'chroma'), false),
    };
  },
  quantize,
  resMode: (v, r) => {
    // `sharp` is the legacy name of sharp2 (catalog ResMode 1 vs 4).
    const mode = readKeyword('resMode', v, ['bilin', 'bicub', 'sharp2', 'bisharp', 'sharp'] as const);
    r.resMode = mode === 'sharp' ? 'sharp2' : mode;
  },
  icc,
  iccEmbed: (v, r) => void (r.iccEmbed = readFlag('iccEmbed', v)),
  printRes: (v, r) => void (r.printRes = readNumber('printRes', v, int({ min: 1, max: 10000 }))),
  req: (v, r) => {
    const type = readKeyword('req', v, REQUEST_TYPES);
    // img is the default: left out, so a plain image request parses to the same IsRequest with or without it.
    if (type === 'img') delete r.req;
    else r.req = type;
  },
};

/** Checks that need the whole request (run after every command is read). */
export function checkCombinations(request: IsRequest): void {
  const format = request.fmt?.format ?? 'jpeg';
  if (request.quantize?.type === 'mac' && IS_FORMAT_INFO[format].alpha) {
    throw new IsCommandError('quantize', `palette type 'mac' is not valid with fmt=${format} (IS supports it only without alpha)`);
  }
}
