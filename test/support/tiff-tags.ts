import fs from 'node:fs/promises';

/**
 * The first IFD's numeric tags of a little- or big-endian classic TIFF: each tag's values when they fit in the
 * entry (up to two SHORTs or one LONG; enough to check a layout), else the offset to them as its only value.
 */
export async function tiffTags(tiff: string): Promise<Map<number, number[]>> {
  const b = await fs.readFile(tiff);
  const le = b.toString('latin1', 0, 2) === 'II';
  const u16 = (o: number) => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
  const u32 = (o: number) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
  const ifd = u32(4);
  const tags = new Map<number, number[]>();
  for (let i = 0; i < u16(ifd); i++) {
    const entry = ifd + 2 + i * 12;
    const type = u16(entry + 2);
    const count = u32(entry + 4);
    const shorts = type === 3 && count <= 2;
    tags.set(u16(entry), shorts ? [u16(entry + 8), ...(count === 2 ? [u16(entry + 10)] : [])] : [u32(entry + 8)]);
  }
  return tags;
}

/** One tag's first value (see tiffTags). */
export async function tiffTag(tiff: string, tag: number): Promise<number | undefined> {
  return (await tiffTags(tiff)).get(tag)?.[0];
}
