import type { IsParseContext } from '../../src/domain/image-serving/is-parser.js';
import { type IsColor, IsCommandError } from '../../src/domain/image-serving/is-request.js';

/** The IsCommandError a call throws (fails the test when it does not throw one). */
export function faultOf(call: () => unknown): IsCommandError {
  try {
    call();
  } catch (err) {
    if (err instanceof IsCommandError) return err;
    throw err;
  }
  throw new Error('expected an IsCommandError, nothing was thrown');
}

/** A macro source over a table of image presets, looked up case-insensitively as the preset store does. */
export const macros = (table: Record<string, string>): IsParseContext => ({
  macro: (name) => table[name.toLowerCase()],
});

export const rgb = (r: number, g: number, b: number, alpha = 255, source = false): IsColor => ({ space: 'rgb', values: [r, g, b], alpha, source });
