import { initializeCanvas } from 'ag-psd';

// ag-psd is configured through process-wide state, so every module that reads PSDs
// imports this one module and the setup runs exactly once, whichever loads first.
// The PSD reader wants a canvas only to allocate pixel buffers; plain arrays do,
// so no native canvas library is needed. Drawing is never requested: callers read
// with `useImageData` (or `useRawData` and decode to image data), never to canvases.
initializeCanvas(
  () => {
    throw new Error('canvas drawing is not available');
  },
  (width: number, height: number) => ({ width, height, data: new Uint8ClampedArray(width * height * 4), colorSpace: 'srgb' }) as never,
);
