/**
 * What the video pipeline needs from a video toolkit, so services and tests
 * depend on this interface and only the adapter (ffmpeg-video.driver.ts) runs
 * programs.
 */

/** Facts about a stored video, from its first video stream and its container. */
export interface VideoProbe {
  /** container duration, milliseconds (rounded) */
  durationMs: number;
  /** pixels of the first video stream as stored */
  width: number;
  height: number;
  /** ffprobe codec names, e.g. h264, vp9, aac, opus */
  videoCodec: string;
  audioCodec?: string;
  /** frames per second (average; 0 when the container does not say) */
  frameRate: number;
  /** overall bit rate of the container, bits per second (0 when unknown) */
  bitrate: number;
}

export type H264Profile = 'baseline' | 'main' | 'high';

/**
 * One encoding as the encoder takes it. Bit rates are kilobits per second
 * (kbps, 1 kbps = 1000 bit/s), the unit of DMC's video encoding presets.
 */
export interface EncodeSpec {
  /** output width; 0/absent keeps the aspect ratio from height (or the source's size when both are absent) */
  width?: number;
  height?: number;
  videoBitrateKbps: number;
  audioBitrateKbps: number;
  /** VBR bounds, kbps */
  minBitrateKbps?: number;
  maxBitrateKbps?: number;
  /** constant bit rate: min = max = target, HRD signalled */
  constantBitrate?: boolean;
  frameRate?: number;
  /** frames between key frames (GOP length) */
  keyframeInterval?: number;
  h264Profile?: H264Profile;
  /** H.264 level as ffmpeg takes it: 3, 3.1, 4.2, … */
  h264Level?: string;
  audioSampleRate?: number;
}

/**
 * unreadable: not a video the toolkit can read (never worth a retry);
 * timeout: the time limit was reached and the process was killed;
 * aborted: the caller's signal fired and the process was killed;
 * failed: the program is missing or failed for another reason (worth a retry).
 */
export type VideoToolErrorKind = 'unreadable' | 'timeout' | 'aborted' | 'failed';

export class VideoToolError extends Error {
  constructor(
    message: string,
    readonly kind: VideoToolErrorKind,
  ) {
    super(message);
    this.name = 'VideoToolError';
  }
}

export interface VideoTool {
  probe(file: string, signal?: AbortSignal): Promise<VideoProbe>;
  /**
   * A JPEG of the frame at `atMs`; a negative, non-finite or out-of-range time
   * falls back to the first frame (IPS ThumbnailOptions). Resolves to the time
   * actually used.
   */
  thumbnail(file: string, atMs: number, out: string, signal?: AbortSignal): Promise<{ atMs: number }>;
  /** An H.264/AAC MP4 with the index at the front, written to `out` atomically. */
  encode(file: string, spec: EncodeSpec, out: string, signal?: AbortSignal): Promise<void>;
}
