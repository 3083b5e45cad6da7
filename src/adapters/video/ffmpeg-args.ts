import type { EncodeSpec, VideoProbe } from './video.driver.js';

/**
 * Argument lists for ffprobe and ffmpeg, pure so they are unit-tested without
 * running anything. Paths always go through the `file:` protocol: ffmpeg would
 * otherwise read a name such as `concat:…` or `http:…` as a protocol, and
 * only our own stored files are ever inputs.
 */

/** Flags every run starts with: no terminal input, no banner, errors only (stderr then holds just the reason). */
const COMMON = ['-nostdin', '-hide_banner', '-loglevel', 'error'];

export function fileArg(path: string): string {
  return `file:${path}`;
}

export function probeArgs(file: string): string[] {
  return ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', fileArg(file)];
}

/**
 * One frame as JPEG. `-ss` before `-i` seeks in the input (fast) and ffmpeg
 * then decodes up to the exact time; `-update 1` writes a single image to a
 * plain file name (no %d pattern).
 */
export function thumbnailArgs(file: string, atMs: number, out: string): string[] {
  return [
    ...COMMON,
    '-y',
    '-ss',
    (atMs / 1000).toFixed(3),
    '-i',
    fileArg(file),
    '-map',
    '0:v:0',
    '-frames:v',
    '1',
    '-q:v',
    '2',
    '-f',
    'image2',
    '-update',
    '1',
    fileArg(out),
  ];
}

/** Even numbers only: yuv420p H.264 cannot have odd dimensions. */
function even(n: number): number {
  return Math.max(2, n - (n % 2));
}

/**
 * The scale filter: both sides given → exactly that (rounded down to even);
 * one side 0/absent → the other keeps the aspect ratio (`-2` = even and
 * proportional); neither → the source size, rounded down to even.
 */
export function scaleFilter(spec: Pick<EncodeSpec, 'width' | 'height'>): string {
  const w = spec.width ?? 0;
  const h = spec.height ?? 0;
  if (w > 0 && h > 0) return `scale=${even(w)}:${even(h)}`;
  if (w > 0) return `scale=${even(w)}:-2`;
  if (h > 0) return `scale=-2:${even(h)}`;
  return 'scale=trunc(iw/2)*2:trunc(ih/2)*2';
}

/**
 * H.264 (libx264) + AAC in MP4 with `+faststart` (the index first, so a
 * browser starts playing before the whole file arrived). yuv420p because
 * that is what players and the baseline/main profiles decode. The first video
 * stream and, when present, the first audio stream (`?`) are kept; subtitles
 * and data streams are dropped. Bit rates are kbps (`k` suffix = ×1000).
 */
export function encodeArgs(file: string, spec: EncodeSpec, out: string): string[] {
  const args = [...COMMON, '-y', '-i', fileArg(file), '-map', '0:v:0', '-map', '0:a:0?', '-vf', scaleFilter(spec)];
  if (spec.frameRate !== undefined) args.push('-r', String(spec.frameRate));
  args.push('-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-b:v', `${spec.videoBitrateKbps}k`);
  if (spec.constantBitrate) {
    // CBR: the rate control may neither undershoot nor overshoot; nal-hrd=cbr signals it (and pads) in the stream.
    args.push(
      '-minrate',
      `${spec.videoBitrateKbps}k`,
      '-maxrate',
      `${spec.videoBitrateKbps}k`,
      '-bufsize',
      `${spec.videoBitrateKbps}k`,
      '-x264-params',
      'nal-hrd=cbr',
    );
  } else {
    if (spec.minBitrateKbps !== undefined) args.push('-minrate', `${spec.minBitrateKbps}k`);
    // The VBV buffer of two seconds at the peak rate: x264 needs a buffer size to honour a maximum.
    if (spec.maxBitrateKbps !== undefined) args.push('-maxrate', `${spec.maxBitrateKbps}k`, '-bufsize', `${spec.maxBitrateKbps * 2}k`);
  }
  if (spec.keyframeInterval !== undefined) args.push('-g', String(spec.keyframeInterval));
  if (spec.h264Profile !== undefined) args.push('-profile:v', spec.h264Profile);
  if (spec.h264Level !== undefined) args.push('-level:v', spec.h264Level);
  args.push('-c:a', 'aac', '-b:a', `${spec.audioBitrateKbps}k`);
  if (spec.audioSampleRate !== undefined) args.push('-ar', String(spec.audioSampleRate));
  args.push('-movflags', '+faststart', '-f', 'mp4', fileArg(out));
  return args;
}

interface FfprobeStream {
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  duration?: string;
  disposition?: { attached_pic?: number };
}

interface FfprobeOutput {
  streams?: FfprobeStream[];
  format?: { duration?: string; bit_rate?: string };
}

/** "30000/1001" → 29.97; "0/0" or garbage → 0. */
export function parseRate(rate: string | undefined): number {
  if (!rate) return 0;
  const [n, d] = rate.split('/').map(Number);
  const value = d === undefined ? n! : d === 0 ? 0 : n! / d;
  return Number.isFinite(value) && value > 0 ? Math.round(value * 1000) / 1000 : 0;
}

/**
 * ffprobe's JSON → VideoProbe, or the reason it is not a video we can use.
 * Cover art (an attached picture) is not a video stream.
 */
export function parseProbe(json: string): VideoProbe | string {
  let data: FfprobeOutput;
  try {
    data = JSON.parse(json) as FfprobeOutput;
  } catch {
    return 'ffprobe gave no readable description of the file';
  }
  const streams = data.streams ?? [];
  const video = streams.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic);
  if (!video) return 'the file has no video stream';
  if (!video.width || !video.height) return 'the video stream has no picture size';
  const audio = streams.find((s) => s.codec_type === 'audio');
  const seconds = Number(data.format?.duration ?? video.duration);
  if (!Number.isFinite(seconds) || seconds <= 0) return 'the video has no duration';
  const bitrate = Number(data.format?.bit_rate);
  return {
    durationMs: Math.round(seconds * 1000),
    width: video.width,
    height: video.height,
    videoCodec: video.codec_name ?? 'unknown',
    ...(audio?.codec_name ? { audioCodec: audio.codec_name } : {}),
    frameRate: parseRate(video.avg_frame_rate) || parseRate(video.r_frame_rate),
    bitrate: Number.isFinite(bitrate) && bitrate > 0 ? Math.round(bitrate) : 0,
  };
}
