/**
 * A job item tried to commit a change to an asset that was moved to the trash
 * (or emptied from it) while the item ran: the change is refused so the asset
 * is never made live again, and the item is reported as failed (docs/assets.md).
 */
export class AssetNotLiveError extends Error {
  static readonly REASON = 'the asset was moved to the trash while the job ran';

  constructor(readonly assetHandle: string) {
    super(AssetNotLiveError.REASON);
    this.name = 'AssetNotLiveError';
  }
}
