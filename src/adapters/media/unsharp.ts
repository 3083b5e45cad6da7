/**
 * Unsharp mask on raw 8-bit pixels, with IPS's UnsharpMaskOptions parameters
 * (Adobe IPS: data-types/r-unsharp-mask-options; same as IS op_usm): out = in + amount·(in − blurred)
 * wherever |in − blurred| exceeds `threshold` levels. `monochrome` = 1 sharpens
 * brightness only (one luma delta added to every colour channel, no colour
 * fringes); 0 sharpens each colour channel on its own. Alpha is never touched.
 */
export interface UsmParams {
  amount: number;
  threshold: number;
  monochrome: 0 | 1;
}

export function applyUnsharp(original: Uint8Array, blurred: Uint8Array, channels: number, hasAlpha: boolean, p: UsmParams, inPlace = false): Uint8Array {
  if (original.length !== blurred.length) throw new RangeError('original and blurred images differ in size');
  // Uint8ClampedArray clamps to 0–255 and rounds half to even on store: no per-sample branches (this loop runs over every sample of a photo).
  // In place (each sample is read before it is written) spares a photo-sized allocation, and with it garbage collections.
  const out = inPlace ? new Uint8ClampedArray(original.buffer, original.byteOffset, original.length) : new Uint8ClampedArray(original.length);
  const colour = hasAlpha ? channels - 1 : channels;
  const { amount, threshold } = p;
  if (p.monochrome === 1 && colour >= 3) {
    for (let i = 0; i < original.length; i += channels) {
      const d = 0.299 * (original[i]! - blurred[i]!) + 0.587 * (original[i + 1]! - blurred[i + 1]!) + 0.114 * (original[i + 2]! - blurred[i + 2]!);
      const add = d > threshold || d < -threshold ? amount * d : 0;
      for (let c = 0; c < colour; c++) out[i + c] = original[i + c]! + add;
      if (hasAlpha) out[i + colour] = original[i + colour]!;
    }
  } else if (!hasAlpha) {
    for (let i = 0; i < original.length; i++) {
      const o = original[i]!;
      const d = o - blurred[i]!;
      out[i] = d > threshold || d < -threshold ? o + amount * d : o;
    }
  } else {
    for (let i = 0; i < original.length; i += channels) {
      for (let c = 0; c < colour; c++) {
        const o = original[i + c]!;
        const d = o - blurred[i + c]!;
        out[i + c] = d > threshold || d < -threshold ? o + amount * d : o;
      }
      out[i + colour] = original[i + colour]!;
    }
  }
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}
