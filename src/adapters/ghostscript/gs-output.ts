// What Ghostscript printed during one job, kept bounded, and how it is quoted in error messages.

/** Ghostscript output kept per stream and job: enough for the last diagnostics, bounded for chatty files. */
const MAX_CAPTURE = 64 * 1024;
/** Lines of Ghostscript output quoted in an error message. */
const DIAGNOSTIC_LINES = 12;

export interface GsOutput {
  stdout: string;
  stderr: string;
}

export function capture(kept: string, chunk: string): string {
  const all = kept + chunk;
  return all.length > MAX_CAPTURE ? all.slice(-MAX_CAPTURE) : all;
}

export function before(text: string, mark: string): string {
  const at = text.indexOf(mark);
  return at >= 0 ? text.slice(0, at) : text;
}

/**
 * ghostscript4js only reports an error code; the PostScript error (e.g.
 * `/invalidfileaccess in --file--` when -dSAFER refused a file) is what tells a
 * user why, so it goes on the message's first line, which job logs keep.
 */
export function postScriptError(output: GsOutput): string {
  const cause = /^Error: (\/\S+ in \S+)/m.exec(`${output.stdout}\n${output.stderr}`);
  return cause ? ` (${cause[1]!.slice(0, 200)})` : '';
}

/** The first PostScript error line (the cause) and the last lines Ghostscript printed. */
export function diagnostics(output: GsOutput): string {
  const lines = `${output.stdout}\n${output.stderr}`
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '')
    .map((l) => (l.length > 200 ? `${l.slice(0, 200)}…` : l));
  if (lines.length === 0) return '';
  const tail = lines.slice(-DIAGNOSTIC_LINES);
  const cause = lines.find((l) => /^Error: \//.test(l));
  return `\n${cause !== undefined && !tail.includes(cause) ? `${cause}\n…\n` : ''}${tail.join('\n')}`;
}
