import { escapeText } from './xml-text.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * A UTF-8 document written straight into one growing byte array. Large SOAP
 * replies (searchAssets with 1,000 assets: 19,000 elements, 785 kB) built as
 * JS strings spent more time flattening the string and collecting its pieces
 * than writing it (bench/soap); copying tags and ASCII text byte by byte
 * leaves no garbage but the array itself.
 */
export class Utf8Builder {
  private bytes: Uint8Array;
  private length = 0;

  constructor(initialBytes = 64 * 1024) {
    this.bytes = new Uint8Array(initialBytes);
  }

  /** Bytes known in advance (tags, envelopes), already valid XML. */
  raw(chunk: Uint8Array): void {
    const n = chunk.length;
    this.reserve(n);
    if (n > 64) {
      this.bytes.set(chunk, this.length);
      this.length += n;
      return;
    }
    // Tags are short: a plain loop beats the call into TypedArray.set.
    const bytes = this.bytes;
    let at = this.length;
    for (let i = 0; i < n; i++) bytes[at++] = chunk[i]!;
    this.length = at;
  }

  /** Character data, escaped for XML (see escapeText). */
  text(value: string): void {
    const n = value.length;
    this.reserve(n);
    const bytes = this.bytes;
    let at = this.length;
    for (let i = 0; i < n; i++) {
      const c = value.charCodeAt(i);
      // Printable ASCII but & < > goes as is (also tab and LF); anything else takes the careful path.
      if ((c >= 0x20 && c < 0x7f && c !== 0x26 && c !== 0x3c && c !== 0x3e) || c === 0x09 || c === 0x0a) {
        bytes[at++] = c;
        continue;
      }
      this.length = at;
      this.encode(escapeText(value.slice(i)));
      return;
    }
    this.length = at;
  }

  /** The document so far (a view of the builder's array, not a copy). */
  result(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }

  toString(): string {
    return decoder.decode(this.result());
  }

  private encode(text: string): void {
    this.reserve(text.length * 3);
    this.length += encoder.encodeInto(text, this.bytes.subarray(this.length)).written;
  }

  private reserve(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < needed) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }
}

/** A tag or other fixed text as the bytes Utf8Builder.raw takes. */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}
