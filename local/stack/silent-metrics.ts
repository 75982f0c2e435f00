import { Metrics } from '@aws-lambda-powertools/metrics';

/**
 * Powertools metrics that publish nothing: the local stack's handlers count through the batch summaries, and
 * EMF documents on stdout would garble the status line. Powertools disables metrics only through the
 * process-wide `POWERTOOLS_METRICS_DISABLED` variable, which the local stack must not set (several stacks
 * share a process).
 */
export class SilentMetrics extends Metrics {
  readonly #options: ConstructorParameters<typeof Metrics>[0];

  constructor(options: ConstructorParameters<typeof Metrics>[0] = {}) {
    super(options);
    this.#options = options;
  }

  /** A single-metric logger that is silent too (ingest counts each rejection through one). */
  override singleMetric(): Metrics {
    return new SilentMetrics(this.#options);
  }

  /** Drops what was stored instead of printing it. */
  override publishStoredMetrics(): this {
    this.clearMetrics();
    this.clearDimensions();
    this.clearMetadata();
    return this;
  }
}
