import { Metrics } from '@aws-lambda-powertools/metrics';

/**
 * Powertools metrics that publish nothing: the local stack's handlers count through the batch summaries, and
 * EMF documents on stdout would garble the status line. Powertools disables metrics only through the
 * process-wide `POWERTOOLS_METRICS_DISABLED` variable, which the local stack must not set (several stacks
 * share a process).
 */
export class SilentMetrics extends Metrics {
  /** Drops what was stored instead of printing it. */
  override publishStoredMetrics(): this {
    this.clearMetrics();
    this.clearDimensions();
    this.clearMetadata();
    return this;
  }
}
