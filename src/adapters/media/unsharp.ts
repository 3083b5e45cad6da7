/**
 * Unsharp mask on raw 8-bit pixels, with IPS's parameters (ips-reference §6
 * UnsharpMaskOptions, same as IS op_usm): out = in + amount·(in − blurred)
 * wherever |in − blurred| exceeds `threshold` levels. `monochrome` = 1 sharpens
 * brightness only (one luma delta added to every colour channel, no colour
 * fringes); 0 sharpens each colour channel on its own. Alpha is never touched.
 */
export interface UsmParams {
  amount: number;
  threshold: number;
  monochrome: 0 | 1;
}

export function applyUnsharp(original: Uint8Array, blurred: Uint8Array, channels: number, hasAlpha: boolean, p: UsmParams): Uint8Array {
  if (original.length !== blurred.length) throw new RangeError('original and blurred images differ in size');
  const out = new Uint8Array(original.length);
  const colour = hasAlpha ? channels - 1 : channels;
  const clamp = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));
  for (let i = 0; i < original.length; i += channels) {
    if (p.monochrome === 1 && colour >= 3) {
      const y = 0.299 * original[i]! + 0.587 * original[i + 1]! + 0.114 * original[i + 2]!;
      const yb = 0.299 * blurred[i]! + 0.587 * blurred[i + 1]! + 0.114 * blurred[i + 2]!;
      const d = y - yb;
      const add = Math.abs(d) > p.threshold ? p.amount * d : 0;
      for (let c = 0; c < colour; c++) out[i + c] = clamp(original[i + c]! + add);
    } else {
      for (let c = 0; c < colour; c++) {
        const d = original[i + c]! - blurred[i + c]!;
        out[i + c] = Math.abs(d) > p.threshold ? clamp(original[i + c]! + p.amount * d) : original[i + c]!;
      }
    }
    if (hasAlpha) out[i + channels - 1] = original[i + channels - 1]!;
  }
  return out;
}
