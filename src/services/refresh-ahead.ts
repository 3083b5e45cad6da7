/**
 * When a remembered answer is in the last fifth of its life, so a caller is
 * answered from memory while the next load runs behind it, and while callers
 * keep coming none of them waits for one. One definition for SharedAnswers and
 * RememberedPasswords; the classes stay apart because they fail differently
 * (SharedAnswers serves an older answer when a load fails or is slow, which a
 * password check must never do).
 */
const REFRESH_AHEAD = 0.8;

/** Whether an answer confirmed at `confirmedAt` (epoch ms) is due to be loaded again ahead of its `ttlMs`. */
export function refreshDue(confirmedAt: number, ttlMs: number, now: number): boolean {
  return now - confirmedAt >= ttlMs * REFRESH_AHEAD;
}
