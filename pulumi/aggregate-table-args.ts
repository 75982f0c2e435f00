/**
 * The aggregate table's Pulumi arguments, derived from the one table definition the processor, the local stack and
 * the tests create tables from (`processors/store/table-definition.ts`): the live table and every projection table a
 * backfill rebuilds into have the same keys and gap index, so a rebuilt projection can replace the live one.
 */
import type * as aws from '@pulumi/aws';
import type * as pulumi from '@pulumi/pulumi';
import { aggregateTableDefinition } from '../processors/store/table-definition.js';

/** Options of {@link aggregateTableArgs}. */
export interface AggregateTableOptions {
  /** Physical name; the provider names the table when unset. */
  readonly name?: string;
  /** Customer managed key of the table's encryption at rest. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** Disposable stacks have no deletion protection. */
  readonly disposable: boolean;
}

/** `aws.dynamodb.Table` arguments: on-demand, PITR, SSE with the data key, keys and indexes from the shared definition. */
export function aggregateTableArgs(options: AggregateTableOptions): aws.dynamodb.TableArgs {
  const definition = aggregateTableDefinition(options.name ?? '');
  const keyOf = (schema: typeof definition.KeySchema, type: 'HASH' | 'RANGE') =>
    schema?.find((k) => k.KeyType === type)?.AttributeName;
  const hashKey = keyOf(definition.KeySchema, 'HASH');
  const rangeKey = keyOf(definition.KeySchema, 'RANGE');
  return {
    ...(options.name === undefined ? {} : { name: options.name }),
    billingMode: 'PAY_PER_REQUEST',
    ...(hashKey === undefined ? {} : { hashKey }),
    ...(rangeKey === undefined ? {} : { rangeKey }),
    attributes: (definition.AttributeDefinitions ?? []).map((a) => ({
      name: String(a.AttributeName),
      type: String(a.AttributeType),
    })),
    globalSecondaryIndexes: (definition.GlobalSecondaryIndexes ?? []).map((index) => {
      const indexHash = keyOf(index.KeySchema, 'HASH');
      const indexRange = keyOf(index.KeySchema, 'RANGE');
      return {
        name: String(index.IndexName),
        ...(indexHash === undefined ? {} : { hashKey: indexHash }),
        ...(indexRange === undefined ? {} : { rangeKey: indexRange }),
        projectionType: String(index.Projection?.ProjectionType ?? 'ALL'),
      };
    }),
    pointInTimeRecovery: { enabled: true },
    serverSideEncryption: { enabled: true, kmsKeyArn: options.kmsKeyArn },
    deletionProtectionEnabled: !options.disposable,
  };
}
