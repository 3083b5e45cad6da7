import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ClipOptions {
  seconds?: number;
  width?: number;
  height?: number;
  /** Whether to mix in the tone; a silent clip has only the picture. */
  audio?: boolean;
  /** ffmpeg's output options for the streams (and container, with -f): H.264/AAC by default. */
  codecArgs?: string[];
}

/**
 * ffmpeg's test picture with a 440 Hz tone, H.264/AAC at 25 fps (by default two
 * seconds, 320×240): a real, small video that every probe and encoder reads.
 * Free of the harness, so unit tests make their clips with it too.
 */
export async function makeClip(
  file: string,
  { seconds = 2, width = 320, height = 240, audio = true, codecArgs = ['-c:v', 'libx264', '-c:a', 'aac'] }: ClipOptions = {},
): Promise<string> {
  const tone = audio ? ['-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`] : [];
  await run('ffmpeg', [
    '-nostdin',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `testsrc=duration=${seconds}:size=${width}x${height}:rate=25`,
    ...tone,
    ...codecArgs,
    ...(audio ? ['-shortest'] : []),
    file,
  ]);
  return file;
}
