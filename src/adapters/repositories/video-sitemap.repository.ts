import { VIDEO_ENGINE } from '../../domain/asset-types.js';
import type { Db } from '../database/database.js';
import { afterKey } from './keyset-page.js';
import { onLiveMarkedAsset } from './live-asset-join.js';

/** One video a sitemap lists: its Video publication, what ffprobe measured, and its poster as Image Serving publishes it. */
export interface SitemapVideoRow {
  asset_handle: string;
  /** the name `/is/content` serves it under */
  name: string;
  duration_ms: number | null;
  width: number | null;
  height: number | null;
  /** the Image Serving name of its poster (its own thumbnail, or its master's for an encoding); null when none is published */
  poster_name: string | null;
}

/**
 * The videos of a company's video sitemap: every video published to the
 * Video context with an MP4 (what `/is/content` serves) whose asset is
 * still live and marked for publish, except encodings whose master is
 * listed itself (the master's entry serves its first encoding: one video,
 * one entry). Paged by asset handle, so the document's order is stable and
 * any catalog size is read in bounded queries.
 */
export class VideoSitemapRepository {
  constructor(private readonly db: Db) {}

  async page(companyHandle: string, after: string | null, limit: number): Promise<SitemapVideoRow[]> {
    const q = this.db
      .selectFrom('context_published_assets as p')
      .innerJoin('assets as a', (j) => onLiveMarkedAsset(j, 'a', 'p'))
      .leftJoin('video_info as v', 'v.asset_handle', 'p.asset_handle')
      .leftJoin('asset_derivations as d', (j) => j.onRef('d.asset_handle', '=', 'p.asset_handle').on('d.engine', '=', VIDEO_ENGINE))
      // The master's own entry, found as the master itself is listed (published with an MP4, live, marked).
      .leftJoin('context_published_assets as mp', (j) =>
        j
          .onRef('mp.asset_handle', '=', 'd.source_handle')
          .onRef('mp.company_handle', '=', 'p.company_handle')
          .on('mp.context', '=', 'Video')
          .on('mp.media_key', 'is not', null),
      )
      .leftJoin('assets as ma', (j) => onLiveMarkedAsset(j, 'ma', 'mp'))
      .leftJoin('is_published_assets as own', (j) =>
        j
          .onRef('own.asset_handle', '=', 'p.asset_handle')
          .onRef('own.company_handle', '=', 'p.company_handle')
          .on('own.kind', '=', 'image')
          .on('own.image_key', 'is not', null),
      )
      .leftJoin('is_published_assets as master_is', (j) =>
        j
          .onRef('master_is.asset_handle', '=', 'd.source_handle')
          .onRef('master_is.company_handle', '=', 'p.company_handle')
          .on('master_is.kind', '=', 'image')
          .on('master_is.image_key', 'is not', null),
      )
      .select(['p.asset_handle', 'p.name', 'v.duration_ms', 'v.width', 'v.height', 'own.name as own_poster', 'master_is.name as master_poster'])
      .where('p.company_handle', '=', companyHandle)
      .where('p.context', '=', 'Video')
      .where('p.media_key', 'is not', null)
      .where('ma.asset_handle', 'is', null);
    const rows = await afterKey(q, 'p.asset_handle', after, limit).execute();
    return rows.map((r) => ({
      asset_handle: r.asset_handle,
      name: r.name,
      // PostgreSQL hands back integers of wide columns as strings.
      duration_ms: r.duration_ms === null ? null : Number(r.duration_ms),
      width: r.width === null ? null : Number(r.width),
      height: r.height === null ? null : Number(r.height),
      poster_name: r.own_poster ?? r.master_poster ?? null,
    }));
  }
}
