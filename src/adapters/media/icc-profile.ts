import fs from 'node:fs/promises';
import { UnreadableImageError } from './media-errors.js';

/**
 * ICC profile files (ICC.1:2022 §7): the header fields that decide whether a
 * profile fits an image, and a minimal TIFF writer that attaches a profile to
 * pixels without transforming them — sharp can transform *to* a profile but
 * has no way to declare which profile the input pixels are in.
 */
export interface IccHeader {
  /** data colour space, trailing blanks removed: 'RGB', 'CMYK', 'GRAY', 'Lab', … */
  colorSpace: string;
  /** profile class: 'scnr' input, 'mntr' display, 'prtr' output, 'link', 'spac', 'abst', 'nmcl' */
  deviceClass: string;
  /** e.g. '2.1', '4.3' */
  version: string;
  /** the profile's own name (its 'desc' tag), when it has a readable one */
  description?: string;
}

const HEADER_SIZE = 128;

/** Reads the header of an uploaded profile; a file that is not an ICC profile is bad input. */
export async function readIccHeader(file: string): Promise<IccHeader> {
  const bytes = await fs.readFile(file);
  const header = parseIccHeader(bytes);
  if (typeof header === 'string') throw new UnreadableImageError(`not an ICC profile: ${header}`);
  return header;
}

/** The header, or why the bytes are not an ICC profile. */
export function parseIccHeader(bytes: Uint8Array): IccHeader | string {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < HEADER_SIZE + 4) return `${buf.length} bytes, shorter than a profile header`;
  if (buf.toString('latin1', 36, 40) !== 'acsp') return `bytes 36-39 are not 'acsp'`;
  const declared = buf.readUInt32BE(0);
  if (declared < HEADER_SIZE + 4 || declared > buf.length) return `the header declares ${declared} bytes but the file has ${buf.length}`;
  const description = readDescription(buf.subarray(0, declared));
  return {
    colorSpace: buf.toString('latin1', 16, 20).trimEnd(),
    deviceClass: buf.toString('latin1', 12, 16),
    version: `${buf[8]}.${buf[9]! >> 4}`,
    ...(description ? { description } : {}),
  };
}

/** The 'desc' tag: textDescriptionType (v2, ASCII) or multiLocalizedUnicodeType (v4, first record, UTF-16BE). */
function readDescription(buf: Buffer): string | undefined {
  const count = buf.readUInt32BE(HEADER_SIZE);
  for (let i = 0; i < count; i++) {
    const entry = HEADER_SIZE + 4 + i * 12;
    if (entry + 12 > buf.length) return undefined;
    if (buf.toString('latin1', entry, entry + 4) !== 'desc') continue;
    const at = buf.readUInt32BE(entry + 4);
    const size = buf.readUInt32BE(entry + 8);
    if (at + size > buf.length || size < 12) return undefined;
    const type = buf.toString('latin1', at, at + 4);
    if (type === 'desc') {
      const length = buf.readUInt32BE(at + 8);
      if (12 + length > size) return undefined;
      return clean(buf.toString('latin1', at + 12, at + 12 + length));
    }
    if (type === 'mluc' && size >= 28 && buf.readUInt32BE(at + 8) > 0) {
      const length = buf.readUInt32BE(at + 20);
      const offset = buf.readUInt32BE(at + 24);
      if (offset + length > size || length % 2) return undefined;
      // a copy: swap16 works in place and these bytes may still be embedded somewhere
      return clean(
        Buffer.from(buf.subarray(at + offset, at + offset + length))
          .swap16()
          .toString('utf16le'),
      );
    }
    return undefined;
  }
  return undefined;
}

function clean(text: string): string | undefined {
  const trimmed = text.replace(/\0+$/, '').trim();
  return trimmed || undefined;
}

/** Interleaved 8-bit pixels; alpha, when present, is the last channel. */
export interface TaggedPixels {
  data: Uint8Array;
  width: number;
  height: number;
  channels: number;
  space: 'srgb' | 'cmyk' | 'b-w';
}

const COLOUR_BANDS = { srgb: 3, cmyk: 4, 'b-w': 1 } as const;
const PHOTOMETRIC = { srgb: 2, cmyk: 5, 'b-w': 1 } as const; // RGB, Separated (CMYK), BlackIsZero
const STRIP_BYTES = 256 * 1024;

/**
 * Writes `px` as an uncompressed baseline TIFF (little-endian) with `icc` in
 * tag 34675. A lossless hand-over: libvips reads the pixels unchanged and takes
 * the tag as the image's embedded profile, which is how an input profile is
 * assigned (sharp has no option for it). The pixel buffer is written as is,
 * never copied.
 */
export async function writeTaggedTiff(dest: string, px: TaggedPixels, icc?: Uint8Array): Promise<void> {
  const bands = COLOUR_BANDS[px.space];
  if (px.channels !== bands && px.channels !== bands + 1) throw new RangeError(`${px.channels} channels do not fit ${px.space}`);
  if (px.data.length !== px.width * px.height * px.channels) throw new RangeError('pixel buffer and size disagree');
  const rowBytes = px.width * px.channels;
  const rowsPerStrip = Math.max(1, Math.floor(STRIP_BYTES / rowBytes));
  const strips = Math.ceil(px.height / rowsPerStrip);
  const SHORT = 3;
  const LONG = 4;
  const UNDEFINED = 7;
  const entries: { tag: number; type: number; values: number[] | Uint8Array }[] = [
    { tag: 256, type: LONG, values: [px.width] },
    { tag: 257, type: LONG, values: [px.height] },
    { tag: 258, type: SHORT, values: new Array<number>(px.channels).fill(8) },
    { tag: 259, type: SHORT, values: [1] }, // no compression
    { tag: 262, type: SHORT, values: [PHOTOMETRIC[px.space]] },
    { tag: 273, type: LONG, values: new Array<number>(strips).fill(0) }, // strip offsets, set below
    { tag: 277, type: SHORT, values: [px.channels] },
    { tag: 278, type: LONG, values: [rowsPerStrip] },
    { tag: 279, type: LONG, values: Array.from({ length: strips }, (_, i) => Math.min(rowsPerStrip, px.height - i * rowsPerStrip) * rowBytes) },
    { tag: 284, type: SHORT, values: [1] }, // interleaved
    ...(px.space === 'cmyk' ? [{ tag: 332, type: SHORT, values: [1] }] : []), // InkSet: CMYK
    ...(px.channels > bands ? [{ tag: 338, type: SHORT, values: [2] }] : []), // ExtraSamples: unassociated alpha
    ...(icc ? [{ tag: 34675, type: UNDEFINED, values: icc }] : []),
  ];
  const width = (type: number) => (type === SHORT ? 2 : type === LONG ? 4 : 1);
  const ifdSize = 2 + entries.length * 12 + 4;
  let cursor = 8 + ifdSize;
  const placed = entries.map((e) => {
    const bytes = e.values.length * width(e.type);
    if (bytes <= 4) return -1;
    const at = cursor;
    cursor += bytes + (bytes & 1); // values start on a word boundary
    return at;
  });
  const dataStart = cursor;
  if (dataStart + px.data.length > 0xffffffff) throw new RangeError('the image is too large for a classic TIFF');
  entries[5]!.values = Array.from({ length: strips }, (_, i) => dataStart + i * rowsPerStrip * rowBytes);

  const head = Buffer.alloc(dataStart);
  head.write('II', 0, 'latin1');
  head.writeUInt16LE(42, 2);
  head.writeUInt32LE(8, 4);
  head.writeUInt16LE(entries.length, 8);
  entries.forEach((e, i) => {
    const at = 10 + i * 12;
    head.writeUInt16LE(e.tag, at);
    head.writeUInt16LE(e.type, at + 2);
    head.writeUInt32LE(e.values.length, at + 4);
    const target = placed[i]! < 0 ? at + 8 : placed[i]!;
    if (placed[i]! >= 0) head.writeUInt32LE(target, at + 8);
    if (e.values instanceof Uint8Array) head.set(e.values, target);
    else e.values.forEach((v, k) => (e.type === SHORT ? head.writeUInt16LE(v, target + 2 * k) : head.writeUInt32LE(v, target + 4 * k)));
  });
  // next-IFD offset (0) is already zero

  const fh = await fs.open(dest, 'w');
  try {
    await fh.write(head);
    await fh.write(px.data);
  } finally {
    await fh.close();
  }
}
