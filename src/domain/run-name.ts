/**
 * IPS run names: `<originalName>_yyyy-MM-dd-HH:mm:ss.SSS`, as IPS's replies show them
 * (docs/jobs/job-engine.md#runs-and-job-handles),
 * in UTC. Pure (no Node built-ins) so workflows can name their own runs.
 */
export function runName(originalName: string, at: Date): string {
  const iso = at.toISOString(); // 2007-09-14T15:04:34.123Z
  return `${originalName}_${iso.slice(0, 10)}-${iso.slice(11, 23)}`;
}
