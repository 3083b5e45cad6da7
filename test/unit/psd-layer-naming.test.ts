import { describe, expect, it } from 'vitest';
import { normalizeFileName, normalizeFolder } from '../../src/domain/folders.js';
import {
  MAX_LAYER_ASSET_NAME,
  type LayerNameInput,
  anchorPoint,
  isDefaultLayerName,
  layerAssetNames,
  layerPlacement,
  psdTemplate,
} from '../../src/domain/psd-layer-naming.js';

const layer = (index: number, name: string, folderPath: string[] = []): LayerNameInput => ({ index, name, folderPath });

// Bottom to top, as readPsdLayers reports them.
const layers = [
  layer(1, 'Background'),
  layer(2, 'Price Tag'),
  layer(3, 'Layer 2'),
  layer(4, 'Blue', ['Shirts']),
  layer(5, 'Blue', ['Shirts', 'Long sleeve']),
  layer(6, 'Price tag'),
];

describe('isDefaultLayerName', () => {
  it.each(['Background', 'Layer 1', 'Layer 12', 'Layer 3 copy', 'Layer 3 copy 2', 'Background copy', ' Layer 4 '])('%s is a Photoshop default', (name) => {
    expect(isDefaultLayerName(name)).toBe(true);
  });
  it.each(['Price Tag', 'Layer', 'Layer one', 'layer 1', 'Background 2', 'My Layer 1'])('%s is a real name', (name) => {
    expect(isDefaultLayerName(name)).toBe(false);
  });
});

describe('layerAssetNames', () => {
  it('LayerName: the layer name, the number for default names, case-insensitive duplicates suffixed', () => {
    expect(layerAssetNames('Spring Ad', layers, 'LayerName')).toEqual([
      { name: 'Spring Ad_1' },
      { name: 'Price Tag' },
      { name: 'Spring Ad_3' },
      { name: 'Blue' },
      { name: 'Blue_2' },
      { name: 'Price tag_2' },
    ]);
  });

  it('AppendNumber: <psd>_<n> for every layer', () => {
    expect(layerAssetNames('Spring Ad', layers, 'AppendNumber').map((n) => n.name)).toEqual([
      'Spring Ad_1',
      'Spring Ad_2',
      'Spring Ad_3',
      'Spring Ad_4',
      'Spring Ad_5',
      'Spring Ad_6',
    ]);
  });

  it('AppendName: <psd>_<layer name>, or <psd>_<n> for default names', () => {
    expect(layerAssetNames('Spring Ad', layers, 'AppendName').map((n) => n.name)).toEqual([
      'Spring Ad_1',
      'Spring Ad_Price Tag',
      'Spring Ad_3',
      'Spring Ad_Blue',
      'Spring Ad_Blue_2',
      'Spring Ad_Price tag_2',
    ]);
  });

  it('Folders: LayerName names in a folder named after the PSD, groups as subfolders', () => {
    expect(layerAssetNames('Spring Ad', layers, 'Folders')).toEqual([
      { name: 'Spring Ad_1', folder: 'Spring Ad/' },
      { name: 'Price Tag', folder: 'Spring Ad/' },
      { name: 'Spring Ad_3', folder: 'Spring Ad/' },
      { name: 'Blue', folder: 'Spring Ad/Shirts/' },
      // IPS names are unique company-wide, so even another folder gets a suffix.
      { name: 'Blue_2', folder: 'Spring Ad/Shirts/Long sleeve/' },
      { name: 'Price tag_2', folder: 'Spring Ad/' },
    ]);
  });

  it('the bottom-most layer keeps the plain name whatever order the layers are given in', () => {
    const reversed = [...layers].reverse();
    const names = layerAssetNames('Spring Ad', reversed, 'LayerName');
    expect(names.map((n) => n.name)).toEqual(['Price tag_2', 'Blue_2', 'Blue', 'Spring Ad_3', 'Price Tag', 'Spring Ad_1']);
  });

  it("never takes the PSD's own name", () => {
    expect(layerAssetNames('Shoe', [layer(1, 'shoe'), layer(2, 'Shoe')], 'LayerName').map((n) => n.name)).toEqual(['shoe_2', 'Shoe_3']);
  });

  it('a suffix that is itself taken moves on to the next free number', () => {
    const names = layerAssetNames('Ad', [layer(1, 'A'), layer(2, 'A_2'), layer(3, 'A')], 'LayerName').map((n) => n.name);
    expect(names).toEqual(['A', 'A_2', 'A_3']);
  });

  it('is deterministic', () => {
    for (const naming of ['LayerName', 'AppendNumber', 'AppendName', 'Folders'] as const) {
      expect(layerAssetNames('Spring Ad', layers, naming)).toEqual(layerAssetNames('Spring Ad', layers, naming));
    }
  });

  it('replaces characters an asset name cannot hold and falls back to the number for empty names', () => {
    const names = layerAssetNames(
      'Ad',
      [layer(1, 'Front/Back'), layer(2, 'tab\there'), layer(3, '   '), layer(4, '..'), layer(5, 'x', ['a/b', '', '..'])],
      'Folders',
    );
    expect(names).toEqual([
      { name: 'Front_Back', folder: 'Ad/' },
      { name: 'tab_here', folder: 'Ad/' },
      { name: 'Ad_3', folder: 'Ad/' },
      { name: 'Ad_4', folder: 'Ad/' },
      { name: 'x', folder: 'Ad/a_b/group_2/group_3/' },
    ]);
  });

  it('every name and folder is accepted by the asset-name and folder rules', () => {
    const hostile = [
      layer(1, 'a\\b'),
      layer(2, '\u0000\u007f'),
      layer(3, 'é'.repeat(300)),
      layer(4, 'é'.repeat(300)),
      layer(5, '😀'.repeat(250)),
      layer(6, '.', ['..', '.', 'x\ny']),
    ];
    for (const naming of ['LayerName', 'AppendNumber', 'AppendName', 'Folders'] as const) {
      const names = layerAssetNames('P'.repeat(250), hostile, naming);
      expect(new Set(names.map((n) => n.name.toLowerCase())).size).toBe(hostile.length);
      for (const { name, folder } of names) {
        expect(normalizeFileName(name, 'name')).toBe(name);
        expect(name.length).toBeLessThanOrEqual(MAX_LAYER_ASSET_NAME);
        expect(name).not.toMatch(/[\uD800-\uDBFF]$/); // no split surrogate pair
        if (folder !== undefined) expect(normalizeFolder(folder, 'Co', 'folder')).toBe(`Co/${folder}`);
      }
    }
  });

  it('long duplicate names keep the suffix within the length limit', () => {
    const long = 'n'.repeat(MAX_LAYER_ASSET_NAME + 20);
    const names = layerAssetNames('Ad', [layer(1, long), layer(2, long)], 'LayerName').map((n) => n.name);
    expect(names).toEqual(['n'.repeat(MAX_LAYER_ASSET_NAME), `${'n'.repeat(MAX_LAYER_ASSET_NAME - 2)}_2`]);
  });
});

describe('layerPlacement', () => {
  const canvas = { width: 64, height: 48 };
  it('clips the layer to the canvas', () => {
    expect(layerPlacement({ left: 5, top: 5, width: 20, height: 10 }, canvas, false)).toEqual({ left: 5, top: 5, width: 20, height: 10 });
    expect(layerPlacement({ left: 50, top: 40, width: 30, height: 20 }, canvas, false)).toEqual({ left: 50, top: 40, width: 14, height: 8 });
    expect(layerPlacement({ left: -4, top: -2, width: 10, height: 10 }, canvas, false)).toEqual({ left: 0, top: 0, width: 6, height: 8 });
  });
  it('extendLayers covers the whole canvas', () => {
    expect(layerPlacement({ left: 5, top: 5, width: 20, height: 10 }, canvas, true)).toEqual({ left: 0, top: 0, width: 64, height: 48 });
  });
  it('nothing for a layer wholly off the canvas', () => {
    expect(layerPlacement({ left: 64, top: 0, width: 10, height: 10 }, canvas, false)).toBeUndefined();
    expect(layerPlacement({ left: -10, top: 0, width: 10, height: 10 }, canvas, true)).toBeUndefined();
  });
});

describe('anchorPoint', () => {
  it.each([
    ['Center', 10, 5],
    ['North', 10, 0],
    ['Northwest', 0, 0],
    ['West', 0, 5],
    ['Southwest', 0, 10],
    ['South', 10, 10],
    ['Southeast', 20, 10],
    ['East', 20, 5],
    ['Northeast', 20, 0],
  ] as const)('%s of a 20x10 image is (%d,%d)', (anchor, x, y) => {
    expect(anchorPoint(anchor, { width: 20, height: 10 })).toEqual({ x, y });
  });
  it('rounds the middle of an odd size down', () => {
    expect(anchorPoint('Center', { width: 21, height: 11 })).toEqual({ x: 10, y: 5 });
  });
});

describe('psdTemplate', () => {
  const canvas = { width: 64, height: 48 };
  const input = [
    { name: 'Blue half', index: 2, bounds: { left: 50, top: 40, width: 30, height: 20 }, hidden: false, opacity: 0.5, blendMode: 'multiply' },
    { name: 'Red', index: 1, bounds: { left: 5, top: 5, width: 20, height: 10 }, hidden: false, opacity: 1, blendMode: 'normal' },
    { name: 'Gone', index: 3, bounds: { left: 100, top: 0, width: 5, height: 5 }, hidden: false, opacity: 1, blendMode: 'normal' },
    {
      name: 'Hello',
      folder: 'Ad/Text/',
      index: 4,
      bounds: { left: 10, top: 30, width: 8, height: 4 },
      hidden: true,
      opacity: 1,
      blendMode: 'normal',
      text: 'Hello',
    },
  ];

  it('lists layers bottom to top, anchored at the centre by default', () => {
    const t = psdTemplate(canvas, input, { anchor: 'Center', extendLayers: false });
    expect(t).toEqual({
      version: 1,
      width: 64,
      height: 48,
      anchor: 'Center',
      extendLayers: false,
      layers: [
        {
          layer: 1,
          index: 1,
          name: 'Red',
          left: 5,
          top: 5,
          width: 20,
          height: 10,
          anchor: { x: 10, y: 5 },
          position: { x: 15, y: 10 },
          pos: { x: -17, y: -14 },
          hidden: false,
          opacity: 1,
          blendMode: 'normal',
        },
        {
          layer: 2,
          index: 2,
          name: 'Blue half',
          left: 50,
          top: 40,
          width: 14,
          height: 8,
          anchor: { x: 7, y: 4 },
          position: { x: 57, y: 44 },
          pos: { x: 25, y: 20 },
          hidden: false,
          opacity: 0.5,
          blendMode: 'multiply',
        },
        {
          layer: 3,
          index: 4,
          name: 'Hello',
          folder: 'Ad/Text/',
          left: 10,
          top: 30,
          width: 8,
          height: 4,
          anchor: { x: 4, y: 2 },
          position: { x: 14, y: 32 },
          pos: { x: -18, y: 8 },
          hidden: true,
          opacity: 1,
          blendMode: 'normal',
          text: 'Hello',
        },
      ],
    });
    expect(JSON.parse(JSON.stringify(t))).toEqual(t);
  });

  it('a Northwest anchor puts each layer by its top-left corner', () => {
    const t = psdTemplate(canvas, input, { anchor: 'Northwest', extendLayers: false });
    expect(t.layers.map((l) => l.position)).toEqual([
      { x: 5, y: 5 },
      { x: 50, y: 40 },
      { x: 10, y: 30 },
    ]);
    expect(t.layers.map((l) => l.anchor)).toEqual([
      { x: 0, y: 0 },
      { x: 0, y: 0 },
      { x: 0, y: 0 },
    ]);
  });

  it('with extendLayers every layer covers the canvas', () => {
    const t = psdTemplate(canvas, input, { anchor: 'Southeast', extendLayers: true });
    for (const l of t.layers) {
      expect(l).toMatchObject({ left: 0, top: 0, width: 64, height: 48, anchor: { x: 64, y: 48 }, position: { x: 64, y: 48 }, pos: { x: 32, y: 24 } });
    }
  });
});
