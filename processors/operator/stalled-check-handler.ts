import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { DynamoDbAggregateStore } from '../store/dynamodb-aggregate-store.js';
import { createStalledCheck } from './stalled-check.js';

const env = z
  .object({
    TABLE_NAME: z.string().min(1),
    MAX_GAP_AGE_SECONDS: z.coerce.number().int().min(1).default(3600),
  })
  .safeParse(process.env);
if (!env.success) {
  const names = env.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`).join('; ');
  throw new Error(`invalid stalled-check configuration: ${names}`);
}

/** Lambda entry run on a schedule: logs and counts (metric `Stalled`) every aggregate whose gap is too old. */
export const handler = createStalledCheck({
  store: new DynamoDbAggregateStore({
    client: DynamoDBDocumentClient.from(new DynamoDBClient({})),
    tableName: env.data.TABLE_NAME,
  }),
  maxGapAgeMs: env.data.MAX_GAP_AGE_SECONDS * 1000,
  logger: new Logger({ serviceName: 'stream-processor' }),
  metrics: new Metrics({ serviceName: 'stream-processor' }),
});
