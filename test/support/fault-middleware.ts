import { type DynamoDBClient, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Injects DynamoDB throttling errors into the calls a predicate picks (command name as `PutItemCommand`, input unmarshalled). */
export function injectDynamoThrottling(
  client: DynamoDBClient | DynamoDBDocumentClient,
  shouldFail: (commandName: string, input: Record<string, unknown>) => boolean,
): { failures: number } {
  const stats = { failures: 0 };
  (client.middlewareStack as DynamoDBClient['middlewareStack']).add(
    (next, context) => async (args) => {
      if (shouldFail(String(context.commandName), args.input as Record<string, unknown>)) {
        stats.failures++;
        throw new ProvisionedThroughputExceededException({
          message: 'injected: rate of requests exceeds the allowed throughput',
          $metadata: { httpStatusCode: 400 },
        });
      }
      return next(args);
    },
    { step: 'initialize', name: 'injectDynamoThrottling' },
  );
  return stats;
}
