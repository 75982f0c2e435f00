import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { orderAggregate } from '../aggregates/order.js';
import { AggregateRegistry } from '../aggregates/registry.js';
import { resolveEngineOptions } from '../engine/options.js';
import { S3Quarantine } from '../quarantine/s3-quarantine.js';
import { DynamoDbAggregateStore } from '../store/dynamodb-aggregate-store.js';
import type { BatchSummary } from './batch-summary.js';
import { loadProcessorConfig } from './config.js';
import { createStreamProcessorHandler } from './create-handler.js';

// Cold start: configuration is checked and clients are created once per execution environment.
// Endpoints come from the SDK's standard AWS_ENDPOINT_URL_<SERVICE> variables (set only by the local stack).
const config = loadProcessorConfig();
const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
});
const s3 = new S3Client({ forcePathStyle: config.S3_FORCE_PATH_STYLE });

const batchObservers = new Set<(summary: BatchSummary) => void>();

/** Registers a listener for every batch's summary; returns its removal. Used by the local stack's status line. */
export function observeBatches(listener: (summary: BatchSummary) => void): () => void {
  batchObservers.add(listener);
  return () => batchObservers.delete(listener);
}

/** The Lambda entry point of the stream processor (Kinesis event source mapping with ReportBatchItemFailures). */
export const handler = createStreamProcessorHandler(
  {
    registry: new AggregateRegistry([orderAggregate]),
    store: new DynamoDbAggregateStore({ client: dynamo, tableName: config.TABLE_NAME }),
    quarantine: new S3Quarantine({
      client: s3,
      bucket: config.QUARANTINE_BUCKET,
      prefix: config.QUARANTINE_PREFIX,
    }),
    engine: resolveEngineOptions({
      recentWindow: config.RECENT_WINDOW,
      maxGapAgeMs: config.MAX_GAP_AGE_SECONDS * 1000,
    }),
    processorVersion: config.PROCESSOR_VERSION,
    writeConcurrency: config.WRITE_CONCURRENCY,
    maxWriteAttempts: config.MAX_WRITE_ATTEMPTS,
  },
  {
    onBatchProcessed: (summary) => {
      for (const listener of batchObservers) listener(summary);
    },
  },
);
