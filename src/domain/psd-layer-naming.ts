import type { PhotoshopOptions } from './schemas/options.schema.js';

/**
 * Pure rules for IPS `photoshopOptions.process = MaintainLayers`
 * (Adobe IPS: data-types/r-photoshop-layer-options): what each extracted layer asset is called and where it
 * sits, where its image lies on the PSD canvas, and the layer list a `PsdTemplate`
 * asset stores when `createTemplate` is set. No I/O and no libraries, so workflows
 * and services can call it; the pixels are `adapters/media/psd-layers.ts`.
 *
 * Layer numbers (`index`) are 1-based and count every non-group layer of the PSD from
 * the bottom of Photoshop's Layers panel upwards, including layers that yield no asset
 * (empty, adjustment, off-canvas). That is the order Photoshop numbers its default
 * names in ("Layer 1" is the first layer above the bottom one), and keeps a number
 * pointing at the same layer however many of the others are skipped.
 */

type LayerOptions = NonNullable<PhotoshopOptions['layerOptions']>;
export type LayerNaming = LayerOptions['layerNaming'];
export type LayerAnchor = LayerOptions['anchor'];

export interface LayerNameInput {
  /** the layer's name as stored in the PSD */
  name: string;
  /** names of the enclosing groups, outermost first */
  folderPath: string[];
  /** 1-based layer number, bottom to top (see the module comment) */
  index: number;
}

export interface LayerAssetName {
  /** the asset name, unique (case-insensitively) within one PSD's result and different from the PSD's own */
  name: string;
  /**
   * Only with `Folders`: the folder for the asset relative to the PSD's folder, with a
   * trailing slash like every IPS folder path (`Spring Ad/Shirts/`).
   */
  folder?: string;
}

/**
 * Asset names stay this short (UTF-16 units, as `normalizeFileName` counts) so a de-duplicating suffix and a file extension still fit
 * the 255-character file-name limit of `normalizeFileName` (domain/folders.ts).
 */
export const MAX_LAYER_ASSET_NAME = 200;

// Photoshop's own names for new layers (English UI): "Background", "Layer 3",
// "Layer 3 copy", "Layer 3 copy 2". DMC treats these as "no name" (docs/jobs/reprocess-assets.md#photoshop-layers-maintainlayers).
const DEFAULT_LAYER_NAME = /^(?:Background|Layer \d+)(?: copy(?: \d+)?)?$/;

/** True for a name Photoshop made up itself, which IPS replaces by the layer number. */
export function isDefaultLayerName(name: string): boolean {
  return DEFAULT_LAYER_NAME.test(name.trim());
}

/**
 * Names for the layer assets of one PSD, in the order given.
 *
 * - `LayerName`: the layer's own name, e.g. `Price Tag`; a default Photoshop name (or an
 *   empty one) gives `<psd>_<n>` instead.
 * - `AppendNumber`: `<psd>_<n>` whatever the layer is called.
 * - `AppendName`: `<psd>_<layer name>`, or `<psd>_<n>` for a default name.
 * - `Folders`: named as `LayerName`, each in a folder named after the PSD, with the
 *   layer's groups as subfolders: `<psd>/<group>/<subgroup>/`.
 *
 * Characters an asset name or folder segment cannot hold (control characters, `/`, `\`)
 * become `_`; names are trimmed and cut to {@link MAX_LAYER_ASSET_NAME} characters. A
 * name already taken in this result, or equal to the PSD's own name, gets the first free
 * `_2`, `_3`, … suffix; layers are served in layer-number order, so the bottom-most
 * keeps the plain name and a re-run gives the same names.
 */
export function layerAssetNames(psdAssetName: string, layers: readonly LayerNameInput[], naming: LayerNaming): LayerAssetName[] {
  const psd = cleanSegment(psdAssetName) ?? 'psd';
  const byNumber = (n: number) => `${psd}_${n}`;
  const ownName = (layer: LayerNameInput): string => {
    const clean = cleanSegment(layer.name);
    return clean === undefined || isDefaultLayerName(clean) ? byNumber(layer.index) : clean;
  };
  const base = (layer: LayerNameInput): string => {
    switch (naming) {
      case 'AppendNumber':
        return byNumber(layer.index);
      case 'AppendName': {
        const clean = cleanSegment(layer.name);
        return clean === undefined || isDefaultLayerName(clean) ? byNumber(layer.index) : `${psd}_${clean}`;
      }
      case 'LayerName':
      case 'Folders':
        return ownName(layer);
    }
  };

  // The PSD itself is an asset of the same company: a layer must never take its name.
  const taken = new Set<string>([nameKey(psd)]);
  const names = new Array<string>(layers.length);
  const order = layers.map((layer, position) => ({ layer, position })).sort((a, b) => a.layer.index - b.layer.index || a.position - b.position);
  for (const { layer, position } of order) {
    names[position] = unique(truncate(base(layer)), taken);
  }
  return layers.map((layer, position) => {
    if (naming !== 'Folders') return { name: names[position]! };
    const groups = layer.folderPath.map((g, i) => cleanSegment(g) ?? `group_${i + 1}`);
    return { name: names[position]!, folder: [psd, ...groups].map((segment) => truncate(segment)).join('/') + '/' };
  });
}

/** A pixel rectangle in canvas coordinates (x right, y down, origin top-left). */
export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface Size {
  width: number;
  height: number;
}

/**
 * Where a layer asset's image lies on the PSD canvas.
 * `extendLayers` ("extend layers to background size"): the whole canvas, the layer
 * drawn at its own position on transparency. Otherwise the layer's bounds clipped to
 * the canvas (pixels outside the canvas are not kept). `undefined` when the layer has
 * no pixels on the canvas at all.
 */
export function layerPlacement(bounds: Rect, canvas: Size, extendLayers: boolean): Rect | undefined {
  const left = Math.max(0, bounds.left);
  const top = Math.max(0, bounds.top);
  const right = Math.min(canvas.width, bounds.left + bounds.width);
  const bottom = Math.min(canvas.height, bounds.top + bounds.height);
  if (right <= left || bottom <= top) return undefined;
  return extendLayers ? { left: 0, top: 0, width: canvas.width, height: canvas.height } : { left, top, width: right - left, height: bottom - top };
}

/**
 * The named point of an image, in pixels from its top-left corner: what IPS stores
 * as the image's anchor (ImageInfo anchorX/anchorY, Image Serving `catalog::Anchor`)
 * and how a replacement image of another size is aligned in a template. `Center` is
 * the middle (rounded down to whole pixels), `North` the middle of the top edge,
 * `Southeast` the bottom-right corner (x = width, y = height), and so on.
 */
export function anchorPoint(anchor: LayerAnchor, size: Size): { x: number; y: number } {
  const col = /west$/i.test(anchor) ? 0 : /east$/i.test(anchor) ? 2 : 1;
  const row = anchor.startsWith('North') ? 0 : anchor.startsWith('South') ? 2 : 1;
  return { x: Math.floor((size.width * col) / 2), y: Math.floor((size.height * row) / 2) };
}

export interface PsdTemplateLayerInput {
  /** the layer asset's name (from {@link layerAssetNames}) */
  name: string;
  folder?: string;
  /** 1-based layer number, bottom to top */
  index: number;
  /** the layer's own pixel bounds on the canvas (may reach beyond it) */
  bounds: Rect;
  hidden: boolean;
  /** 0–1 */
  opacity: number;
  blendMode: string;
  /** the text of a text layer, when text was extracted */
  text?: string;
}

export interface PsdTemplateLayer {
  /** template layer number: 1 is drawn first, directly over the background (layer 0) */
  layer: number;
  /** the PSD layer number it came from */
  index: number;
  name: string;
  folder?: string;
  /** where the layer asset's image lies on the canvas ({@link layerPlacement}) */
  left: number;
  top: number;
  width: number;
  height: number;
  /** the image's anchor point, in its own pixels ({@link anchorPoint}) */
  anchor: { x: number; y: number };
  /** the anchor point on the canvas, from its top-left corner */
  position: { x: number; y: number };
  /**
   * The anchor point relative to the canvas centre: Image Serving's `pos=` for the layer
   * when layer 0 is `size=<width>,<height>` with its default (centre) origin. May be a half pixel.
   */
  pos: { x: number; y: number };
  hidden: boolean;
  opacity: number;
  blendMode: string;
  text?: string;
}

/** What a `PsdTemplate` asset stores (as JSON): the canvas and its layers, bottom to top. */
export interface PsdTemplate {
  version: 1;
  width: number;
  height: number;
  anchor: LayerAnchor;
  extendLayers: boolean;
  layers: PsdTemplateLayer[];
}

/**
 * The template IPS builds with `createTemplate`: one entry per layer asset, bottom to
 * top, each placed so that its anchor point lands where the layer's own anchor point
 * lies in the PSD. A replacement image of another size then stays anchored at the same
 * spot (centred by default). Layers with no pixels on the canvas are left out.
 */
export function psdTemplate(canvas: Size, layers: readonly PsdTemplateLayerInput[], opts: { anchor: LayerAnchor; extendLayers: boolean }): PsdTemplate {
  const entries: PsdTemplateLayer[] = [];
  for (const input of [...layers].sort((a, b) => a.index - b.index)) {
    const place = layerPlacement(input.bounds, canvas, opts.extendLayers);
    if (!place) continue;
    const anchor = anchorPoint(opts.anchor, place);
    const position = { x: place.left + anchor.x, y: place.top + anchor.y };
    entries.push({
      layer: entries.length + 1,
      index: input.index,
      name: input.name,
      ...(input.folder !== undefined ? { folder: input.folder } : {}),
      ...place,
      anchor,
      position,
      pos: { x: position.x - canvas.width / 2, y: position.y - canvas.height / 2 },
      hidden: input.hidden,
      opacity: input.opacity,
      blendMode: input.blendMode,
      ...(input.text !== undefined ? { text: input.text } : {}),
    });
  }
  return { version: 1, width: canvas.width, height: canvas.height, anchor: opts.anchor, extendLayers: opts.extendLayers, layers: entries };
}

// Same comparison as `nameKey` in domain/handles.ts (IPS names are case-insensitive);
// repeated here because that module pulls in node:crypto and this one must stay pure.
const nameKey = (name: string): string => name.normalize('NFC').toLowerCase();

/** A name or folder segment that `normalizeFileName` / `normalizeFolder` accept, or undefined if nothing is left. */
function cleanSegment(raw: string): string | undefined {
  const clean = raw.replace(/[\u0000-\u001f\u007f/\\]/g, '_').trim();
  return clean === '' || clean === '.' || clean === '..' ? undefined : clean;
}

/** Cut to `max` UTF-16 units (how `normalizeFileName` counts), never splitting a surrogate pair. */
function truncate(name: string, max = MAX_LAYER_ASSET_NAME): string {
  if (name.length <= max) return name;
  let out = '';
  for (const ch of name) {
    if (out.length + ch.length > max) break;
    out += ch;
  }
  return out.trimEnd();
}

function unique(name: string, taken: Set<string>): string {
  let candidate = name;
  for (let n = 2; taken.has(nameKey(candidate)); n++) {
    const suffix = `_${n}`;
    candidate = truncate(name, MAX_LAYER_ASSET_NAME - suffix.length) + suffix;
  }
  taken.add(nameKey(candidate));
  return candidate;
}
