/**
 * Ghostscript argument lists. They are built here from typed options only, so no
 * caller string ever becomes a gs option: the only strings that reach gs are
 * absolute paths (which cannot start with `-` or `@`) placed where gs expects a
 * file name. The safety flags are added in `withSafety` and checked again by the
 * child (`refusal`) before it runs anything.
 */

/**
 * -dSAFER: no file access beyond the inputs and outputs named on the command line,
 * so a hostile PostScript program cannot read or write the host's files.
 * -dBATCH -dNOPAUSE: never wait for keyboard input (a child with no terminal would hang).
 * -dQUIET: keep stdout for diagnostics and the page count we print ourselves.
 */
export const SAFETY_FLAGS = ['-dSAFER', '-dBATCH', '-dNOPAUSE', '-dQUIET'] as const;

/** Options that would undo -dSAFER; a job carrying one is refused even if SAFETY_FLAGS are present. */
const UNSAFE_OPTIONS = [/^-[dD]NOSAFER\b/, /^-[dD]DELAYSAFER\b/, /^-[dD]WRITESYSTEMDICT\b/, /^--permit-file-(write|control|all)/];

export type InputKind = 'pdf' | 'ps' | 'eps';
export type RasterDevice = 'png16m' | 'pngalpha' | 'pnggray' | 'tiff32nc';

export interface RasterArgsOptions {
  input: string;
  inputKind: InputKind;
  device: RasterDevice;
  /** directory that receives page-0001.<ext>, page-0002.<ext>, … (numbered by output page) */
  outputDir: string;
  resolution: number;
  firstPage?: number;
  lastPage?: number;
}

export const DEVICE_EXTENSION: Record<RasterDevice, 'png' | 'tif'> = {
  png16m: 'png',
  pngalpha: 'png',
  pnggray: 'png',
  tiff32nc: 'tif',
};

function withSafety(rest: string[]): string[] {
  // ghostscript4js drops the first element as the program name, like argv[0].
  return ['gs', ...SAFETY_FLAGS, ...rest];
}

/** gs expands printf-style `%d` in OutputFile; a literal `%` in a directory name must be doubled. */
function outputPattern(dir: string, name: string): string {
  return `${dir.replaceAll('%', '%%')}/${name}`;
}

function pageRange(firstPage?: number, lastPage?: number): string[] {
  // Ghostscript 10 honours FirstPage/LastPage for PostScript as well as PDF.
  return [...(firstPage !== undefined ? [`-dFirstPage=${firstPage}`] : []), ...(lastPage !== undefined ? [`-dLastPage=${lastPage}`] : [])];
}

export function rasterArgs(o: RasterArgsOptions): string[] {
  return withSafety([
    `-sDEVICE=${o.device}`,
    `-r${o.resolution}`,
    // 4 bits of anti-aliasing for text and line art: what viewers show; without it edges are jagged.
    '-dTextAlphaBits=4',
    '-dGraphicsAlphaBits=4',
    // PDF: the crop box is the visible page a viewer shows, not the larger media sheet.
    ...(o.inputKind === 'pdf' ? ['-dUseCropBox'] : []),
    // EPS: the page is the bounding box, not a whole letter/A4 sheet with the drawing in a corner.
    ...(o.inputKind === 'eps' ? ['-dEPSCrop'] : []),
    // LZW: lossless and far smaller than the uncompressed default for CMYK TIFF.
    ...(o.device === 'tiff32nc' ? ['-sCompression=lzw'] : []),
    ...pageRange(o.firstPage, o.lastPage),
    `-sOutputFile=${outputPattern(o.outputDir, `page-%04d.${DEVICE_EXTENSION[o.device]}`)}`,
    o.input,
  ]);
}

/** Marker the page-count program prints before the number, so stray interpreter output cannot be mistaken for it. */
export const PAGE_COUNT_PREFIX = 'RIP-PAGES=';

/**
 * PDF page count without rendering. The file name reaches PostScript as the value
 * of a -s definition (never spliced into program text, so no quoting issue), and
 * --permit-file-read lets -dSAFER open exactly that one file.
 */
export function pageCountArgs(input: string): string[] {
  return withSafety([
    '-dNODISPLAY',
    `-sRipInput=${input}`,
    `--permit-file-read=${input}`,
    '-c',
    `RipInput (r) file runpdfbegin (${PAGE_COUNT_PREFIX}) print pdfpagecount = flush`,
  ]);
}

export function textArgs(o: { input: string; page: number; outputFile: string }): string[] {
  return withSafety(['-sDEVICE=txtwrite', ...pageRange(o.page, o.page), `-sOutputFile=${o.outputFile.replaceAll('%', '%%')}`, o.input]);
}

/** Why the child must refuse these arguments, or undefined when they are safe to run. */
export function refusal(args: unknown): string | undefined {
  if (!Array.isArray(args) || !args.every((a): a is string => typeof a === 'string')) return 'arguments must be an array of strings';
  if (args[0] !== 'gs') return "the first argument must be the program name 'gs'";
  const missing = SAFETY_FLAGS.filter((flag) => !args.includes(flag));
  if (missing.length > 0) return `missing mandatory ${missing.join(' ')}`;
  const unsafe = args.find((a) => UNSAFE_OPTIONS.some((re) => re.test(a)));
  if (unsafe !== undefined) return `unsafe option ${unsafe}`;
  return undefined;
}
