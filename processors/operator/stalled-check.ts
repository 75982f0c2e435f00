import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { AggregateStore } from '../store/aggregate-store.js';
import { GapIndexNotReadyError } from '../store/errors.js';
import { type GapListing, listGaps } from './aggregate-operations.js';

/** What the scheduled stalled check needs. */
export interface StalledCheckDeps {
  readonly store: AggregateStore;
  readonly maxGapAgeMs: number;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly now?: () => Date;
}

/**
 * Builds the scheduled check that reports every stalled aggregate, including those no batch touches any more
 * (the processor only sees a gap when another event of the aggregate arrives).
 */
export function createStalledCheck(
  deps: StalledCheckDeps,
): () => Promise<{ stalled: GapListing[]; skipped?: string }> {
  return async () => {
    let stalled: GapListing[];
    try {
      stalled = await listGaps(deps.store, {
        now: (deps.now ?? (() => new Date()))(),
        maxGapAgeMs: deps.maxGapAgeMs,
      });
    } catch (error) {
      // Right after the index is added to a populated table: the next run (5 minutes on) reads it. Not an error.
      if (!(error instanceof GapIndexNotReadyError)) throw error;
      deps.logger.warn('gap index still being built; skipping this check', { error: error.message });
      return { stalled: [], skipped: 'gap index not ready' };
    }
    for (const gap of stalled) {
      deps.logger.warn('aggregate stalled: gap older than MAX_GAP_AGE_SECONDS', { aggregate: gap });
    }
    deps.metrics.addMetric('Stalled', MetricUnit.Count, stalled.length);
    deps.metrics.publishStoredMetrics();
    return { stalled };
  };
}
