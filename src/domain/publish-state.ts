/**
 * The publish flag of the assets a job writes (docs/jobs/reprocess-assets.md#publish-state):
 * one rule for every job and every asset it creates or updates —
 * reprocessed and uploaded assets, ripped pages, eCatalogs, PSD layers and
 * templates, video encodings. Pure: no I/O, safe anywhere.
 */

/** What a job element says about publish state: readyForPublish and preservePublishState (both optional: Adobe IPS: data-types/r-reprocess-assets-job). */
export interface PublishStateOptions {
  readyForPublish?: boolean;
  preservePublishState?: boolean;
}

/** A job's publish options with the company's setting filled in. */
export interface PublishRule {
  readyForPublish?: boolean;
  /** keep the flag of assets the job updates */
  preserve: boolean;
}

/**
 * preservePublishState absent means "the company's setting" in IPS
 * ("absent → company default": Adobe IPS: data-types/r-reprocess-assets-job), which is CompanySettings.retainPublishState.
 */
export function publishRule(o: PublishStateOptions, companyRetainsPublishState: boolean): PublishRule {
  return { ...(o.readyForPublish !== undefined ? { readyForPublish: o.readyForPublish } : {}), preserve: o.preservePublishState ?? companyRetainsPublishState };
}

/** How a job marks what it makes from one asset: its rule, and the source's flag after the job (what new byproducts inherit). */
export interface ByproductPublish {
  rule: PublishRule;
  sourceFlag: number;
}

/** The flag of a byproduct (page, layer, eCatalog, template, encoding) with this flag before the job, or none yet. */
export function byproductFlag(p: ByproductPublish, current: number | undefined): number {
  return publishFlag(p.rule, current, p.sourceFlag);
}

/**
 * assets.ready_for_publish (1/0) of one asset a job writes.
 *
 * - An asset the job updates (`current` is its flag before the job): with
 *   preserve it keeps its flag; otherwise readyForPublish sets it, and an
 *   absent readyForPublish leaves it as it was.
 * - An asset the job creates (`current` undefined): readyForPublish; absent,
 *   `inherited` — a byproduct follows the asset it is made from (DMC:
 *   "derived images follow their parent"); an asset made from nothing
 *   is not marked.
 */
export function publishFlag(rule: PublishRule, current: number | undefined, inherited = 0): number {
  if (current !== undefined && (rule.preserve || rule.readyForPublish === undefined)) return current;
  if (rule.readyForPublish === undefined) return inherited;
  return rule.readyForPublish ? 1 : 0;
}
