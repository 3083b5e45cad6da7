import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, basic, companyWithUser, startHarness } from '../support/harness.js';
import { uploadPost } from '../support/fixtures.js';
import { SMALL_ENCODING, makeClip, uploadJob } from '../support/seed-video.js';
import { MediaRepository } from '../../src/adapters/media/media.repository.js';
import { Scratch } from '../../src/adapters/storage/scratch.js';
import { FfmpegAdapter } from '../../src/adapters/video/ffmpeg-video.driver.js';
import { type EncodeSpec, type VideoTool, VideoToolError } from '../../src/adapters/video/video.driver.js';
import { ItemLedger } from '../../src/services/assets/item-ledger.js';
import { VideoService } from '../../src/services/video/video.service.js';
import { publishRule } from '../../src/domain/publish-state.js';

const run = promisify(execFile);

describe(`Video originals through ffmpeg (${process.env.IPS_TEST_DB})`, () => {
  let h: Harness;
  let dir: string;
  let acme: Awaited<ReturnType<typeof companyWithUser>>;
  const probe = new FfmpegAdapter({ ffmpeg: 'ffmpeg', ffprobe: 'ffprobe', encodeTimeoutMs: 60_000, probeTimeoutMs: 30_000 });
  const stored = (key: string) => path.join(h.ctx.config.storage.root, key);
  const byName = async () => {
    const r = await h.api('searchAssets', { companyHandle: acme.companyHandle, includeSubfolders: true, assetTypeArray: ['Video'] }, acme.who);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return Object.fromEntries(r.body.assetArray.items.map((a: any) => [a.name, a])) as Record<string, any>;
  };

  beforeAll(async () => {
    h = await startHarness();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ips-video-'));
    acme = await companyWithUser(h, 'Acme', 'IpsUser');
    await makeClip(path.join(dir, 'clip.mp4'));
    // An MP4 cut after its first 2 KB: the `ftyp` box says MP4, the index (moov) is missing.
    await fs.writeFile(path.join(dir, 'broken.mp4'), (await fs.readFile(path.join(dir, 'clip.mp4'))).subarray(0, 2048));
  });
  afterAll(async () => {
    await h?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('uploads a video with a thumbnail and an encoding; a corrupt MP4 fails alone', async () => {
    const jobHandle = await uploadJob(
      h,
      acme,
      [{ path: path.join(dir, 'clip.mp4') }, { path: path.join(dir, 'broken.mp4') }],
      { readyForPublish: true, mediaOptions: { generateThumbnail: true, thumbnailOptions: { thumbnailTime: 1000 }, videoEncodingArray: [SMALL_ENCODING] } },
      'video-upload',
    );
    expect(await h.ctx.repositories.jobLogs.find(jobHandle)).toMatchObject({ total_file_count: 2, file_success_count: 1, file_error_count: 1 });

    const assets = await byName();
    expect(Object.keys(assets).sort()).toEqual(['clip', 'clip_160']);
    const clip = assets.clip;
    expect(clip.type).toBe('Video');
    expect(clip.readyForPublish).toBe(true);
    expect(clip.videoInfo).toMatchObject({
      originalFile: 'clip.mp4',
      fileSize: (await fs.stat(path.join(dir, 'clip.mp4'))).size,
      width: 320,
      height: 240,
      videoCodec: 'h264',
      audioCodec: 'aac',
      frameRate: 25,
    });
    expect(clip.videoInfo.durationMs).toBeGreaterThanOrEqual(2000);
    expect(clip.videoInfo.durationMs).toBeLessThan(2200);
    expect((await fs.stat(stored(clip.videoInfo.originalPath + clip.videoInfo.originalFile))).mode & 0o222).toBe(0); // read-only original

    // The thumbnail is the video's image: a pyramid TIFF of the 320×240 frame at 1 s.
    const thumb = await sharp(stored(clip.videoInfo.imagePath + clip.videoInfo.imageFile)).metadata();
    expect(thumb).toMatchObject({ format: 'tiff', width: 320, height: 240 });
    expect(thumb.pages).toBeGreaterThan(1);
    expect((await h.ctx.repositories.videos.find(clip.assetHandle))?.thumbnail_time_ms).toBe(1000);

    // The encoding: a Video byproduct, 160 px wide H.264/AAC MP4, also the master's optimised file.
    const small = assets.clip_160;
    expect(small.readyForPublish).toBe(true);
    expect(small.videoInfo).toMatchObject({ width: 160, height: 120, videoCodec: 'h264', audioCodec: 'aac', originalFile: 'clip_160.mp4' });
    expect(clip.videoInfo.optimizedPath + clip.videoInfo.optimizedFile).toBe(small.videoInfo.originalPath + small.videoInfo.originalFile);
    expect(await probe.probe(stored(small.videoInfo.originalPath + small.videoInfo.originalFile))).toMatchObject({
      width: 160,
      height: 120,
      videoCodec: 'h264',
      audioCodec: 'aac',
    });
    const derivations = await h.ctx.repositories.derivations.bySource(clip.assetHandle, 'VideoEncode');
    expect(derivations.map((d) => d.asset_handle)).toEqual([small.assetHandle]);
    expect(JSON.parse(derivations[0]!.data_json!)).toMatchObject({
      name: 'small',
      fileSuffix: '_160',
      spec: { width: 160, videoBitrateKbps: 200, audioBitrateKbps: 64 },
    });

    const details = await h.ctx.repositories.jobLogs.details(jobHandle);
    const error = details.find((d) => d.log_type === 'UploadError');
    expect(error?.asset_name).toBe('Acme/broken.mp4');
    expect(JSON.parse(error!.message_args).reason).toContain('moov atom not found');
    expect(
      details
        .filter((d) => d.log_type === 'UploadSuccess')
        .map((d) => d.asset_type)
        .sort(),
    ).toEqual(['MasterImage', 'Thumbnail', 'Video']);
  });

  it('reprocesses the video with another encoding; a thumbnail time past the end takes the first frame', async () => {
    const clip = (await byName()).clip;
    const before = (await h.ctx.repositories.assets.findByHandle(acme.companyHandle, clip.assetHandle))!;
    const r = await h.api(
      'submitJob',
      {
        companyHandle: acme.companyHandle,
        jobName: 'video-rp',
        reprocessAssetsJob: {
          assetHandleArray: [clip.assetHandle],
          createMask: false,
          emailSetting: 'None',
          mediaOptions: {
            generateThumbnail: true,
            thumbnailOptions: { thumbnailTime: 60_000 },
            videoEncodingArray: {
              items: [
                {
                  name: 'tiny',
                  fileSuffix: '_96',
                  height: 96,
                  videoBitrate: 150,
                  audioBitrate: 48,
                  h264Profile: 'Baseline',
                  videoCodec: 'H.264',
                  audioCodec: 'AAC',
                },
              ],
            },
          },
        },
      },
      acme.who,
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    await h.client.workflow.getHandle(r.body.jobHandle).result();
    expect(await h.ctx.repositories.jobLogs.find(r.body.jobHandle)).toMatchObject({ file_success_count: 1, file_error_count: 0 });

    const assets = await byName();
    expect(Object.keys(assets).sort()).toEqual(['clip', 'clip_160', 'clip_96']);
    const tiny = assets.clip_96;
    expect(tiny.videoInfo).toMatchObject({ width: 128, height: 96, videoCodec: 'h264', audioCodec: 'aac' });
    expect(await probe.probe(stored(tiny.videoInfo.originalPath + tiny.videoInfo.originalFile))).toMatchObject({ width: 128, height: 96, videoCodec: 'h264' });
    expect(assets.clip.videoInfo.optimizedFile).toBe(tiny.videoInfo.originalFile);
    expect((await h.ctx.repositories.videos.find(clip.assetHandle))?.thumbnail_time_ms).toBe(0);
    // The new thumbnail replaced the upload's; the original is untouched.
    const after = (await h.ctx.repositories.assets.findByHandle(acme.companyHandle, clip.assetHandle))!;
    expect(after.optimized_key).not.toBe(before.optimized_key);
    expect(await h.ctx.storage.exists(before.optimized_key!)).toBe(false);
    expect(after.original_key).toBe(before.original_key);
    const derivations = await h.ctx.repositories.derivations.bySource(clip.assetHandle, 'VideoEncode');
    expect(derivations.map((d) => d.asset_handle)).toEqual([assets.clip_160.assetHandle, tiny.assetHandle]);
  });

  it('a retried reprocess activity keeps the encodings it already committed and rewrites nothing twice', async () => {
    // A toolkit whose second encoding fails once as a lost worker would (retryable).
    let encodes = 0;
    const flaky: VideoTool = {
      probe: (file, signal) => probe.probe(file, signal),
      thumbnail: (file, atMs, out, signal) => probe.thumbnail(file, atMs, out, signal),
      encode: async (file: string, spec: EncodeSpec, out: string, signal?: AbortSignal) => {
        encodes++;
        if (encodes === 2) throw new VideoToolError('the worker went away', 'failed');
        return probe.encode(file, spec, out, signal);
      },
    };
    const r = h.ctx.repositories;
    const videos = new VideoService({
      storage: h.ctx.storage,
      scratch: new Scratch(h.ctx.storage),
      media: new MediaRepository(h.ctx.config.limits.maxImagePixels),
      assets: r.assets,
      derivations: r.derivations,
      videos: r.videos,
      ledger: new ItemLedger(r.jobLogs),
      projects: r.projects,
      videoDriver: flaky,
    });
    const master = (await r.assets.findByHandle(acme.companyHandle, (await byName()).clip.assetHandle))!;
    const job = {
      jobHandle: `j|retry-${Date.now()}`,
      companyHandle: acme.companyHandle,
      jobName: 'retry',
      originalName: 'retry',
      submitUserHandle: acme.userHandle,
      submitUserEmail: acme.who.email,
      jobType: 'ReprocessAssets',
    };
    const media = { videoEncodingArray: [1, 2].map((n) => ({ name: `r${n}`, fileSuffix: `_r${n}`, width: 64, videoBitrate: 100, audioBitrate: 32 })) };

    const applied = { rule: publishRule({}, false), warnings: [] };
    await expect(videos.reprocess(job, master, media, applied)).rejects.toThrow('the worker went away');
    const first = (await byName()).clip_r1;
    expect(first).toBeDefined();
    expect((await byName()).clip_r2).toBeUndefined();

    expect(await videos.reprocess(job, master, media, applied)).toMatchObject({ status: 'success', assetHandle: master.asset_handle });
    expect(encodes).toBe(3); // r1 once, r2 failed once then made
    const after = await byName();
    expect(after.clip_r1.assetHandle).toBe(first.assetHandle);
    expect(after.clip_r1.videoInfo.originalFile).toBe(first.videoInfo.originalFile);
    expect(after.clip_r2.videoInfo).toMatchObject({ width: 64, height: 48 });
    expect(after.clip.videoInfo.optimizedFile).toBe(first.videoInfo.originalFile);
    // Recorded once: a third delivery of the same item does nothing.
    expect(await videos.reprocess(job, master, media, applied)).toMatchObject({ status: 'success' });
    expect(encodes).toBe(3);
    const items = await h.ctx.database.db.selectFrom('job_items').selectAll().where('job_handle', '=', job.jobHandle).execute();
    expect(items).toHaveLength(1);
  });

  it('an overwriting upload re-encodes into the same encoding asset and removes the old file', async () => {
    const before = await byName();
    const oldKey = before.clip_160.videoInfo.originalPath + before.clip_160.videoInfo.originalFile;
    const jobHandle = await uploadJob(
      h,
      acme,
      [{ path: path.join(dir, 'clip.mp4') }],
      { readyForPublish: false, mediaOptions: { videoEncodingArray: [{ ...SMALL_ENCODING, videoBitrate: 250 }] } },
      'video-again',
    );
    expect(await h.ctx.repositories.jobLogs.find(jobHandle)).toMatchObject({ file_update_count: 1, file_error_count: 0 });
    const after = await byName();
    expect(after.clip.assetHandle).toBe(before.clip.assetHandle);
    expect(after.clip_160.assetHandle).toBe(before.clip_160.assetHandle);
    expect(after.clip_160.readyForPublish).toBe(false); // follows its master's new state
    expect(after.clip.videoInfo.optimizedFile).toBe(after.clip_160.videoInfo.originalFile);
    // No thumbnail asked for this time: the new version has no image, and the old one is gone.
    expect(after.clip.videoInfo.imageFile).toBeUndefined();
    expect(await h.ctx.storage.exists(oldKey)).toBe(false);
    expect(await h.ctx.storage.exists(after.clip_160.videoInfo.originalPath + after.clip_160.videoInfo.originalFile)).toBe(true);
  });

  it('stopJob kills the running ffmpeg and ends the job without the video', async () => {
    // 20 s of video upscaled to 1080p: tens of seconds of x264 work, so a finished encode cannot pass for a killed one.
    await makeClip(path.join(dir, 'long.mp4'), { seconds: 20, audio: false, codecArgs: ['-c:v', 'libx264', '-preset', 'ultrafast'] });
    await uploadJob(h, acme, [{ path: path.join(dir, 'long.mp4') }], { readyForPublish: true }, 'long');
    const long = (await h.ctx.repositories.assets.findLiveByName(acme.companyHandle, 'long'))!;
    expect(long.type).toBe('Video');
    const big = (n: number) => ({ name: `hd${n}`, fileSuffix: `_hd${n}`, width: 1920, height: 1080, videoBitrate: 8000, audioBitrate: 128 });
    const r = await h.api(
      'submitJob',
      {
        companyHandle: acme.companyHandle,
        jobName: 'long-rp',
        reprocessAssetsJob: {
          assetHandleArray: [long.asset_handle],
          createMask: false,
          emailSetting: 'None',
          mediaOptions: { videoEncodingArray: [big(1), big(2), big(3)] },
        },
      },
      acme.who,
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const ffmpegChildren = async () =>
      (await run('ps', ['-o', 'pid=,comm=', '--ppid', String(process.pid)]).catch(() => ({ stdout: '' }))).stdout
        .split('\n')
        .filter((l) => l.trim().endsWith('ffmpeg'))
        .map((l) => Number(l.trim().split(/\s+/)[0]));
    let busy: number[] = [];
    for (let i = 0; i < 300 && busy.length === 0; i++) {
      await sleep(200);
      busy = await ffmpegChildren();
    }
    expect(busy.length).toBeGreaterThan(0);
    expect((await h.api('stopJob', { companyHandle: acme.companyHandle, jobHandle: r.body.jobHandle }, acme.who)).status).toBe(200);
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    for (let i = 0; i < 600 && busy.some(alive); i++) await sleep(100);
    expect(busy.some(alive)).toBe(false);
    await expect(h.client.workflow.getHandle(r.body.jobHandle).result()).rejects.toThrow();
    expect(await h.ctx.repositories.jobLogs.findItem(r.body.jobHandle, long.asset_handle)).toBeUndefined();
    expect((await h.ctx.repositories.derivations.bySource(long.asset_handle, 'VideoEncode')).length).toBeLessThan(3);
  });

  it('uploadDirectoryJob takes mediaOptions too: the video among the files is encoded', async () => {
    const batch = path.join(h.ctx.config.importRoot, 'videos');
    await fs.mkdir(batch, { recursive: true });
    await fs.copyFile(path.join(dir, 'clip.mp4'), path.join(batch, 'dirclip.mp4'));
    const r = await h.api(
      'submitJob',
      {
        companyHandle: acme.companyHandle,
        jobName: 'video-dir',
        uploadDirectoryJob: {
          serverDir: 'videos',
          includeSubfolders: false,
          overwrite: true,
          readyForPublish: false,
          createMask: false,
          processMetadataFiles: false,
          emailSetting: 'None',
          mediaOptions: { generateThumbnail: true, videoEncodingArray: [{ name: 'dir', fileSuffix: '_d', width: 96, videoBitrate: 100, audioBitrate: 32 }] },
        },
      },
      acme.who,
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    await h.client.workflow.getHandle(r.body.jobHandle).result();
    const assets = await byName();
    expect(assets.dirclip?.videoInfo).toMatchObject({ width: 320, height: 240, imageFile: expect.stringMatching(/\.ptif$/) });
    expect(assets.dirclip_d?.videoInfo).toMatchObject({ width: 96, height: 72, videoCodec: 'h264', audioCodec: 'aac' });
  });

  it('refuses media options it cannot honour, naming the field', async () => {
    const clip = (await byName()).clip;
    const submit = (mediaOptions: unknown) =>
      h.api(
        'submitJob',
        {
          companyHandle: acme.companyHandle,
          jobName: 'bad',
          reprocessAssetsJob: { assetHandleArray: [clip.assetHandle], createMask: false, emailSetting: 'None', mediaOptions },
        },
        acme.who,
      );
    const presets = await submit({ videoEncodingPresetsArray: ['ps|1'] });
    expect(presets.status).toBe(400);
    expect(presets.body.field).toBe('reprocessAssetsJob.mediaOptions.videoEncodingPresetsArray');
    const codec = await submit({ videoEncodingArray: [{ name: 'w', fileSuffix: '_w', videoCodec: 'vp9', videoBitrate: 500, audioBitrate: 64 }] });
    expect(codec.status).toBe(400);
    expect(codec.body.field).toBe('reprocessAssetsJob.mediaOptions.videoEncodingArray[0].videoCodec');

    const up = await uploadPost(h.baseUrl, {
      params: {
        companyHandle: acme.companyHandle,
        jobName: 'bad-upload',
        endJob: true,
        uploadParams: { overwrite: true, readyForPublish: false, createMask: false, emailSetting: 'None', mediaOptions: { avsEncodingArray: [] } },
      },
      files: [{ path: path.join(dir, 'clip.mp4'), name: 'other.mp4' }],
      authorization: basic(acme.who),
    });
    expect(up.status).toBe(400);
    expect(up.body.field).toContain('mediaOptions.avsEncodingArray');
  });
});
