/**
 * Asset types accepted by searchAssets (Adobe IPS: sting-constants/r-asset-types): the union of the
 * documented list and the values a 2016+ client enumerates.
 */
export const ASSET_TYPES = [
  'Aco',
  'AdjustedView',
  'AnimatedGif',
  'Asset',
  'AssetSet',
  'Audio',
  'Cabinet',
  'Catalog',
  'ColorSwatch',
  'Css',
  'CuePoint',
  'Excel',
  'Flash',
  'Font',
  'Fxg',
  'IccProfile',
  'Illustrator',
  'Image',
  'ImageMap',
  'ImageSet',
  'InDesign',
  'Javascript',
  'LayerView',
  'Mask',
  'MasterVideo',
  'Pdf',
  'PDFSettings',
  'PostScript',
  'PowerPoint',
  'PremierExpressRemix',
  'PsdTemplate',
  'RenderScene',
  'RenderSet',
  'Rtf',
  'SpinSet',
  'Svg',
  'Swc',
  'Template',
  'Video',
  'VideoCaption',
  'ViewerPreset',
  'ViewerSwf',
  'Vignette',
  'Watermark',
  'WindowCovering',
  'WindowsCovering',
  'Word',
  'Xml',
  'Xsl',
  'Zip',
  'ZoomTarget',
] as const;
export type AssetType = (typeof ASSET_TYPES)[number];

/** What content sniffing can tell apart; each maps to one IPS asset type. */
export type DetectedFormat = 'jpeg' | 'png' | 'tiff' | 'webp' | 'gif' | 'psd' | 'pdf' | 'postscript' | 'eps' | 'illustrator' | 'icc' | VideoFormat;

/** Video containers told apart by their bytes (ISO BMFF `ftyp` brands, EBML DocType, RIFF AVI). */
export type VideoFormat = 'mp4' | 'mov' | 'webm' | 'mkv' | 'avi';

export const FORMAT_ASSET_TYPE: Record<DetectedFormat, AssetType> = {
  jpeg: 'Image',
  png: 'Image',
  tiff: 'Image',
  webp: 'Image',
  gif: 'Image',
  // A flattened PSD is an image in IPS; layer extraction (photoshopOptions) is a later step.
  psd: 'Image',
  pdf: 'Pdf',
  postscript: 'PostScript',
  eps: 'PostScript',
  illustrator: 'Illustrator',
  // A colour profile the company's colorManagementOptions refer to by handle; never rasterised.
  icc: 'IccProfile',
  // Probed and encoded with ffmpeg; the thumbnail (mediaOptions.generateThumbnail) is the video's image.
  mp4: 'Video',
  mov: 'Video',
  webm: 'Video',
  mkv: 'Video',
  avi: 'Video',
};

/** Formats whose pixels the optimiser reads directly. */
export const RASTER_FORMATS: ReadonlySet<DetectedFormat> = new Set(['jpeg', 'png', 'tiff', 'webp', 'gif', 'psd']);

export const VIDEO_FORMATS: ReadonlySet<DetectedFormat> = new Set<VideoFormat>(['mp4', 'mov', 'webm', 'mkv', 'avi']);

export function isVideoFormat(format: string): format is VideoFormat {
  return VIDEO_FORMATS.has(format as DetectedFormat);
}

/** asset_derivations.engine of encoded videos (IPS names no engine for them): written by the video service, read by the sitemap's query. */
export const VIDEO_ENGINE = 'VideoEncode';
