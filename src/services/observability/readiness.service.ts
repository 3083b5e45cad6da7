export type ReadinessCheckName = 'database' | 'storage' | 'temporal';

export type ReadinessChecks = Record<ReadinessCheckName, () => Promise<void>>;

export interface ReadinessReport {
  status: 'ready' | 'not ready';
  checks: Record<ReadinessCheckName, string>;
}

export class CheckTimeout extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = 'CheckTimeout';
  }
}

/**
 * /ready: the process can do its work only when the catalog answers, the
 * storage root takes a write and Temporal answers. The checks run in
 * parallel, each bounded by `timeoutMs`, so a hung dependency makes the
 * answer "not ready" instead of a hung probe. A failing check is named with
 * its reason; the others still say 'ok'.
 */
export class ReadinessService {
  constructor(
    private readonly checks: ReadinessChecks,
    private readonly timeoutMs = 2_000,
  ) {}

  async check(): Promise<ReadinessReport> {
    const names = Object.keys(this.checks) as ReadinessCheckName[];
    const results = await Promise.all(names.map((name) => this.run(this.checks[name])));
    const checks = Object.fromEntries(names.map((name, i) => [name, results[i]!])) as Record<ReadinessCheckName, string>;
    return { status: results.every((r) => r === 'ok') ? 'ready' : 'not ready', checks };
  }

  private async run(check: () => Promise<void>): Promise<string> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new CheckTimeout(this.timeoutMs)), this.timeoutMs);
    });
    try {
      await Promise.race([check(), timeout]);
      return 'ok';
    } catch (err) {
      // The first line only: /ready is unauthenticated, a stack or a driver's long diagnostics stay in the logs.
      const message = (err instanceof Error ? err.message : String(err)).split('\n')[0]!.slice(0, 200);
      return `failed: ${message}`;
    } finally {
      clearTimeout(timer);
    }
  }
}
