import { type ItemProgress, between } from '../item-progress.js';

/** The share of a document's item its pages take: counting them comes before, the commit after. */
export const PAGES_FROM = 0.02;
export const PAGES_TO = 0.95;

/**
 * A document's page steps as its item's progress: "Ripping page n of N"
 * while pages are being rasterised, then "Pages: pyramid n of N" for the
 * pyramids still being built. Every page counts twice in the fraction (ripped,
 * then stored), so it rises with either; pages a retried activity already
 * has count as done.
 */
export function pageProgress(total: number, alreadyDone: number, progress: ItemProgress) {
  let ripped = Math.min(total, alreadyDone);
  let stored = ripped;
  const report = () => {
    const fraction = between(PAGES_FROM, PAGES_TO, (ripped + stored) / (2 * total));
    if (ripped < total) progress.step('ripping', fraction, `Ripping page ${ripped + 1} of ${total}`);
    // With every page stored the commit is next, and it reports itself.
    else if (stored < total) progress.step('pyramid', fraction, `Pages: pyramid ${stored + 1} of ${total}`);
  };
  report();
  return {
    ripped(pages: number) {
      ripped = Math.min(total, ripped + pages);
      report();
    },
    /** A whole-document rip has begun its n-th page: the ones before it are done. */
    begun(n: number) {
      const before = Math.min(total, n - 1);
      if (before <= ripped) return;
      ripped = before;
      report();
    },
    stored() {
      stored = Math.min(total, stored + 1);
      report();
    },
  };
}
