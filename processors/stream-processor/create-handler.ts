import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import type { BatchSummary } from './batch-summary.js';
import { type BatchProcessorDeps, processKinesisBatch } from './process-batch.js';

/** A Lambda handler for Kinesis batches. */
export type KinesisBatchHandler = (
  event: KinesisStreamEvent,
  context?: Context,
) => Promise<KinesisStreamBatchResponse>;

/** Observability of the handler; defaults come from Powertools' environment variables. */
export interface HandlerObservability {
  readonly logger?: Logger;
  readonly metrics?: Metrics;
  /** Called with every batch's summary (the local stack's status line uses it). */
  readonly onBatchProcessed?: (summary: BatchSummary) => void;
}

/** Builds the Kinesis batch handler around the batch processor, with structured logs and EMF metrics. */
export function createStreamProcessorHandler(
  deps: BatchProcessorDeps,
  observability: HandlerObservability = {},
): KinesisBatchHandler {
  const logger = observability.logger ?? new Logger({ serviceName: 'stream-processor' });
  const metrics = observability.metrics ?? new Metrics({ serviceName: 'stream-processor' });
  return async (event, context) => {
    const started = performance.now();
    const records = event.Records ?? [];
    const first = records[0];
    const batchKeys = {
      batch: {
        size: records.length,
        shardId: first?.eventID.split(':')[0],
        firstSequenceNumber: first?.kinesis.sequenceNumber,
        lastSequenceNumber: records.at(-1)?.kinesis.sequenceNumber,
      },
    };
    if (context) logger.addContext(context);
    logger.appendKeys(batchKeys);
    try {
      const { response, summary } = await processKinesisBatch(event, {
        ...deps,
        ...(context === undefined ? {} : { consumerGroup: context.functionName }),
        onAggregateFailure: (group, error) =>
          logger.warn('aggregate write failed; reporting its first record for redelivery', {
            aggregate: group.pk,
            itemIdentifier: group.firstSequenceNumber,
            error,
          }),
        // A wrong bucket or a missing permission would otherwise only show as the record coming back.
        onQuarantineFailure: (record, error) =>
          logger.error('quarantine write failed; reporting the record for redelivery', {
            record,
            error,
          }),
        onStoreRejected: (group, error) =>
          logger.error("DynamoDB refused the aggregate's write; quarantining its events (store-rejected)", {
            aggregate: group.pk,
            error,
          }),
      });
      for (const stalled of summary.stalled) {
        logger.warn(
          stalled.blocked === undefined
            ? 'aggregate stalled: gap older than MAX_GAP_AGE_SECONDS'
            : `aggregate stalled: event refused (${stalled.blocked.reason})`,
          { aggregate: stalled },
        );
      }
      metrics.addMetric('Applied', MetricUnit.Count, summary.applied + summary.drained);
      metrics.addMetric('Duplicates', MetricUnit.Count, summary.duplicates);
      metrics.addMetric('Conflicts', MetricUnit.Count, summary.conflicts);
      metrics.addMetric('Rejected', MetricUnit.Count, summary.rejected);
      metrics.addMetric('Buffered', MetricUnit.Count, summary.buffered);
      metrics.addMetric('Drained', MetricUnit.Count, summary.drained);
      metrics.addMetric('Poison', MetricUnit.Count, summary.poison);
      metrics.addMetric('Stalled', MetricUnit.Count, summary.stalled.length);
      metrics.addMetric('WriteRetries', MetricUnit.Count, summary.writeRetries);
      metrics.addMetric('QuarantineWrites', MetricUnit.Count, summary.quarantineWrites);
      metrics.addMetric('QuarantineWriteFailures', MetricUnit.Count, summary.quarantineFailures);
      metrics.addMetric('FailedAggregates', MetricUnit.Count, summary.failedAggregates);
      metrics.addMetric('BatchDurationMs', MetricUnit.Milliseconds, performance.now() - started);
      if (summary.appliedLagMs.length > 0) {
        metrics.addMetric('AppliedLagMsMax', MetricUnit.Milliseconds, Math.max(...summary.appliedLagMs));
      }
      const { appliedLagMs: _lags, stalled: _stalled, ...counts } = summary;
      logger.info('batch processed', { counts, batchItemFailures: response.batchItemFailures.length });
      observability.onBatchProcessed?.(summary);
      return response;
    } finally {
      metrics.publishStoredMetrics();
      // Lambda freezes the environment once the handler returns, so spans not exported now may never be
      // (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html).
      if (deps.tracing?.enabled === true) {
        await deps.tracing
          .flush()
          .catch((error: unknown) => logger.warn('exporting the batch spans failed', { error }));
      }
      logger.removeKeys(['batch']);
    }
  };
}
