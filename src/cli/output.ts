import { MultiBar, Presets, SingleBar } from 'cli-progress';

/**
 * Where results and progress go. `--json` writes one JSON document to stdout
 * and nothing else there; progress always goes to stderr, as bars on a
 * terminal and as plain lines otherwise (logs, CI).
 */
export class Output {
  constructor(
    readonly json: boolean,
    private readonly stdout: NodeJS.WriteStream = process.stdout,
    readonly stderr: NodeJS.WriteStream = process.stderr,
  ) {}

  /** Bars only where someone watches them, and never mixed into machine output's terminal. */
  get bars(): boolean {
    return this.stderr.isTTY === true;
  }

  /** The command's result: `doc` under --json, else `text`. */
  result(doc: unknown, text: string): void {
    this.stdout.write(this.json ? `${JSON.stringify(doc, null, 2)}\n` : text.endsWith('\n') || text === '' ? text : `${text}\n`);
  }

  /** A progress line for plain output (stderr). */
  note(line: string): void {
    this.stderr.write(`${line}\n`);
  }

  /** A set of byte bars (one per file plus a total), or plain lines when stderr is not a terminal. */
  byteBars(): ByteBars {
    return this.bars ? new TerminalByteBars(this.stderr) : new PlainByteBars(this);
  }

  /** One bar for a job's progress (percent and progressMessage). */
  jobBar(): JobBar {
    return this.bars ? new TerminalJobBar(this.stderr) : new PlainJobBar(this);
  }
}

export interface ByteBar {
  add(n: number): void;
  finish(): void;
}
export interface ByteBars {
  bar(label: string, total: number): ByteBar;
  stop(): void;
}

const BYTES_FORMAT = ' {bar} {percentage}% | {label} | {value}/{total} bytes';

class TerminalByteBars implements ByteBars {
  private readonly multi: MultiBar;

  constructor(stream: NodeJS.WriteStream) {
    this.multi = new MultiBar({ stream, format: BYTES_FORMAT, hideCursor: true, clearOnComplete: false }, Presets.shades_classic);
  }

  bar(label: string, total: number): ByteBar {
    const b = this.multi.create(total, 0, { label });
    let value = 0;
    return {
      // A multipart body is a little larger than its file: the bar stops at the file's size.
      add: (n) => b.update((value = Math.min(total, value + n))),
      finish: () => b.update(total),
    };
  }

  stop(): void {
    this.multi.stop();
  }
}

class PlainByteBars implements ByteBars {
  constructor(private readonly out: Output) {}

  bar(label: string, total: number): ByteBar {
    return { add: () => undefined, finish: () => this.out.note(`${label}: ${total} bytes sent`) };
  }

  stop(): void {}
}

export interface JobBar {
  update(percent: number, message: string): void;
  stop(): void;
}

class TerminalJobBar implements JobBar {
  private readonly bar: SingleBar;
  private started = false;

  constructor(stream: NodeJS.WriteStream) {
    this.bar = new SingleBar({ stream, format: ' {bar} {percentage}% | {message}', hideCursor: true }, Presets.shades_classic);
  }

  update(percent: number, message: string): void {
    if (!this.started) {
      this.bar.start(100, 0, { message });
      this.started = true;
    }
    this.bar.update(Math.max(0, Math.min(100, Math.round(percent))), { message });
  }

  stop(): void {
    if (this.started) this.bar.stop();
  }
}

class PlainJobBar implements JobBar {
  private last = '';

  constructor(private readonly out: Output) {}

  update(percent: number, message: string): void {
    const line = `${Math.round(percent)}% ${message}`.trim();
    if (line !== this.last) this.out.note(line);
    this.last = line;
  }

  stop(): void {}
}

/** A text bar for tables: `[#####-----]`. */
export function textBar(percent: number, width = 20): string {
  const filled = Math.max(0, Math.min(width, Math.round((percent / 100) * width)));
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}

/** Columns padded to their widest cell. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}
