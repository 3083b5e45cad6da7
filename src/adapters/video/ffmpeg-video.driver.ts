import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { encodeArgs, parseProbe, probeArgs, thumbnailArgs } from './ffmpeg-args.js';
import { type EncodeSpec, type VideoProbe, type VideoTool, VideoToolError } from './video.driver.js';

export interface FfmpegOptions {
  /** binaries (Debian's ffmpeg package installs both on PATH) */
  ffmpeg: string;
  ffprobe: string;
  /** longest one encoding may run before it is killed */
  encodeTimeoutMs: number;
  /** longest a probe or a thumbnail may run */
  probeTimeoutMs: number;
}

/** Output kept per stream: ffprobe's JSON of a file with many streams is a few tens of KB; stderr only needs its last lines. */
const MAX_STDOUT = 4 * 1024 * 1024;
const MAX_STDERR = 16 * 1024;

/**
 * The only code that runs ffmpeg and ffprobe (Debian's packages): programs
 * started with an argument array, never a shell; every run has a time limit
 * and is killed (SIGKILL: ffmpeg gets no chance to finish a half file) when
 * the limit passes or the caller's AbortSignal fires; stderr is captured for
 * the error message. Outputs are written under a temporary name next to the
 * target and renamed into place, so a killed run never leaves a partial file
 * under the real name.
 */
export class FfmpegAdapter implements VideoTool {
  constructor(private readonly opts: FfmpegOptions) {}

  async probe(file: string, signal?: AbortSignal): Promise<VideoProbe> {
    const { stdout } = await this.run(this.opts.ffprobe, probeArgs(file), this.opts.probeTimeoutMs, signal);
    const probe = parseProbe(stdout);
    if (typeof probe === 'string') throw new VideoToolError(probe, 'unreadable');
    return probe;
  }

  async thumbnail(file: string, atMs: number, out: string, signal?: AbortSignal): Promise<{ atMs: number }> {
    const first = Number.isFinite(atMs) && atMs > 0 ? Math.floor(atMs) : 0;
    return this.atomically(out, '.jpg', async (tmp) => {
      await this.run(this.opts.ffmpeg, thumbnailArgs(file, first, tmp), this.opts.probeTimeoutMs, signal);
      if (await nonEmpty(tmp)) return { atMs: first };
      // A time past the end decodes no frame and ffmpeg writes nothing: IPS then takes the first frame.
      if (first > 0) {
        await this.run(this.opts.ffmpeg, thumbnailArgs(file, 0, tmp), this.opts.probeTimeoutMs, signal);
        if (await nonEmpty(tmp)) return { atMs: 0 };
      }
      throw new VideoToolError('ffmpeg decoded no frame of the video', 'unreadable');
    });
  }

  async encode(file: string, spec: EncodeSpec, out: string, signal?: AbortSignal): Promise<void> {
    await this.atomically(out, '.mp4', async (tmp) => {
      await this.run(this.opts.ffmpeg, encodeArgs(file, spec, tmp), this.opts.encodeTimeoutMs, signal);
      if (!(await nonEmpty(tmp))) throw new VideoToolError('ffmpeg wrote an empty file', 'failed');
    });
  }

  private async atomically<T>(out: string, ext: string, write: (tmp: string) => Promise<T>): Promise<T> {
    const tmp = path.join(path.dirname(out), `.${path.basename(out)}.${randomBytes(6).toString('hex')}.tmp${ext}`);
    try {
      const result = await write(tmp);
      await fs.rename(tmp, out);
      return result;
    } finally {
      await fs.rm(tmp, { force: true });
    }
  }

  private run(bin: string, args: string[], timeoutMs: number, signal?: AbortSignal): Promise<{ stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new VideoToolError(`${path.basename(bin)} was not started: the work was cancelled`, 'aborted'));
      const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], shell: false, windowsHide: true });
      let stdout = '';
      let stderr = '';
      let killed: { kind: 'timeout' | 'aborted'; message: string } | undefined;
      const kill = (kind: 'timeout' | 'aborted', message: string) => {
        if (killed) return;
        killed = { kind, message };
        child.kill('SIGKILL');
      };
      const timer = setTimeout(() => kill('timeout', `${path.basename(bin)} took longer than ${Math.round(timeoutMs / 1000)} s and was stopped`), timeoutMs);
      const onAbort = () => kill('aborted', `${path.basename(bin)} was stopped: the work was cancelled`);
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        if (stdout.length < MAX_STDOUT) stdout += chunk;
      });
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        stderr = (stderr + chunk).slice(-MAX_STDERR);
      });
      child.on('error', (err: NodeJS.ErrnoException) => {
        done();
        const hint = err.code === 'ENOENT' ? " (install Debian's ffmpeg package, e.g. with scripts/setup.sh, or set FFMPEG_PATH / FFPROBE_PATH)" : '';
        reject(new VideoToolError(`cannot run ${bin}: ${err.message}${hint}`, 'failed'));
      });
      child.on('close', (code, sig) => {
        done();
        if (killed) return reject(new VideoToolError(killed.message, killed.kind));
        if (code === 0) return resolve({ stdout, stderr });
        const reason = lastLines(stderr) || `exit ${code ?? sig}`;
        // Killed by something else (out of memory) is worth a retry; a non-zero exit is ffmpeg refusing the input.
        reject(new VideoToolError(`${path.basename(bin)}: ${reason}`, sig ? 'failed' : 'unreadable'));
      });
    });
  }
}

async function nonEmpty(file: string): Promise<boolean> {
  const stat = await fs.stat(file).catch(() => undefined);
  return (stat?.size ?? 0) > 0;
}

/** The last few non-empty stderr lines, without the file path prefix ffmpeg puts before them. */
function lastLines(stderr: string): string {
  return stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(-3)
    .map((l) => l.replace(/^file:[^:]*:\s*/, ''))
    .join('; ')
    .slice(0, 500);
}
