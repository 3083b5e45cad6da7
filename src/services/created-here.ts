/**
 * What this process has just created in Temporal (a job run, a schedule),
 * kept until Temporal's visibility list names it. Visibility learns of a new
 * workflow or schedule a moment late, while this process knows at once: the
 * lists getActiveJobs and getScheduledJobs answer add what is kept here, so a
 * client sees what it submitted as soon as submitJob answers. An entry is
 * dropped once a list names it (that list carries it from then on) or after
 * ttlMs, by which time visibility has it.
 */
export class CreatedHere<T> {
  private readonly entries = new Map<string, { value: T; until: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  add(id: string, value: T): void {
    const now = this.now();
    // Pruned here too, so entries nobody lists do not pile up.
    for (const [key, entry] of this.entries) if (entry.until <= now) this.entries.delete(key);
    this.entries.set(id, { value, until: now + this.ttlMs });
  }

  forget(id: string): void {
    this.entries.delete(id);
  }

  /** What is kept and not in the list visibility just answered; the entries it names, and those too old, are dropped. */
  notListed(listed: ReadonlySet<string>): T[] {
    const now = this.now();
    const out: T[] = [];
    for (const [id, { value, until }] of this.entries) {
      if (until <= now || listed.has(id)) this.entries.delete(id);
      else out.push(value);
    }
    return out;
  }
}
