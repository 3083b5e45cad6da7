/**
 * IS colour values (IS data type `color`; Adobe's IS reference is linked from docs/image-serving.md):
 *
 *   {gray[,alpha][g] | red,green,blue[,alpha][r] | cyan,magenta,yellow,black[,alpha]k
 *    | 0x{GG|GGAA}[g] | [0x]{RRGGBB|RRGGBBAA}[r] | [0x]{CCMMYYKK|CCMMYYKKAA}k}[s]
 *
 * Case-insensitive. Decimal components are integers: RGB 0–255; gray, CMYK
 * and the alpha of gray/CMYK lists in percent 0–100 (IS's colour page:
 * "Decimal component values for CMYK and gray are in the range 0..100%").
 * Hex components are bytes 0–255.
 *
 * The result uses IsColor's scales: gray and RGB values and every alpha on
 * 0–255, CMYK values in percent. Decimal gray/alpha percentages therefore
 * become 0–255 (rounded to the nearest integer: IS works with 8 bits per
 * channel), and hex CMYK bytes become percent (byte / 255 × 100, rounded to
 * two decimals, like IS's own example `0X70G` = 44 % gray).
 */
import { type IsColor, IsCommandError } from './is-request.js';
import { expected, int, quote, readNumber } from './is-value.js';

const SYNTAX = 'a colour (g[,a], r,g,b[,a], c,m,y,k[,a]k, 0xGG[AA], [0x]RRGGBB[AA] or [0x]CCMMYYKK[AA]k, optional suffix s)';

const HEX = /^[0-9a-f]+$/;
const BYTE = int({ min: 0, max: 255 });
const PERCENT = int({ min: 0, max: 100 });

const percentToByte = (p: number) => Math.round((p * 255) / 100);
const byteToPercent = (b: number) => Math.round((b * 10000) / 255) / 100;

type TypeSuffix = 'g' | 'r' | 'k' | undefined;

export function parseIsColor(command: string, text: string): IsColor {
  let body = text.toLowerCase();
  const source = body.endsWith('s');
  if (source) body = body.slice(0, -1);
  let type: TypeSuffix;
  const last = body.at(-1);
  if (last === 'g' || last === 'r' || last === 'k') {
    type = last;
    body = body.slice(0, -1);
  }
  if (body === '') throw expected(command, SYNTAX, text);

  if (body.startsWith('0x')) return hexColor(command, text, body.slice(2), type, source, true);
  if (body.includes(',')) return decimalColor(command, text, body.split(','), type, source);
  // No prefix and no comma: 6, 8 or 10 hex digits are packed RGB/CMYK (hex
  // gray needs 0x, and a decimal gray never has more than 3 digits), anything
  // else must be a decimal gray.
  if ((body.length === 6 || body.length === 8 || body.length === 10) && HEX.test(body)) {
    return hexColor(command, text, body, type, source, false);
  }
  return decimalColor(command, text, [body], type, source);
}

function mismatch(command: string, text: string, what: string): IsCommandError {
  return new IsCommandError(command, `expected ${what}, received ${quote(text)}`);
}

function hexColor(command: string, text: string, hex: string, type: TypeSuffix, source: boolean, prefixed: boolean): IsColor {
  if (!HEX.test(hex)) throw expected(command, SYNTAX, text);
  const bytes: number[] = [];
  for (let i = 0; i < hex.length; i += 2) bytes.push(Number.parseInt(hex.slice(i, i + 2), 16));
  switch (hex.length) {
    case 2:
    case 4:
      if (!prefixed) throw expected(command, SYNTAX, text);
      if (type !== undefined && type !== 'g') throw mismatch(command, text, "a gray value (suffix 'g' or none) for 2 or 4 hex digits");
      return { space: 'gray', values: [bytes[0]], alpha: bytes[1] ?? 255, source };
    case 6:
      if (type !== undefined && type !== 'r') throw mismatch(command, text, "an RGB value (suffix 'r' or none) for 6 hex digits");
      return { space: 'rgb', values: bytes, alpha: 255, source };
    case 8:
      if (type === 'k') return { space: 'cmyk', values: bytes.map(byteToPercent), alpha: 255, source };
      if (type === 'g') throw mismatch(command, text, "RGBA (suffix 'r' or none) or CMYK (suffix 'k') for 8 hex digits");
      return { space: 'rgb', values: bytes.slice(0, 3), alpha: bytes[3], source };
    case 10:
      if (type !== 'k') throw mismatch(command, text, "CMYK with alpha (suffix 'k') for 10 hex digits");
      return { space: 'cmyk', values: bytes.slice(0, 4).map(byteToPercent), alpha: bytes[4], source };
    default:
      throw expected(command, SYNTAX, text);
  }
}

function decimalColor(command: string, text: string, parts: string[], type: TypeSuffix, source: boolean): IsColor {
  const read = (part: string, rule = BYTE, name?: string) => {
    // Decimal components are unsigned integers; anything else is not a colour at all.
    if (!/^\d+$/.test(part)) throw expected(command, SYNTAX, text);
    return readNumber(command, part, rule, name);
  };
  switch (parts.length) {
    case 1:
    case 2: {
      if (type !== undefined && type !== 'g') throw mismatch(command, text, "a gray value (suffix 'g' or none) for 1 or 2 components");
      const gray = percentToByte(read(parts[0], PERCENT, 'gray (percent)'));
      const alpha = parts.length === 2 ? percentToByte(read(parts[1], PERCENT, 'alpha (percent)')) : 255;
      return { space: 'gray', values: [gray], alpha, source };
    }
    case 3:
      if (type !== undefined && type !== 'r') throw mismatch(command, text, "an RGB value (suffix 'r' or none) for 3 components");
      return { space: 'rgb', values: [read(parts[0], BYTE, 'red'), read(parts[1], BYTE, 'green'), read(parts[2], BYTE, 'blue')], alpha: 255, source };
    case 4:
      if (type === 'k') return { space: 'cmyk', values: cmyk(parts, read), alpha: 255, source };
      if (type === 'g') throw mismatch(command, text, "RGBA (suffix 'r' or none) or CMYK (suffix 'k') for 4 components");
      return {
        space: 'rgb',
        values: [read(parts[0], BYTE, 'red'), read(parts[1], BYTE, 'green'), read(parts[2], BYTE, 'blue')],
        alpha: read(parts[3], BYTE, 'alpha'),
        source,
      };
    case 5:
      if (type !== 'k') throw mismatch(command, text, "CMYK with alpha (suffix 'k') for 5 components");
      return { space: 'cmyk', values: cmyk(parts, read), alpha: percentToByte(read(parts[4], PERCENT, 'alpha (percent)')), source };
    default:
      throw expected(command, SYNTAX, text);
  }
}

function cmyk(parts: string[], read: (part: string, rule: typeof PERCENT, name: string) => number): number[] {
  return ['cyan', 'magenta', 'yellow', 'black'].map((name, i) => read(parts[i], PERCENT, `${name} (percent)`));
}
