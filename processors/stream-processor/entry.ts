/**
 * Lambda entry of the stream processor (Kinesis event source mapping with ReportBatchItemFailures). The
 * factory takes the environment (its contract: config.ts) and, from the local stack or tests, ready clients
 * and observability; the deployed `handler` (handler.ts) is the factory applied to `process.env`, with
 * clients from the SDK's defaults.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { orderAggregate } from '../aggregates/order.js';
import { AggregateRegistry } from '../aggregates/registry.js';
import { resolveEngineOptions } from '../engine/options.js';
import type { EnvironmentInput } from '../lambda-config/index.js';
import { S3Quarantine } from '../quarantine/s3-quarantine.js';
import { DynamoDbAggregateStore } from '../store/dynamodb-aggregate-store.js';
import { lambdaTracing } from '../tracing/lambda-tracing.js';
import type { Tracing } from '../tracing/tracing.js';
import type { BatchSummary } from './batch-summary.js';
import { loadProcessorConfig } from './config.js';
import { createStreamProcessorHandler, type KinesisBatchHandler } from './create-handler.js';

/** What the caller may hand the entry instead of the defaults. */
export interface StreamProcessorEntryOptions {
  /** @default a DynamoDB document client from the SDK's default chain */
  readonly dynamodb?: DynamoDBDocumentClient;
  /** @default an S3 client from the SDK's default chain */
  readonly s3?: S3Client;
  readonly logger?: Logger;
  readonly metrics?: Metrics;
  /** Called with every batch's summary (the local stack's status line). */
  readonly onBatchProcessed?: (summary: BatchSummary) => void;
  /**
   * Spans of every batch (docs/tracing.md), flushed before the handler returns.
   * @default `lambdaTracing(config, 'stream-processor')`, built from `TRACING`
   */
  readonly tracing?: Tracing;
}

/**
 * Builds the stream processor's handler from its environment; checks the configuration once (cold start).
 * @throws LambdaConfigError naming each bad variable.
 */
export function createStreamProcessorEntry(
  environment: EnvironmentInput,
  options: StreamProcessorEntryOptions = {},
): KinesisBatchHandler {
  const config = loadProcessorConfig(environment);
  const dynamodb =
    options.dynamodb ??
    DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
  const s3 = options.s3 ?? new S3Client({ forcePathStyle: config.S3_FORCE_PATH_STYLE });
  return createStreamProcessorHandler(
    {
      registry: new AggregateRegistry([orderAggregate]),
      store: new DynamoDbAggregateStore({ client: dynamodb, tableName: config.TABLE_NAME }),
      quarantine: new S3Quarantine({
        client: s3,
        bucket: config.QUARANTINE_BUCKET,
        prefix: config.QUARANTINE_PREFIX,
      }),
      engine: resolveEngineOptions({
        recentWindow: config.RECENT_WINDOW,
        maxGapAgeMs: config.MAX_GAP_AGE_SECONDS * 1000,
        maxSnapshotBytes: config.MAX_SNAPSHOT_BYTES,
        maxBufferedEvents: config.MAX_BUFFERED_EVENTS,
      }),
      processorVersion: config.PROCESSOR_VERSION,
      writeConcurrency: config.WRITE_CONCURRENCY,
      maxWriteAttempts: config.MAX_WRITE_ATTEMPTS,
      tracing: options.tracing ?? lambdaTracing(config, 'stream-processor'),
      tableName: config.TABLE_NAME,
    },
    {
      ...(options.logger === undefined ? {} : { logger: options.logger }),
      ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
      ...(options.onBatchProcessed === undefined ? {} : { onBatchProcessed: options.onBatchProcessed }),
    },
  );
}
