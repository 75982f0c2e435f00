import { DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbAggregateStore } from '../../processors/store/dynamodb-aggregate-store.js';
import type { EnvironmentWith } from '../environment/index.js';

/** Where the operator's commands act, and how to say so in a prompt. */
export interface OperatorTarget {
  readonly store: DynamoDbAggregateStore;
  /** e.g. `local stack (/repo/.local), table aggregates` or `pulumi stack prod, table orders-prod`. */
  readonly description: string;
  readonly tableName: string;
  close(): void;
}

/** Thrown when the environment's table cannot be used. */
export class OperatorConfigError extends Error {
  override readonly name = 'OperatorConfigError';
}

/** The aggregate table of an environment (tools/environment), with the environment's endpoint and credentials. */
export function operatorTargetFor(env: EnvironmentWith<'table'>): OperatorTarget {
  const client = new DynamoDBClient({
    ...(env.region === undefined ? {} : { region: env.region }),
    ...(env.credentials === undefined ? {} : { credentials: env.credentials }),
    ...(env.endpoints.dynamodb === undefined ? {} : { endpoint: env.endpoints.dynamodb }),
  });
  const documentClient = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  return {
    store: new DynamoDbAggregateStore({ client: documentClient, tableName: env.table }),
    description: `${env.name}, table ${env.table}`,
    tableName: env.table,
    close: () => client.destroy(),
  };
}

/**
 * Names the table and the flags that choose it when DynamoDB answers only "Requested resource not found";
 * other errors pass through unchanged.
 */
export function explainMissingTable(error: unknown, target: OperatorTarget): unknown {
  if (!(error instanceof ResourceNotFoundException)) return error;
  return new OperatorConfigError(
    `table ${target.tableName} does not exist (${target.description}): choose the environment with --table, --stack or --data-dir`,
    { cause: error },
  );
}
