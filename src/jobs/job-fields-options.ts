import { type FieldTable, refused } from './job-fields-rule.js';

/** The field table's part for the IPS option types nested in job elements, each named once (NAMED_TYPES in job-fields.ts). */
export const OPTION_TYPE_FIELDS: FieldTable = {
  KnockoutBackgroundOptions: {
    corner: { honoured: 'the corner whose colour is knocked out', tests: ['pixel-ops.test.ts', 'media-color.test.ts'] },
    tolerance: { honoured: 'how close a colour must be to the corner colour', tests: ['pixel-ops.test.ts'] },
    fillMethod: { honoured: 'FloodFill (connected pixels) or MatchPixel (every matching pixel)', tests: ['pixel-ops.test.ts'] },
  },
  ManualCropOptions: {
    left: { honoured: 'pixels cropped off the left', tests: ['pixel-ops.test.ts'] },
    right: { honoured: 'pixels cropped off the right', tests: ['pixel-ops.test.ts'] },
    top: { honoured: 'pixels cropped off the top', tests: ['pixel-ops.test.ts'] },
    bottom: { honoured: 'pixels cropped off the bottom', tests: ['pixel-ops.test.ts'] },
  },
  AutoColorCropOptions: {
    corner: { honoured: 'the corner whose colour is trimmed', tests: ['pixel-ops.test.ts'] },
    tolerance: { honoured: 'how close a colour must be to be trimmed', tests: ['pixel-ops.test.ts'] },
  },
  AutoTransparentCropOptions: {
    tolerance: { honoured: 'how transparent a pixel must be to be trimmed', tests: ['pixel-ops.test.ts'] },
  },
  PhotoshopOptions: {
    process: { honoured: 'None keeps the PSD whole, MaintainLayers splits its layers', tests: ['psd-layers.test.ts'] },
    layerOptions: { honoured: 'how layers are split and named', tests: ['psd-layers.test.ts'] },
  },
  PhotoshopLayerOptions: {
    layerNaming: { honoured: 'layer asset names', tests: ['psd-layers.test.ts'] },
    anchor: { honoured: 'where a layer sits when extended to the canvas', tests: ['psd-layer-naming.test.ts'] },
    createTemplate: { honoured: 'also writes a PSD template asset', tests: ['psd-layers.test.ts'] },
    extractText: { honoured: "text layers' text kept as their search words", tests: ['psd-layers.test.ts'] },
    extendLayers: { honoured: 'layers extended to the background size', tests: ['psd-layers.test.ts'] },
  },
  PostScriptOptions: {
    process: { honoured: 'Rasterize or None', tests: ['rip-pdfs-job.test.ts'] },
    resolution: { honoured: 'ppi of the rasterised pages', tests: ['rip-pdfs-job.test.ts'] },
    colorspace: { honoured: 'colour space of the rasterised pages', tests: ['rip-pdfs-job.test.ts'] },
    alpha: { honoured: 'keeps a transparent background', tests: ['rip-pool.test.ts'] },
    extractSearchWords: { honoured: 'page text kept as search words', tests: ['rip-pdfs-job.test.ts'] },
  },
  PDFOptions: {
    process: { honoured: 'Rasterize, Thumbnail or None', tests: ['rip-pdfs-job.test.ts', 'rip.test.ts'] },
    resolution: { honoured: 'ppi of the rasterised pages', tests: ['rip-pdfs-job.test.ts'] },
    colorspace: { honoured: 'colour space of the rasterised pages', tests: ['rip-pdfs-job.test.ts'] },
    pdfCatalog: { honoured: 'a multi-page PDF becomes an eCatalog', tests: ['rip.test.ts', 'rip-pdfs-job.test.ts'] },
    extractSearchWords: { honoured: 'page text kept as search words', tests: ['rip.test.ts'] },
    extractLinks: { honoured: 'PDF links kept with the pages', tests: ['rip-pdfs-job.test.ts'] },
  },
  IllustratorOptions: {
    process: { honoured: 'Rasterize or None', tests: ['rip-pdfs-job.test.ts'] },
    resolution: { honoured: 'ppi of the rasterised artwork', tests: ['rip-pdfs-job.test.ts'] },
    colorspace: { honoured: 'colour space of the rasterised artwork', tests: ['rip-pdfs-job.test.ts'] },
    alpha: { honoured: 'keeps a transparent background', tests: ['rip-pool.test.ts'] },
  },
  InDesignOptions: {
    process: { honoured: 'only None (there is no InDesign engine)', tests: ['rip-pdfs-job.test.ts'] },
  },
  ColorManagementOptions: {
    colorManagement: { honoured: 'Default, MaintainOriginal or Convert', tests: ['reprocess.test.ts', 'upload.test.ts'] },
    sourceProfileHandle: { honoured: 'ICC profile asset the source is read in (Convert)', tests: ['media-color.test.ts', 'reprocess.test.ts'] },
    outputProfileHandle: { honoured: 'ICC profile asset the result is converted to (Convert)', tests: ['media-color.test.ts', 'reprocess.test.ts'] },
  },
  AutoSetCreationOptions: {
    autoSetsArray: { honoured: 'the set-generation scripts to apply', tests: ['set-generation.test.ts'] },
  },
  UnsharpMaskOptions: {
    amount: { honoured: 'strength of the sharpening (0 = off)', tests: ['media-color.test.ts', 'render-pool.test.ts'] },
    radius: { honoured: 'radius of the sharpening', tests: ['media-color.test.ts'] },
    threshold: { honoured: 'levels below which nothing is sharpened', tests: ['media-color.test.ts'] },
    monochrome: { honoured: '1 sharpens brightness only', tests: ['media-color.test.ts'] },
  },
  UnCompressOptions: {
    process: { honoured: 'None stores archives, UnCompress ingests their files', tests: ['upload-directory.test.ts'] },
  },
  UploadUrl: {
    sourceUrl: { honoured: 'where the file is downloaded from (its query is never kept in plain text)', tests: ['upload-urls.test.ts'] },
    destPath: { honoured: 'folder and name of the asset', tests: ['upload-urls.test.ts'] },
  },
  MediaOptions: {
    videoEncodingPresetsArray: refused('encoding presets are not supported: give the settings in videoEncodingArray'),
    videoEncodingArray: { honoured: 'one encoded MP4 asset per entry', tests: ['video.test.ts'] },
    videoSmartCropArray: refused('no smart crops on this server'),
    videoSmartCropSampleRate: refused('no smart crops on this server'),
    avsEncodingArray: refused('no adaptive video sets on this server'),
    generateThumbnail: { honoured: "a poster frame becomes the video's thumbnail", tests: ['video.test.ts'] },
    thumbnailOptions: { honoured: 'when the poster frame is taken', tests: ['video.test.ts'] },
    cmafConformance: { honoured: 'only false (encodings are progressive MP4)', tests: ['video.test.ts'], refuses: [true] },
  },
  VideoEncoding: {
    name: { honoured: 'name of the encoding', tests: ['video.test.ts'] },
    fileSuffix: { honoured: 'appended to the video name to name the encoded asset', tests: ['video.test.ts'] },
    playbackTarget: refused('every encoding here is one progressive MP4 for all players: a playback target would change nothing'),
    width: { honoured: 'output width', tests: ['video.test.ts'] },
    height: { honoured: 'output height', tests: ['video.test.ts'] },
    videoCodec: { honoured: 'only H.264 (other codecs refused)', tests: ['video.test.ts'] },
    videoBitrate: { honoured: 'target video bit rate (kbps)', tests: ['video.test.ts'] },
    minBitrate: { honoured: 'lower bound of the video bit rate', tests: ['video.test.ts'] },
    maxBitrate: { honoured: 'upper bound of the video bit rate', tests: ['video.test.ts'] },
    constantBitrate: { honoured: 'constant bit rate encoding', tests: ['video.test.ts'] },
    frameRate: { honoured: 'output frame rate', tests: ['video.test.ts'] },
    keyframeInterval: { honoured: 'frames between key frames', tests: ['video.test.ts'] },
    h264Profile: { honoured: 'H.264 profile', tests: ['video.test.ts'] },
    h264Level: { honoured: 'H.264 level', tests: ['video.test.ts'] },
    twoPass: { honoured: 'only false (one pass)', tests: ['video.test.ts'], refuses: [true] },
    audioCodec: { honoured: 'only AAC (other codecs refused)', tests: ['video.test.ts'] },
    audioBitrate: { honoured: 'audio bit rate (kbps)', tests: ['video.test.ts'] },
    audioSampleRate: { honoured: 'audio sample rate', tests: ['video.test.ts'] },
    advancedSettings: refused('advanced encoder settings are not supported'),
  },
  ThumbnailOptions: {
    thumbnailTime: { honoured: 'milliseconds from the start of the poster frame', tests: ['video.test.ts'] },
  },
};
