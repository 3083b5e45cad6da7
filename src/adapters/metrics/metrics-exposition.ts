import { Registry } from 'prom-client';

/** Several registries (process, job catalog, worker) rendered as one Prometheus text page. */
export class MetricsExposition {
  private readonly registry: Registry;

  constructor(registries: readonly Registry[]) {
    this.registry = Registry.merge([...registries]);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
