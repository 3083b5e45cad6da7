import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sniffFormat } from '../../src/adapters/media/format-sniffer.js';
import { encodeArgs, parseProbe, parseRate, probeArgs, scaleFilter, thumbnailArgs } from '../../src/adapters/video/ffmpeg-args.js';
import { FfmpegAdapter } from '../../src/adapters/video/ffmpeg-video.driver.js';
import { VideoToolError } from '../../src/adapters/video/video.driver.js';
import { FORMAT_ASSET_TYPE } from '../../src/domain/asset-types.js';
import { IpsFault } from '../../src/domain/faults.js';
import { mediaOptions } from '../../src/domain/schemas/media.schema.js';
import { reprocessAssetsJob } from '../../src/domain/schemas/job.schema.js';
import { uploadPostJob } from '../../src/domain/schemas/upload.schema.js';
import { parseInput } from '../../src/domain/validate.js';
import { encodeSpecOf } from '../../src/services/video/video.service.js';
import { makeClip } from '../support/video-clip.js';

const run = promisify(execFile);

let dir: string;
const file = (name: string) => path.join(dir, name);
const tool = (over: Partial<ConstructorParameters<typeof FfmpegAdapter>[0]> = {}) =>
  new FfmpegAdapter({ ffmpeg: 'ffmpeg', ffprobe: 'ffprobe', encodeTimeoutMs: 60_000, probeTimeoutMs: 30_000, ...over });

/** Short synthetic clips made by ffmpeg's own test sources (1 s, 25 fps, 320×240, a 440 Hz tone), in the container and codecs asked for. */
const clip = (name: string, codecArgs: string[]) => makeClip(file(name), { seconds: 1, codecArgs });

async function toolError(promise: Promise<unknown>): Promise<VideoToolError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(VideoToolError);
  return err as VideoToolError;
}

function fault(fn: () => unknown): IpsFault {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(IpsFault);
    return err as IpsFault;
  }
  throw new Error('expected a fault');
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-video-unit-'));
  await clip('clip.mp4', ['-c:v', 'libx264', '-c:a', 'aac']);
  await clip('clip.mov', ['-c:v', 'libx264', '-c:a', 'aac', '-f', 'mov']);
  await clip('clip.webm', ['-c:v', 'libvpx', '-b:v', '100k', '-c:a', 'libvorbis']);
  await clip('clip.mkv', ['-c:v', 'mjpeg', '-c:a', 'pcm_s16le']);
  await clip('clip.avi', ['-c:v', 'mjpeg', '-c:a', 'pcm_s16le']);
  await run('ffmpeg', ['-nostdin', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'aac', file('tone.m4a')]);
  // The start of a real MP4 (its `ftyp` box) with the rest cut off: sniffed as MP4, refused by ffprobe.
  const whole = await fs.readFile(file('clip.mp4'));
  await fs.writeFile(file('truncated.mp4'), whole.subarray(0, 2048));
}, 60_000);

afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('ffmpeg arguments', () => {
  it('scales to the size asked for, keeping the aspect ratio when a side is 0 or absent, always even', () => {
    expect(scaleFilter({ width: 160 })).toBe('scale=160:-2');
    expect(scaleFilter({ width: 160, height: 0 })).toBe('scale=160:-2');
    expect(scaleFilter({ height: 121 })).toBe('scale=-2:120');
    expect(scaleFilter({ width: 641, height: 361 })).toBe('scale=640:360');
    expect(scaleFilter({})).toBe('scale=trunc(iw/2)*2:trunc(ih/2)*2');
  });

  it('encodes H.264/AAC MP4 with +faststart, bit rates in kbps, inputs and outputs through file:', () => {
    const args = encodeArgs('/data/in.mov', { width: 160, videoBitrateKbps: 800, audioBitrateKbps: 96 }, '/tmp/out.mp4');
    expect(args.slice(0, 4)).toEqual(['-nostdin', '-hide_banner', '-loglevel', 'error']);
    expect(args).toEqual(expect.arrayContaining(['-i', 'file:/data/in.mov']));
    expect(args.join(' ')).toContain('-c:v libx264 -pix_fmt yuv420p -b:v 800k');
    expect(args.join(' ')).toContain('-c:a aac -b:a 96k');
    expect(args.join(' ')).toContain('-movflags +faststart -f mp4 file:/tmp/out.mp4');
    expect(args).not.toContain('-minrate');
    expect(args).not.toContain('-r');
  });

  it('maps frame rate, key frame interval, profile, level, sample rate and constant bit rate', () => {
    const args = encodeArgs(
      '/in.mp4',
      {
        videoBitrateKbps: 1500,
        audioBitrateKbps: 128,
        frameRate: 29.97,
        keyframeInterval: 50,
        h264Profile: 'main',
        h264Level: '3.1',
        audioSampleRate: 48000,
        constantBitrate: true,
      },
      '/out.mp4',
    ).join(' ');
    expect(args).toContain('-r 29.97');
    expect(args).toContain('-g 50');
    expect(args).toContain('-profile:v main');
    expect(args).toContain('-level:v 3.1');
    expect(args).toContain('-ar 48000');
    expect(args).toContain('-minrate 1500k -maxrate 1500k -bufsize 1500k -x264-params nal-hrd=cbr');
  });

  it('bounds a variable bit rate with minBitrate/maxBitrate (kbps, two-second buffer)', () => {
    const args = encodeArgs('/in.mp4', { videoBitrateKbps: 1000, audioBitrateKbps: 64, minBitrateKbps: 500, maxBitrateKbps: 2000 }, '/out.mp4').join(' ');
    expect(args).toContain('-minrate 500k');
    expect(args).toContain('-maxrate 2000k -bufsize 4000k');
  });

  it('takes a thumbnail by seeking in the input, one JPEG frame', () => {
    expect(thumbnailArgs('/v.mp4', 1500, '/t.jpg').join(' ')).toContain('-ss 1.500 -i file:/v.mp4 -map 0:v:0 -frames:v 1');
    expect(probeArgs('/v.mp4')).toEqual(['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', 'file:/v.mp4']);
  });

  it('turns VideoEncoding (kbps, 0 = keep aspect) into the encoder spec', () => {
    const e = parseInput(mediaOptions, {
      videoEncodingArray: [
        { name: 'small', fileSuffix: '_160', width: 160, height: 0, videoBitrate: 400, audioBitrate: 64, h264Profile: 'Baseline', h264Level: 31 },
      ],
    }).videoEncodingArray![0]!;
    expect(encodeSpecOf(e)).toEqual({ width: 160, videoBitrateKbps: 400, audioBitrateKbps: 64, h264Profile: 'baseline', h264Level: '3.1' });
  });
});

describe('ffprobe output', () => {
  it('reads the first video stream, skipping cover art, and the container duration and bit rate', () => {
    const json = JSON.stringify({
      streams: [
        { codec_type: 'video', codec_name: 'mjpeg', width: 600, height: 600, disposition: { attached_pic: 1 } },
        { codec_type: 'audio', codec_name: 'aac' },
        { codec_type: 'video', codec_name: 'h264', width: 1920, height: 1080, avg_frame_rate: '30000/1001' },
      ],
      format: { duration: '12.345678', bit_rate: '4000123' },
    });
    expect(parseProbe(json)).toEqual({
      durationMs: 12346,
      width: 1920,
      height: 1080,
      videoCodec: 'h264',
      audioCodec: 'aac',
      frameRate: 29.97,
      bitrate: 4000123,
    });
  });

  it('explains what makes a file no usable video', () => {
    expect(parseProbe('not json')).toBe('ffprobe gave no readable description of the file');
    expect(parseProbe(JSON.stringify({ streams: [{ codec_type: 'audio', codec_name: 'aac' }], format: { duration: '1' } }))).toBe(
      'the file has no video stream',
    );
    expect(parseProbe(JSON.stringify({ streams: [{ codec_type: 'video', codec_name: 'h264', width: 2, height: 2 }], format: {} }))).toBe(
      'the video has no duration',
    );
  });

  it('reads frame rates as fractions', () => {
    expect(parseRate('25/1')).toBe(25);
    expect(parseRate('0/0')).toBe(0);
    expect(parseRate(undefined)).toBe(0);
    expect(parseRate('24')).toBe(24);
  });
});

describe('MediaOptions schema', () => {
  const encoding = { name: 'small', fileSuffix: '_160', width: 160, videoBitrate: 400, audioBitrate: 64 };
  const reprocess = (media: unknown) =>
    parseInput(reprocessAssetsJob, { assetHandleArray: ['a|1'], createMask: false, emailSetting: 'None', mediaOptions: media }, 'reprocessAssetsJob.');

  it('accepts thumbnails and H.264/AAC encodings, on reprocess and upload jobs', () => {
    const job = reprocess({
      generateThumbnail: true,
      thumbnailOptions: { thumbnailTime: 1000 },
      videoEncodingArray: { items: [{ ...encoding, videoCodec: 'H.264', audioCodec: 'AAC', twoPass: false }] },
    });
    expect(job.mediaOptions?.videoEncodingArray?.[0]?.fileSuffix).toBe('_160');
    expect(
      parseInput(uploadPostJob, { overwrite: true, readyForPublish: false, createMask: false, emailSetting: 'None', mediaOptions: { generateThumbnail: true } })
        .mediaOptions,
    ).toEqual({ generateThumbnail: true });
  });

  it.each([
    [{ videoEncodingPresetsArray: ['ps|1'] }, 'reprocessAssetsJob.mediaOptions.videoEncodingPresetsArray', 'not supported by this server'],
    [{ avsEncodingArray: [] }, 'reprocessAssetsJob.mediaOptions.avsEncodingArray', 'adaptive video sets'],
    [{ videoSmartCropArray: [] }, 'reprocessAssetsJob.mediaOptions.videoSmartCropArray', 'not supported'],
    [{ cmafConformance: true }, 'reprocessAssetsJob.mediaOptions.cmafConformance', 'CMAF'],
    [{ videoEncodingArray: [{ ...encoding, twoPass: true }] }, 'reprocessAssetsJob.mediaOptions.videoEncodingArray[0].twoPass', 'two-pass'],
    [
      { videoEncodingArray: [{ ...encoding, videoCodec: 'vp9' }] },
      'reprocessAssetsJob.mediaOptions.videoEncodingArray[0].videoCodec',
      'H.264 video with AAC audio',
    ],
    [{ videoEncodingArray: [{ ...encoding, audioCodec: 'mp3' }] }, 'reprocessAssetsJob.mediaOptions.videoEncodingArray[0].audioCodec', 'AAC'],
    [{ videoEncodingArray: [{ ...encoding, videoBitrate: 800_000 }] }, 'reprocessAssetsJob.mediaOptions.videoEncodingArray[0].videoBitrate', 'at most 100000'],
    [{ videoEncodingArray: [{ ...encoding, h264Level: '7' }] }, 'reprocessAssetsJob.mediaOptions.videoEncodingArray[0].h264Level', 'an H.264 level'],
    [{ videoEncodingArray: [{ ...encoding, h264Profile: 'high10' }] }, 'reprocessAssetsJob.mediaOptions.videoEncodingArray[0].h264Profile', 'baseline'],
    [
      { videoEncodingArray: [encoding, { ...encoding, name: 'other', fileSuffix: '_160' }] },
      'reprocessAssetsJob.mediaOptions.videoEncodingArray[1].fileSuffix',
      'a fileSuffix of its own',
    ],
    [{ thumbnailOptions: { thumbnailTime: 5 } }, 'reprocessAssetsJob.mediaOptions.thumbnailOptions', 'generateThumbnail'],
    [
      { videoEncodingArray: [{ ...encoding, advancedSettings: {} }] },
      'reprocessAssetsJob.mediaOptions.videoEncodingArray[0].advancedSettings',
      'not supported',
    ],
  ])('refuses %j naming the field', (media, field, words) => {
    const f = fault(() => reprocess(media));
    expect(f.field).toBe(field);
    expect(f.message).toContain(words);
  });

  it('requires videoBitrate and audioBitrate (IPS marks them required)', () => {
    const f = fault(() => reprocess({ videoEncodingArray: [{ name: 'x', fileSuffix: '_x', audioBitrate: 64 }] }));
    expect(f.field).toBe('reprocessAssetsJob.mediaOptions.videoEncodingArray[0].videoBitrate');
    expect(f.code).toBe(30002);
  });
});

describe('video sniffing', () => {
  it.each([
    ['clip.mp4', 'mp4'],
    ['clip.mov', 'mov'],
    ['clip.webm', 'webm'],
    ['clip.mkv', 'mkv'],
    ['clip.avi', 'avi'],
  ])('%s is %s from its bytes, a Video asset', async (name, format) => {
    const copy = file(`${name}.bin`);
    await fs.copyFile(file(name), copy);
    const sniffed = await sniffFormat(copy);
    expect(sniffed).toBe(format);
    expect(FORMAT_ASSET_TYPE[sniffed!]).toBe('Video');
  });

  it('does not take audio-only MPEG-4 (m4a) for a video', async () => {
    expect(await sniffFormat(file('tone.m4a'))).toBeUndefined();
  });
});

describe('FfmpegAdapter', () => {
  it('probes a clip', async () => {
    const probe = await tool().probe(file('clip.mp4'));
    expect(probe).toMatchObject({ width: 320, height: 240, videoCodec: 'h264', audioCodec: 'aac', frameRate: 25 });
    expect(probe.durationMs).toBeGreaterThanOrEqual(1000);
    expect(probe.durationMs).toBeLessThan(1200);
    expect(probe.bitrate).toBeGreaterThan(0);
  });

  it("refuses a truncated file with ffprobe's reason", async () => {
    const err = await toolError(tool().probe(file('truncated.mp4')));
    expect(err.kind).toBe('unreadable');
    expect(err.message).toMatch(/^ffprobe: .*moov atom not found/);
  });

  it('takes the thumbnail at the time asked for, and the first frame for a time past the end or negative', async () => {
    const out = file('thumb.jpg');
    expect(await tool().thumbnail(file('clip.mp4'), 500, out)).toEqual({ atMs: 500 });
    expect(await sharp(out).metadata()).toMatchObject({ format: 'jpeg', width: 320, height: 240 });
    expect(await tool().thumbnail(file('clip.mp4'), 60_000, out)).toEqual({ atMs: 0 });
    expect(await tool().thumbnail(file('clip.mp4'), -5, out)).toEqual({ atMs: 0 });
    expect(await sharp(out).metadata()).toMatchObject({ format: 'jpeg', width: 320, height: 240 });
  });

  it('encodes H.264/AAC at the width asked for, keeping the aspect ratio, and leaves no temporary file', async () => {
    const outDir = file('enc');
    await fs.mkdir(outDir);
    await tool().encode(file('clip.webm'), { width: 160, videoBitrateKbps: 200, audioBitrateKbps: 64 }, path.join(outDir, 'small.mp4'));
    expect(await tool().probe(path.join(outDir, 'small.mp4'))).toMatchObject({ width: 160, height: 120, videoCodec: 'h264', audioCodec: 'aac' });
    expect(await fs.readdir(outDir)).toEqual(['small.mp4']);
  });

  it('accepts every encoding option together (CBR, level, profile, key frames, frame rate, sample rate)', async () => {
    const out = file('all-options.mp4');
    await tool().encode(
      file('clip.mov'),
      {
        height: 120,
        videoBitrateKbps: 300,
        audioBitrateKbps: 64,
        constantBitrate: true,
        frameRate: 15,
        keyframeInterval: 15,
        h264Profile: 'main',
        h264Level: '3.1',
        audioSampleRate: 22050,
      },
      out,
    );
    expect(await tool().probe(out)).toMatchObject({ width: 160, height: 120, videoCodec: 'h264', audioCodec: 'aac', frameRate: 15 });
  });

  it('kills ffmpeg at the time limit and writes nothing', async () => {
    const outDir = file('timeout');
    await fs.mkdir(outDir);
    const err = await toolError(
      tool({ encodeTimeoutMs: 1 }).encode(file('clip.mp4'), { videoBitrateKbps: 200, audioBitrateKbps: 64 }, path.join(outDir, 'x.mp4')),
    );
    expect(err.kind).toBe('timeout');
    expect(err.message).toContain('ffmpeg took longer than');
    expect(await fs.readdir(outDir)).toEqual([]);
  });

  it('kills ffmpeg when the signal fires and writes nothing', async () => {
    const outDir = file('abort');
    await fs.mkdir(outDir);
    const controller = new AbortController();
    const encoding = tool().encode(file('clip.mp4'), { videoBitrateKbps: 200, audioBitrateKbps: 64 }, path.join(outDir, 'x.mp4'), controller.signal);
    controller.abort();
    const err = await toolError(encoding);
    expect(err.kind).toBe('aborted');
    expect(await fs.readdir(outDir)).toEqual([]);
  });

  it('reports a missing program as a failure worth retrying', async () => {
    const err = await toolError(tool({ ffprobe: '/nonexistent/ffprobe' }).probe(file('clip.mp4')));
    expect(err.kind).toBe('failed');
    expect(err.message).toContain('FFPROBE_PATH');
  });
});
