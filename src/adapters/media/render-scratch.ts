import fs from 'node:fs/promises';
import path from 'node:path';

/** Temporary files of one render, beside its output (same volume, removed with it). */
export class Scratch {
  private dir?: string;

  constructor(private readonly beside: string) {}

  async file(name: string): Promise<string> {
    this.dir ??= await fs.mkdtemp(`${this.beside}.colour-`);
    return path.join(this.dir, name);
  }

  async dispose(): Promise<void> {
    if (this.dir) await fs.rm(this.dir, { recursive: true, force: true });
  }
}
