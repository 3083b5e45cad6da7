import { faults } from './faults.js';

/**
 * IPS folder paths are company-rooted with a trailing slash
 * (`MyCompany/Shoes/`). Callers may give them with or without the root, with
 * or without slashes; anything that could climb out (`..`), or that carries
 * control characters or backslashes, is refused.
 */
export function normalizeFolder(input: string | undefined, rootPath: string, field: string): string {
  const raw = (input ?? '').trim();
  if (/[\u0000-\u001f\u007f\\]/.test(raw)) throw faults.invalid(field, 'a folder path without control characters or backslashes', raw);
  const parts = raw.split('/').filter((p) => p.length > 0);
  if (parts.some((p) => p === '.' || p === '..')) throw faults.invalid(field, "a folder path without '.' or '..' segments", raw);
  const root = rootPath.replace(/\/$/, '');
  if (parts[0] === root) parts.shift();
  return [root, ...parts].join('/') + '/';
}

/** A file name as stored: its last path segment, with anything unsafe refused. */
export function normalizeFileName(input: string, field: string): string {
  const name = input.split(/[\\/]/).pop()!.trim();
  if (!name || name === '.' || name === '..' || /[\u0000-\u001f\u007f]/.test(name) || name.length > 255) {
    throw faults.invalid(field, 'a file name of 1 to 255 printable characters', input);
  }
  return name;
}

/** IPS asset names are the file name without its extension. */
export function assetNameOf(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return dot > 0 ? fileName.slice(0, dot) : fileName;
}
