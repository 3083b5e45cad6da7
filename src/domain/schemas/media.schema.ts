import { z } from 'zod';
import { itemsArray, notSupportedYet, refused } from './common.schema.js';

/**
 * MediaOptions, ThumbnailOptions and VideoEncoding (docs/video.md#mediaoptions;
 * Adobe IPS: data-types/r-media-options), for
 * reprocessAssetsJob and the upload jobs. Videos are encoded by Debian's
 * ffmpeg as H.264/AAC MP4; what that cannot honour is refused with a fault
 * naming the field, never ignored.
 *
 * Units: videoBitrate, audioBitrate, minBitrate and maxBitrate are kilobits
 * per second (kbps, 1 kbps = 1000 bit/s), as DMC's video encoding presets show
 * them; IPS types them `int` without a unit. The bounds catch a value given in
 * bit/s by mistake (800000 for 800 kbps) instead of encoding at 800 Mbps.
 * keyframeInterval is in frames; frameRate in frames per second;
 * thumbnailTime in milliseconds from the start.
 */

const MAX_VIDEO_KBPS = 100_000;
const MAX_AUDIO_KBPS = 1024;
/** Enough for 8K; ffmpeg's scaler is given nothing larger. */
const MAX_SIDE = 8192;

const H264_NAMES = ['h264', 'h.264', 'avc', 'avc1', 'libx264', 'x264'];
const AAC_NAMES = ['aac', 'mp4a', 'aac-lc', 'aac lc'];

/** Only what this server writes: anything else is refused rather than silently replaced. */
const codec = (names: readonly string[], what: string) =>
  z
    .string()
    .trim()
    .refine((v) => names.includes(v.toLowerCase()), { message: `${what}: this server encodes H.264 video with AAC audio in MP4 only` });

const kbps = (max: number, min: number) => z.number().int().min(min).max(max);

/** H.264 levels (ITU-T H.264 Annex A): 1, 1b, 1.1 … 6.2, as `4.1` or `41`. */
const H264_LEVELS = ['1', '1b', '1.1', '1.2', '1.3', '2', '2.1', '2.2', '3', '3.1', '3.2', '4', '4.1', '4.2', '5', '5.1', '5.2', '6', '6.1', '6.2'];
export function normalizeH264Level(value: string | number): string | undefined {
  const s = String(value).trim().toLowerCase();
  if (H264_LEVELS.includes(s)) return s;
  // "31" → "3.1", "40" → "4" (the integer form players report).
  if (/^[1-6][0-9]$/.test(s)) {
    const dotted = s[1] === '0' ? s[0]! : `${s[0]}.${s[1]}`;
    return H264_LEVELS.includes(dotted) ? dotted : undefined;
  }
  return undefined;
}

export const videoEncoding = z
  .strictObject({
    name: z.string().trim().min(1).max(128),
    // Appended to the video's name to name the encoded asset, so it is held to name-safe characters.
    fileSuffix: z
      .string()
      .trim()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ".", "_" or "-"'),
    // One progressive MP4 serves every player here, so a target device would change nothing: refused rather than kept unused.
    playbackTarget: refused('no playbackTarget (every encoding here is one progressive MP4 for all players)'),
    width: z.number().int().min(0).max(MAX_SIDE).optional(),
    height: z.number().int().min(0).max(MAX_SIDE).optional(),
    videoCodec: codec(H264_NAMES, 'H.264 (h264)').optional(),
    videoBitrate: kbps(MAX_VIDEO_KBPS, 16),
    minBitrate: kbps(MAX_VIDEO_KBPS, 16).optional(),
    maxBitrate: kbps(MAX_VIDEO_KBPS, 16).optional(),
    constantBitrate: z.boolean().optional(),
    frameRate: z.number().gt(0).max(240).optional(),
    keyframeInterval: z.number().int().min(1).max(1000).optional(),
    h264Profile: z
      .string()
      .trim()
      .transform((v) => v.toLowerCase())
      .pipe(z.enum(['baseline', 'main', 'high']))
      .optional(),
    h264Level: z
      .union([z.string(), z.number()])
      .transform((v, ctx) => {
        const level = normalizeH264Level(v);
        if (level === undefined) {
          ctx.addIssue({ code: 'custom', message: 'an H.264 level: 1, 1b, 1.1 … 5.2, 6 … 6.2 (or 31 for 3.1)', input: v });
          return z.NEVER;
        }
        return level;
      })
      .optional(),
    twoPass: z
      .boolean()
      .refine((v) => !v, { message: 'false: two-pass encoding is not supported by this server (one pass with the bit rate given)' })
      .optional(),
    audioCodec: codec(AAC_NAMES, 'AAC (aac)').optional(),
    audioBitrate: kbps(MAX_AUDIO_KBPS, 8),
    audioSampleRate: z
      .union([
        z.literal(8000),
        z.literal(11025),
        z.literal(16000),
        z.literal(22050),
        z.literal(24000),
        z.literal(32000),
        z.literal(44100),
        z.literal(48000),
        z.literal(88200),
        z.literal(96000),
      ])
      .optional(),
    advancedSettings: notSupportedYet('advancedSettings'),
  })
  .superRefine((e, ctx) => {
    if (e.minBitrate !== undefined && e.minBitrate > e.videoBitrate) {
      ctx.addIssue({ code: 'custom', path: ['minBitrate'], message: `at most videoBitrate (${e.videoBitrate} kbps)`, input: e.minBitrate });
    }
    if (e.maxBitrate !== undefined && e.maxBitrate < e.videoBitrate) {
      ctx.addIssue({ code: 'custom', path: ['maxBitrate'], message: `at least videoBitrate (${e.videoBitrate} kbps)`, input: e.maxBitrate });
    }
    if (e.constantBitrate && (e.minBitrate !== undefined || e.maxBitrate !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [e.minBitrate !== undefined ? 'minBitrate' : 'maxBitrate'],
        message: 'nothing with constantBitrate true (the rate is videoBitrate throughout)',
        input: e.minBitrate ?? e.maxBitrate,
      });
    }
  });
export type VideoEncoding = z.output<typeof videoEncoding>;

/** Encodings per job: each is a full transcode of every video in it. */
export const MAX_VIDEO_ENCODINGS = 20;

export const thumbnailOptions = z.strictObject({
  // Any integer: a negative or too late time falls back to the first frame (IPS), it is not an error.
  thumbnailTime: z.number().int().optional(),
});

export const mediaOptions = z
  .strictObject({
    videoEncodingPresetsArray: notSupportedYet('videoEncodingPresetsArray (encoding presets; give the settings in videoEncodingArray)'),
    videoEncodingArray: itemsArray(videoEncoding, MAX_VIDEO_ENCODINGS).optional(),
    videoSmartCropArray: notSupportedYet('videoSmartCropArray'),
    videoSmartCropSampleRate: notSupportedYet('videoSmartCropSampleRate'),
    avsEncodingArray: notSupportedYet('avsEncodingArray (adaptive video sets)'),
    generateThumbnail: z.boolean().optional(),
    thumbnailOptions: thumbnailOptions.optional(),
    cmafConformance: z
      .boolean()
      .refine((v) => !v, { message: 'false: CMAF conformance is not supported by this server (encodings are progressive MP4)' })
      .optional(),
  })
  .superRefine((m, ctx) => {
    if (m.thumbnailOptions && !m.generateThumbnail) {
      ctx.addIssue({
        code: 'custom',
        path: ['thumbnailOptions'],
        message: 'nothing unless generateThumbnail is true (the thumbnail is made only when asked for)',
        input: m.thumbnailOptions,
      });
    }
    const seen = new Map<string, number>();
    // Object refinements also run when a field already failed; only a parsed array is checked here.
    (Array.isArray(m.videoEncodingArray) ? m.videoEncodingArray : []).forEach((e, i) => {
      const key = e.fileSuffix.toLowerCase();
      if (seen.has(key)) {
        ctx.addIssue({
          code: 'custom',
          path: ['videoEncodingArray', i, 'fileSuffix'],
          message: `a fileSuffix of its own (encoding ${seen.get(key)! + 1} already uses it; each encoding becomes the asset <video name><fileSuffix>)`,
          input: e.fileSuffix,
        });
      } else seen.set(key, i);
    });
  });
export type MediaOptions = z.output<typeof mediaOptions>;
