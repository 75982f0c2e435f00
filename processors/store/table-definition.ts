import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * The sparse global secondary index of aggregates with a gap: keyed on `gapSince`, which a snapshot item carries
 * only while events are buffered, so the index holds only those items (keys only). The stalled check and the
 * operator's `stalled` listing scan it instead of the table.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-indexes-general-sparse-indexes.html
 */
export const GAP_INDEX_NAME = 'gaps';

/** The aggregate table's key schema and its gap index (the Pulumi program declares the same on AWS). */
export function aggregateTableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
      { AttributeName: 'gapSince', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: GAP_INDEX_NAME,
        KeySchema: [{ AttributeName: 'gapSince', KeyType: 'HASH' }],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
    ],
  };
}
