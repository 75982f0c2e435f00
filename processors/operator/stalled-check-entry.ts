/**
 * Lambda entry of the scheduled stalled check: logs and counts (metric `Stalled`) every aggregate whose gap
 * is too old. The factory takes the environment (contract: config.ts); `handler` (in the handler module)
 * applies it to `process.env`.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { EnvironmentInput } from '../lambda-config/index.js';
import { DynamoDbAggregateStore } from '../store/dynamodb-aggregate-store.js';
import { loadStalledCheckConfig } from './config.js';
import { createStalledCheck } from './stalled-check.js';

/** What the caller may hand the entry instead of the defaults. */
export interface StalledCheckEntryOptions {
  /** @default a DynamoDB document client from the SDK's default chain */
  readonly dynamodb?: DynamoDBDocumentClient;
  readonly logger?: Logger;
  readonly metrics?: Metrics;
}

/**
 * Builds the stalled check's handler from its environment (checked once, at cold start).
 * @throws LambdaConfigError naming each bad variable.
 */
export function createStalledCheckEntry(
  environment: EnvironmentInput,
  options: StalledCheckEntryOptions = {},
) {
  const config = loadStalledCheckConfig(environment);
  return createStalledCheck({
    store: new DynamoDbAggregateStore({
      client: options.dynamodb ?? DynamoDBDocumentClient.from(new DynamoDBClient({})),
      tableName: config.TABLE_NAME,
    }),
    maxGapAgeMs: config.MAX_GAP_AGE_SECONDS * 1000,
    logger: options.logger ?? new Logger({ serviceName: 'stream-processor' }),
    metrics: options.metrics ?? new Metrics({ serviceName: 'stream-processor' }),
  });
}
