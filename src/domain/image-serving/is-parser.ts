/**
 * The Image Serving query parser (docs/image-serving.md): query string → IsRequest.
 * Pure: no I/O; macro bodies (image presets) and predefined variables come
 * from the caller through IsParseContext.
 *
 *   1. is-expand.ts: split, comments, macros, variables, percent-decoding;
 *   2. here: IS command names and "last occurrence wins";
 *   3. is-commands.ts: one reader per command, then cross-command checks.
 */
import { type KnownIsCommand, lookupIsCommand } from './is-command-names.js';
import { IGNORED_READERS, SUPPORTED_READERS, checkCombinations, settingOf } from './is-commands.js';
import { type IsParseContext, expandIsQuery } from './is-expand.js';
import { IsCommandError, type IsRequest } from './is-request.js';

export { parseIsColor } from './is-color.js';
export { type IsCommand, type IsParseContext, MAX_IS_EXPANDED_LENGTH, MAX_IS_MACRO_DEPTH, MAX_IS_QUERY_LENGTH, expandIsQuery } from './is-expand.js';

/** Parses and validates into an IsRequest. Throws IsCommandError(command, detail) naming the command. */
export function parseIsQuery(query: string, ctx?: IsParseContext): IsRequest {
  const commands = expandIsQuery(query, ctx);

  // Names first, in request order, so the first foreign command is the one reported.
  const winners = new Map<string, { known: KnownIsCommand; value: string }>();
  for (const { name, value } of commands) {
    const known = lookupIsCommand(name);
    if (known === undefined) throw new IsCommandError(name, 'unknown command');
    if (known.kind === 'refused') throw new IsCommandError(known.name, 'is not supported by this server');
    // IS's order rule (docs/image-serving.md#parsing) after textual macro expansion: the last occurrence
    // of a setting wins, including across paired spellings (crop/cropN …).
    // Re-inserting keeps the map in order of the winning occurrences. Overridden
    // occurrences are never read, so a bad value in a preset that the request
    // overrides does no harm.
    const setting = settingOf(known.name);
    winners.delete(setting);
    winners.set(setting, { known, value });
  }

  const request: IsRequest = {};
  for (const { known, value } of winners.values()) {
    if (known.kind === 'supported') SUPPORTED_READERS[known.name](value, request);
    else if (known.kind === 'ignored') IGNORED_READERS[known.name](value);
  }
  checkCombinations(request);
  return request;
}
