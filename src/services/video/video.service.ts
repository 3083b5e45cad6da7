import { VIDEO_ENGINE } from '../../domain/asset-types.js';
import { createHash } from 'node:crypto';
import { UnreadableImageError } from '../../adapters/media/media-errors.js';
import type { MediaRepository } from '../../adapters/media/media.repository.js';
import type { AssetRepository, AssetRow } from '../../adapters/repositories/asset.repository.js';
import { AssetNotLiveError } from '../../adapters/repositories/asset-not-live.error.js';
import type { DerivationRepository, DerivationRow } from '../../adapters/repositories/derivation.repository.js';
import type { NewDetail } from '../../adapters/repositories/job-log.repository.js';
import type { VideoInfoRow, VideoRepository } from '../../adapters/repositories/video.repository.js';
import type { ProjectRepository } from '../../adapters/repositories/project.repository.js';
import type { TransactionRepositories } from '../../adapters/repositories/unit-of-work.js';
import type { Scratch } from '../../adapters/storage/scratch.js';
import type { StorageDriver } from '../../adapters/storage/storage.driver.js';
import { type EncodeSpec, type VideoProbe, type VideoTool, VideoToolError } from '../../adapters/video/video.driver.js';
import { newHandle, nowIso } from '../../domain/handles.js';
import type { MediaOptions, VideoEncoding } from '../../domain/schemas/media.schema.js';
import type { MetadataUpdate } from '../../domain/schemas/metadata.schema.js';
import type { AssetRef, FileResult, JobIdentity } from '../../jobs/contracts.js';
import { freeAssetName } from '../byproduct-names.js';
import { newAssetVersion } from '../assets/asset-version.js';
import type { ItemLedger, LedgerEntry } from '../assets/item-ledger.js';
import { recordWithJobOptions } from '../metadata/job-metadata.js';
import { OPTIMIZER_VERSION } from '../assets/pyramid.js';
import { keyPart } from '../assets/storage-keys.js';
import { itemLogTypes } from '../job-items.js';
import { type ByproductPublish, type PublishRule, byproductFlag, publishFlag } from '../../domain/publish-state.js';
import { type ItemProgress, NO_PROGRESS, between } from '../item-progress.js';

export interface VideoServiceDeps {
  storage: StorageDriver;
  scratch: Scratch;
  media: MediaRepository;
  assets: AssetRepository;
  derivations: DerivationRepository;
  videos: VideoRepository;
  ledger: ItemLedger;
  /** a reprocessed video and its encodings join the job's projects (docs/projects.md#jobs) */
  projects: ProjectRepository;
  /** ffprobe/ffmpeg */
  videoDriver: VideoTool;
}

/** A video this server cannot use (ffprobe/ffmpeg refused it, or it ran out of time): that file or asset fails alone. */
export class VideoRejected extends Error {}

/** The video an encoding or thumbnail is made from. */
export interface VideoMaster {
  companyHandle: string;
  assetHandle: string;
  name: string;
  folder: string;
  /** the job's publish rule and the master's flag after the job, which its encodings follow */
  publish: ByproductPublish;
}

/** What the derivation row of an encoding records: the settings it was made with. */
interface EncodingData {
  name: string;
  fileSuffix: string;
  /** written by earlier versions; playbackTarget is refused now */
  playbackTarget?: string;
  spec: EncodeSpec;
}

/** An encoding written to storage, with the rows that make it an asset (not yet committed). */
export interface EncodedVideo {
  asset: AssetRow;
  exists: boolean;
  derivation: DerivationRow;
  info: VideoInfoRow;
  /** the file of the version it replaces, deleted once the new one is committed */
  supersededKey?: string;
  path: string;
}

export interface PreparedVideo {
  probe: VideoProbe;
  thumbnail?: { key: string; atMs: number };
  encodings: EncodedVideo[];
}

/** VideoEncoding (kbps, frames, fps) → the encoder's spec. */
export function encodeSpecOf(e: VideoEncoding): EncodeSpec {
  return {
    ...(e.width ? { width: e.width } : {}),
    ...(e.height ? { height: e.height } : {}),
    videoBitrateKbps: e.videoBitrate,
    audioBitrateKbps: e.audioBitrate,
    ...(e.minBitrate !== undefined ? { minBitrateKbps: e.minBitrate } : {}),
    ...(e.maxBitrate !== undefined ? { maxBitrateKbps: e.maxBitrate } : {}),
    ...(e.constantBitrate ? { constantBitrate: true } : {}),
    ...(e.frameRate !== undefined ? { frameRate: e.frameRate } : {}),
    ...(e.keyframeInterval !== undefined ? { keyframeInterval: e.keyframeInterval } : {}),
    ...(e.h264Profile !== undefined ? { h264Profile: e.h264Profile } : {}),
    ...(e.h264Level !== undefined ? { h264Level: e.h264Level } : {}),
    ...(e.audioSampleRate !== undefined ? { audioSampleRate: e.audioSampleRate } : {}),
  };
}

/**
 * Video originals (docs/video.md; Adobe IPS: data-types/r-media-options, data-types/r-video-info): probing,
 * the thumbnail that becomes the video's image (a pyramid TIFF like any
 * image's, so it is served like one) and the H.264/AAC encodings, each an
 * asset of type Video named `<video name><fileSuffix>` tied to its master
 * (a byproduct, engine VideoEncode). Every key carries the upload item or a
 * digest of the job, so a retried activity rewrites the same files; a
 * reprocess job commits encodings one at a time and a resumed or retried
 * activity skips those it already made, so stop and pause take effect
 * between encodings (the running ffmpeg is killed).
 */
export class VideoService {
  constructor(private readonly deps: VideoServiceDeps) {}

  async probe(file: string, signal?: AbortSignal): Promise<VideoProbe> {
    return rejecting('ffprobe', () => this.deps.videoDriver.probe(file, signal));
  }

  /**
   * Upload: probe, thumbnail and encodings, all stored under keys of the
   * item; the rows are written by writePrepared in the upload's own
   * transaction. On failure the files written so far are removed.
   */
  async prepare(
    job: JobIdentity,
    master: VideoMaster,
    file: string,
    options: MediaOptions | undefined,
    keys: { thumbnail: string; tag: string },
    signal?: AbortSignal,
    progress: ItemProgress = NO_PROGRESS,
  ): Promise<PreparedVideo> {
    progress.step('probing', 0, 'Probing the video');
    const probe = await this.probe(file, signal);
    const written: string[] = [];
    try {
      if (options?.generateThumbnail) progress.step('thumbnail', ENCODINGS_FROM / 2, 'Making the thumbnail');
      const thumbnail = options?.generateThumbnail
        ? await this.thumbnail(file, options.thumbnailOptions?.thumbnailTime ?? 0, keys.thumbnail, signal)
        : undefined;
      if (thumbnail) written.push(thumbnail.key);
      const encodings: EncodedVideo[] = [];
      const previous = await this.previousEncodings(master);
      for (const [i, e] of (options?.videoEncodingArray ?? []).entries()) {
        encodingStep(progress, i, options, e.name);
        const encoded = await this.encode(job, master, file, e, previous, i, keys.tag, signal);
        written.push(encoded.asset.original_key);
        encodings.push(encoded);
      }
      return { probe, ...(thumbnail ? { thumbnail } : {}), encodings };
    } catch (err) {
      for (const key of written) await this.deps.storage.delete(key);
      throw err;
    }
  }

  /** The master's video facts for its asset row. */
  masterColumns(prepared: PreparedVideo): Pick<AssetRow, 'optimized_key' | 'width' | 'height' | 'optimizer_version'> {
    return {
      optimized_key: prepared.thumbnail?.key ?? null,
      width: prepared.probe.width,
      height: prepared.probe.height,
      optimizer_version: prepared.thumbnail ? OPTIMIZER_VERSION : 0,
    };
  }

  /** Inside the upload's transaction (after the master's row): its video facts and every encoding. */
  async writePrepared(repos: Pick<TransactionRepositories, 'videos'>, master: VideoMaster, prepared: PreparedVideo): Promise<void> {
    const repo = repos.videos;
    await repo.upsert(infoRow(master, prepared.probe, prepared.thumbnail?.atMs ?? null, prepared.encodings[0]?.asset.original_key ?? null));
    for (const e of prepared.encodings) await repo.commitEncoding(e.asset, e.exists, e.derivation, e.info);
  }

  /** Job-log rows for the thumbnail and the encodings. */
  details(master: VideoMaster, prepared: Pick<PreparedVideo, 'thumbnail' | 'encodings'>, logType: string): NewDetail[] {
    const path = `${master.folder}${master.name}`;
    return [
      ...(prepared.thumbnail
        ? [
            {
              logType,
              messageKey: 'fileProcessed',
              messageArgs: { path: `${path} (thumbnail at ${prepared.thumbnail.atMs} ms)` },
              assetName: path,
              assetType: 'Thumbnail',
              assetHandle: master.assetHandle,
            },
          ]
        : []),
      ...prepared.encodings.map((e) => ({
        logType,
        messageKey: 'fileProcessed',
        messageArgs: { path: e.path },
        assetName: e.path,
        assetType: 'Video',
        assetHandle: e.asset.asset_handle,
      })),
    ];
  }

  /** After the commit: files of replaced encoding versions. */
  async removeSuperseded(prepared: Pick<PreparedVideo, 'encodings'>): Promise<void> {
    for (const e of prepared.encodings) if (e.supersededKey && e.supersededKey !== e.asset.original_key) await this.deps.storage.delete(e.supersededKey);
  }

  /**
   * ReprocessAssetsJob over a Video asset: probe again (the facts are
   * refreshed), the thumbnail when asked for, then each encoding committed as
   * soon as it is made. The publish rule marks the video and its encodings;
   * `applied.warnings` (image options, which do not apply to videos) go in its log.
   * When it succeeds, the video and its encodings join the job's projects and
   * get its metadata updates, as every other reprocess item's assets do.
   */
  async reprocess(
    job: JobIdentity,
    asset: AssetRow,
    options: MediaOptions | undefined,
    applied: { rule: PublishRule; warnings: readonly NewDetail[]; projects?: readonly string[]; metadata?: readonly MetadataUpdate[] },
    signal?: AbortSignal,
    progress: ItemProgress = NO_PROGRESS,
  ): Promise<FileResult> {
    const ref: AssetRef = { assetHandle: asset.asset_handle, name: asset.name };
    const readyForPublish = publishFlag(applied.rule, asset.ready_for_publish);
    const master: VideoMaster = {
      companyHandle: asset.company_handle,
      assetHandle: asset.asset_handle,
      name: asset.name,
      folder: asset.folder,
      publish: { rule: applied.rule, sourceFlag: readyForPublish },
    };
    const path = `${asset.folder}${asset.file_name}`;
    if (!(await this.deps.storage.exists(asset.original_key))) return this.deps.ledger.error(job, ref, 'the original file is missing from storage');
    const file = await this.deps.storage.localPath(asset.original_key);
    const tag = `rp-${jobTag(job)}`;
    const thumbnailKey = `optimized/${keyPart(asset.company_handle)}/${keyPart(asset.asset_handle)}/th-${jobTag(job)}.ptif`;
    try {
      progress.step('probing', 0, 'Probing the video');
      const probe = await this.probe(file, signal);
      if (options?.generateThumbnail) progress.step('thumbnail', ENCODINGS_FROM / 2, 'Making the thumbnail');
      const thumbnail = options?.generateThumbnail ? await this.thumbnail(file, options.thumbnailOptions?.thumbnailTime ?? 0, thumbnailKey, signal) : undefined;
      const previous = await this.previousEncodings(master);
      const encodings: EncodedVideo[] = [];
      for (const [i, e] of (options?.videoEncodingArray ?? []).entries()) {
        if (signal?.aborted) throw new VideoToolError('stopped between encodings', 'aborted');
        encodingStep(progress, i, options, e.name);
        const mine = previous.get(e.fileSuffix.toLowerCase());
        if (mine && mine.derivation.job_handle === job.jobHandle && mine.row?.trash_state === 'NotInTrash') {
          // Made by this job before a retry or a pause: kept as it is.
          encodings.push(await this.committed(mine.row, mine.derivation));
          continue;
        }
        const encoded = await this.encode(job, master, file, e, previous, i, tag, signal);
        await this.commitLive(encoded);
        await this.removeSuperseded({ encodings: [encoded] });
        encodings.push(encoded);
      }
      progress.step('commit', ENCODINGS_TO, 'Committing');
      const before = await this.deps.videos.find(asset.asset_handle);
      const info = infoRow(
        master,
        probe,
        thumbnail?.atMs ?? before?.thumbnail_time_ms ?? null,
        encodings[0]?.asset.original_key ?? before?.encoded_key ?? null,
      );
      const now = nowIso();
      const logType = itemLogTypes(job).success;
      const entry: LedgerEntry = {
        itemId: asset.asset_handle,
        status: 'success',
        assetHandle: asset.asset_handle,
        details: [
          { logType, messageKey: 'fileProcessed', messageArgs: { path }, assetName: path, assetType: 'Video', assetHandle: asset.asset_handle },
          ...this.details(master, { thumbnail, encodings }, logType),
          ...applied.warnings,
        ],
        counters: ['file_success_count', 'total_file_count', ...(applied.warnings.length ? (['file_warning_count'] as const) : [])],
        write: async (repos) => {
          await repos.assets.updateLive(asset.asset_handle, {
            ...(thumbnail ? { optimized_key: thumbnail.key, optimizer_version: OPTIMIZER_VERSION } : {}),
            width: probe.width,
            height: probe.height,
            ready_for_publish: readyForPublish,
            last_modified: now,
            last_modify_user: job.submitUserEmail,
          });
          await repos.videos.upsert(info);
        },
      };
      const result = await recordWithJobOptions(this.deps, job, entry, { projectHandles: applied.projects, metadataUpdates: applied.metadata, path });
      // A result recorded first by a racing attempt of this job pointed the asset at the same thumbnail key;
      // one that recorded an error left the old thumbnail in use.
      if (result.status === 'success' && thumbnail && asset.optimized_key && asset.optimized_key !== thumbnail.key)
        await this.deps.storage.delete(asset.optimized_key);
      return result;
    } catch (err) {
      // A frame the image decoder refuses fails the video like ffmpeg refusing it.
      if (err instanceof VideoRejected || err instanceof UnreadableImageError) return this.deps.ledger.error(job, ref, err.message);
      if (err instanceof AssetNotLiveError) {
        // Trashed while it ran: the new thumbnail has no asset to belong to (encodings committed before the trash went with it).
        if (options?.generateThumbnail && thumbnailKey !== asset.optimized_key) await this.deps.storage.delete(thumbnailKey);
        return this.deps.ledger.error(job, ref, err.message);
      }
      throw err; // aborted (stop/pause) or a retryable failure: the batch decides
    }
  }

  /** A reprocessed encoding, committed only while its master is live; refused, its file is removed. */
  private async commitLive(encoded: EncodedVideo): Promise<void> {
    try {
      await this.deps.derivations.commitEncoding(encoded.asset, encoded.exists, encoded.derivation, encoded.info);
    } catch (err) {
      if (err instanceof AssetNotLiveError && encoded.asset.original_key !== encoded.supersededKey) await this.deps.storage.delete(encoded.asset.original_key);
      throw err;
    }
  }

  /** A frame as JPEG (ffmpeg), then the optimised pyramid TIFF of it under `key`. */
  private async thumbnail(file: string, atMs: number, key: string, signal?: AbortSignal): Promise<{ key: string; atMs: number }> {
    const jpeg = await this.deps.scratch.file('.jpg');
    const ptiff = await this.deps.scratch.file('.ptif');
    try {
      const taken = await rejecting('ffmpeg (thumbnail)', () => this.deps.videoDriver.thumbnail(file, atMs, jpeg, signal));
      const probe = await this.deps.media.probe(jpeg, 'jpeg');
      await this.deps.media.buildPyramidTiff(jpeg, 'jpeg', ptiff, probe);
      await this.deps.storage.putFile(key, ptiff);
      return { key, atMs: taken.atMs };
    } finally {
      await this.deps.scratch.remove(jpeg, ptiff);
    }
  }

  /** The master's current encodings by lower-cased fileSuffix (an encoding is identified by its suffix). */
  private async previousEncodings(master: VideoMaster): Promise<Map<string, { derivation: DerivationRow; row?: AssetRow; data: EncodingData }>> {
    const derivations = await this.deps.derivations.bySource(master.assetHandle, VIDEO_ENGINE);
    if (derivations.length === 0) return new Map();
    const rows = new Map(
      (
        await this.deps.assets.findByHandles(
          master.companyHandle,
          derivations.map((d) => d.asset_handle),
        )
      ).map((r) => [r.asset_handle, r]),
    );
    return new Map(
      derivations.map((d) => {
        const data = JSON.parse(d.data_json ?? '{}') as EncodingData;
        return [String(data.fileSuffix).toLowerCase(), { derivation: d, row: rows.get(d.asset_handle), data }];
      }),
    );
  }

  /** One encoding to storage, probed, with its rows. */
  private async encode(
    job: JobIdentity,
    master: VideoMaster,
    file: string,
    e: VideoEncoding,
    previous: Map<string, { derivation: DerivationRow; row?: AssetRow }>,
    index: number,
    tag: string,
    signal?: AbortSignal,
  ): Promise<EncodedVideo> {
    const before = previous.get(e.fileSuffix.toLowerCase());
    const prior = before?.row;
    const handle = prior?.asset_handle ?? before?.derivation.asset_handle ?? newHandle.asset();
    const name = prior?.name ?? (await freeAssetName(this.deps.assets, master.companyHandle, `${master.name}${e.fileSuffix}`));
    const key = `videos/${keyPart(master.companyHandle)}/${keyPart(master.assetHandle)}/${tag}/${name.replace(/[^A-Za-z0-9._-]/g, '_')}.mp4`;
    const spec = encodeSpecOf(e);
    return this.deps.scratch.withFile('.mp4', async (out) => {
      await rejecting(`ffmpeg (encoding '${e.name}')`, () => this.deps.videoDriver.encode(file, spec, out, signal));
      const probe = await rejecting(`ffprobe (encoding '${e.name}')`, () => this.deps.videoDriver.probe(out, signal));
      const { size } = await this.deps.storage.putFile(key, out, { readOnly: true });
      const asset = newAssetVersion(prior, job, {
        asset_handle: handle,
        company_handle: master.companyHandle,
        type: 'Video',
        name,
        file_name: `${name}.mp4`,
        folder: master.folder,
        ready_for_publish: byproductFlag(master.publish, prior?.ready_for_publish),
        format: 'mp4',
        original_key: key,
        file_size: size,
        sha256: await this.deps.scratch.sha256(out),
        width: probe.width,
        height: probe.height,
      });
      const data: EncodingData = { name: e.name, fileSuffix: e.fileSuffix, spec };
      return {
        asset,
        exists: prior !== undefined,
        derivation: {
          asset_handle: handle,
          company_handle: master.companyHandle,
          source_handle: master.assetHandle,
          engine: VIDEO_ENGINE,
          position: before?.derivation.position ?? nextPosition(previous, index),
          job_handle: job.jobHandle,
          data_json: JSON.stringify(data),
        },
        // An encoding's optimised file is itself: the MP4 a video publish delivers.
        info: infoRow({ ...master, assetHandle: handle }, probe, null, key),
        ...(prior ? { supersededKey: prior.original_key } : {}),
        path: `${master.folder}${name}`,
      };
    });
  }

  /** An encoding this job already committed, for the log of a retried item. */
  private async committed(row: AssetRow, derivation: DerivationRow): Promise<EncodedVideo> {
    const info = await this.deps.videos.find(row.asset_handle);
    return { asset: row, exists: true, derivation, info: info!, path: `${row.folder}${row.name}` };
  }
}

function infoRow(
  master: Pick<VideoMaster, 'assetHandle' | 'companyHandle'>,
  probe: VideoProbe,
  thumbnailAtMs: number | null,
  encodedKey: string | null,
): VideoInfoRow {
  return {
    asset_handle: master.assetHandle,
    company_handle: master.companyHandle,
    duration_ms: probe.durationMs,
    width: probe.width,
    height: probe.height,
    video_codec: probe.videoCodec,
    audio_codec: probe.audioCodec ?? null,
    frame_rate: probe.frameRate,
    bitrate: probe.bitrate,
    thumbnail_time_ms: thumbnailAtMs,
    encoded_key: encodedKey,
  };
}

/** New encodings go after every existing one, in the order the job lists them. */
function nextPosition(previous: Map<string, { derivation: DerivationRow }>, index: number): number {
  const max = Math.max(0, ...[...previous.values()].map((p) => p.derivation.position));
  return max + index + 1;
}

/** ffmpeg refusing the input or running out of time fails the file; an abort or a missing program is not the file's fault. */
async function rejecting<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof VideoToolError && (err.kind === 'unreadable' || err.kind === 'timeout')) {
      throw new VideoRejected(err.message.startsWith('ffprobe') || err.message.startsWith('ffmpeg') ? err.message : `${what}: ${err.message}`);
    }
    throw err;
  }
}

/** The share of a video's item its encodings take: probing and the thumbnail come before, the commit after. */
const ENCODINGS_FROM = 0.1;
const ENCODINGS_TO = 0.95;

/** "Encoding i of k", the fraction by encodings begun (ffmpeg's own progress within one is not read). */
function encodingStep(progress: ItemProgress, index: number, options: MediaOptions | undefined, name: string): void {
  const count = Math.max(index + 1, options?.videoEncodingArray?.length ?? 0);
  progress.step('encoding', between(ENCODINGS_FROM, ENCODINGS_TO, index / count), `Encoding ${index + 1} of ${count} (${name})`);
}

/** Keys written by a job carry a short digest of its handle, so each job's files are distinct and a retry rewrites the same ones. */
function jobTag(job: JobIdentity): string {
  return createHash('sha256').update(job.jobHandle).digest('hex').slice(0, 16);
}
