import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { readLocalEndpoints } from '../../local/endpoints/endpoints-file.js';
import { DynamoDbAggregateStore } from '../../processors/store/dynamodb-aggregate-store.js';

/** Where the operator's commands act, and how to say so in a prompt. */
export interface OperatorTarget {
  readonly store: DynamoDbAggregateStore;
  /** e.g. `local stack (.local)` or `AWS table orders-dev in eu-west-1`. */
  readonly description: string;
  close(): void;
}

/** Thrown when neither a local stack nor a table name is available. */
export class OperatorConfigError extends Error {
  override readonly name = 'OperatorConfigError';
}

/** Resolves the table: the local stack's endpoints.json when present, else the standard AWS environment. */
export async function resolveOperatorTarget(options: {
  readonly dataDir: string;
  readonly table?: string;
  readonly env?: NodeJS.ProcessEnv;
}): Promise<OperatorTarget> {
  const env = options.env ?? process.env;
  const local = await readLocalEndpoints(options.dataDir);
  let client: DynamoDBClient;
  let tableName: string;
  let description: string;
  if (local !== undefined && options.table === undefined) {
    client = new DynamoDBClient({
      endpoint: local.endpoints.dynamodb,
      region: local.region,
      credentials: local.credentials,
    });
    tableName = local.table;
    description = `local stack (${options.dataDir}), table ${tableName}`;
  } else {
    tableName = options.table ?? env.TABLE_NAME ?? '';
    if (tableName === '') {
      throw new OperatorConfigError(
        `no local stack at ${options.dataDir} (no endpoints.json) and no table: pass --table <name> or set TABLE_NAME`,
      );
    }
    client = new DynamoDBClient({});
    description = `table ${tableName} in ${await client.config.region()}`;
  }
  const documentClient = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  return {
    store: new DynamoDbAggregateStore({ client: documentClient, tableName }),
    description,
    close: () => client.destroy(),
  };
}
