import { describe, expect, it } from 'vitest';
import { refreshDue } from '../../src/services/refresh-ahead.js';

describe('refreshDue', () => {
  it('is due from the start of the last fifth of ttlMs, counted from when the answer was confirmed', () => {
    expect(refreshDue(1_000, 1_000, 1_799)).toBe(false);
    expect(refreshDue(1_000, 1_000, 1_800)).toBe(true);
    expect(refreshDue(1_000, 1_000, 1_999)).toBe(true);
    expect(refreshDue(0, 60_000, 47_999)).toBe(false);
    expect(refreshDue(0, 60_000, 48_000)).toBe(true);
  });
});
