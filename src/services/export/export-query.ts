import type { ImageFormatRepository } from '../../adapters/repositories/image-format.repository.js';
import { FaultCode, IpsFault } from '../../domain/faults.js';
import { nameKey } from '../../domain/handles.js';
import { parseIsQuery } from '../../domain/image-serving/is-parser.js';
import { IS_FORMAT_INFO, IsCommandError, type IsRequest } from '../../domain/image-serving/is-request.js';
import type { ExportJob } from '../../domain/schemas/job.schema.js';

/** A company's image presets as IS macros (Adobe IPS: data-types/r-image-format), looked up case-insensitively as IS does. */
export type MacroLookup = (name: string) => string | undefined;

export async function companyMacros(formats: ImageFormatRepository, companyHandle: string): Promise<MacroLookup> {
  const byName = new Map((await formats.list(companyHandle)).map((f) => [f.name_key, f.url_modifier]));
  return (name) => byName.get(nameKey(name));
}

/** The preset name inside `$name$` (IPS writes the macro with its dollars; a bare name is accepted). */
export function macroName(macro: string): string {
  return macro.trim().replace(/^\$/, '').replace(/\$$/, '');
}

/**
 * The IS request an ExportJob converts with: `<is_modifier>&$macro$`. The
 * macro comes last, so by IS's order rule (docs/image-serving.md#parsing) its
 * commands override the same commands in is_modifier: the example on
 * ExportJob's page (Adobe IPS: data-types/r-exportjob), `&fmt=png` with a
 * TIFF preset, gives TIFF files.
 */
export function exportQuery(options: Pick<ExportJob, 'is_modifier' | 'macro'>): string {
  const parts = [options.is_modifier ?? '', options.macro ? `$${macroName(options.macro)}$` : ''];
  return parts.filter((p) => p.replace(/^[?&]+/, '') !== '').join('&');
}

/**
 * Parses an export's conversion request, with faults naming the submitJob
 * field at fault: a bad is_modifier names is_modifier; an unknown preset, or
 * a preset whose commands IS refuses, names macro.
 */
export function parseExportRequest(field: string, options: Pick<ExportJob, 'is_modifier' | 'macro'>, macros: MacroLookup): IsRequest {
  const fault = (at: string, err: unknown) => {
    if (err instanceof IsCommandError) return new IpsFault(FaultCode.InvalidParameter, `${field}.${at}: ${err.message}`, `${field}.${at}`);
    return err;
  };
  try {
    parseIsQuery(options.is_modifier ?? '', { macro: macros });
  } catch (err) {
    throw fault('is_modifier', err);
  }
  if (options.macro && macros(macroName(options.macro)) === undefined) {
    throw new IpsFault(
      FaultCode.InvalidParameter,
      `${field}.macro: expected the name of one of the company's image presets, received '${macroName(options.macro)}'`,
      `${field}.macro`,
    );
  }
  let req: IsRequest;
  try {
    req = parseIsQuery(exportQuery(options), { macro: macros });
  } catch (err) {
    throw fault('macro', err);
  }
  // An export writes image files: req=props / req=exists answer Image Serving requests only.
  if (req.req)
    throw fault(
      options.is_modifier && parseIsQuery(options.is_modifier, { macro: macros }).req ? 'is_modifier' : 'macro',
      new IsCommandError('req', `value '${req.req}' is not supported in an export (only req=img)`),
    );
  return req;
}

/** The output file's extension: the original base name with the resolved format's extension (Adobe IPS: data-types/r-exportjob); IS's default is JPEG. */
export function exportExtension(req: IsRequest): string {
  return IS_FORMAT_INFO[req.fmt?.format ?? 'jpeg'].extension;
}
