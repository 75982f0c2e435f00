import http from 'node:http';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AggregateRegistry } from '../aggregates/registry.js';
import { eventBridgeClientPort } from '../bus-bridge/index.js';
import { resolveEngineOptions } from '../engine/options.js';
import { createOrderedProducer } from '../producer/producer.js';
import { DynamoDbAggregateStore } from '../store/dynamodb-aggregate-store.js';
import { aggregateTableDefinition } from '../store/table-definition.js';
import { busTarget, type ReplayMarker } from './bus-target.js';
import { ReplayOptionsError } from './errors.js';
import { projectionTarget } from './projection-target.js';
import type { ClientEnvironment, ReplayEnvironment } from './replay-environment.js';

export type { ClientEnvironment } from './replay-environment.js';

import type { ReplayTarget } from './replay-target.js';
import { S3ArchiveSource } from './s3-archive-source.js';
import { streamTarget } from './stream-target.js';

/** The kinds of replay target. */
export const TARGET_KINDS = ['stream', 'bus', 'projection'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

/** The names a target may need; a missing one is refused when that target is built. */
export type TargetEnvironment = ClientEnvironment &
  Partial<Pick<ReplayEnvironment, 'streamName' | 'table' | 'busName'>> &
  Pick<ReplayEnvironment, 'sourcePrefix'>;

const common = (env: ClientEnvironment) => ({
  ...(env.region === undefined ? {} : { region: env.region }),
  ...(env.credentials === undefined ? {} : { credentials: env.credentials }),
});

/** The archive of an environment as a replay source. */
export function archiveSourceFor(env: ClientEnvironment & { readonly bucket: string }): S3ArchiveSource {
  const compatible = env.s3Compatible ?? env.endpoints.s3 !== undefined;
  const client = new S3Client({
    ...common(env),
    ...(env.endpoints.s3 === undefined ? {} : { endpoint: env.endpoints.s3 }),
    ...(compatible ? { forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED' as const } : {}),
  });
  // s3rver cannot page ListObjectsV2 on this Node (see S3ArchiveSource); AWS uses V2.
  return new S3ArchiveSource({ client, bucket: env.bucket, listing: compatible ? 'v1-marker' : 'v2' });
}

const named = (value: string | undefined, what: string, flag: string): string => {
  if (value === undefined)
    throw new ReplayOptionsError(`${what} needs ${flag}: the environment does not name it`);
  return value;
};

/** Options of {@link targetFor}. */
export interface TargetForOptions {
  readonly kind: TargetKind;
  readonly registry: AggregateRegistry;
  readonly marker: ReplayMarker;
  /** Projection table; the live table when absent. */
  readonly table?: string;
  /** Create the projection table when it does not exist. */
  readonly createTable?: boolean;
  /** Refuse a projection table that does not exist before any write (one DescribeTable). @default false */
  readonly checkTable?: boolean;
}

/** Builds the target of an environment: Kinesis producer, EventBridge bus, or the DynamoDB aggregate store. */
export async function targetFor(env: TargetEnvironment, options: TargetForOptions): Promise<ReplayTarget> {
  switch (options.kind) {
    case 'stream': {
      const client = new KinesisClient({
        ...common(env),
        ...(env.endpoints.kinesis === undefined ? {} : { endpoint: env.endpoints.kinesis }),
        requestHandler: new NodeHttpHandler({
          httpAgent: new http.Agent({ keepAlive: true }),
          requestTimeout: 30_000,
        }),
      });
      const streamName = named(env.streamName, '--target stream', '--stream');
      const producer = createOrderedProducer({ client, streamName });
      return streamTarget(producer, `stream ${streamName} in ${env.name}`);
    }
    case 'bus': {
      if (env.local && env.endpoints.eventbridge === undefined) {
        throw new ReplayOptionsError(
          'the local stack’s endpoints.json names no EventBridge endpoint (it was written by an older version): restart npm start, then replay again',
        );
      }
      const client = new EventBridgeClient({
        ...common(env),
        ...(env.endpoints.eventbridge === undefined ? {} : { endpoint: env.endpoints.eventbridge }),
      });
      const busName = named(env.busName, '--target bus', '--bus');
      return busTarget({
        bus: eventBridgeClientPort(client),
        busName,
        sourcePrefix: env.sourcePrefix,
        marker: options.marker,
        description: `bus ${busName} in ${env.name}`,
      });
    }
    case 'projection': {
      const table = options.table ?? named(env.table, '--target projection', '--table or --projection-table');
      const raw = new DynamoDBClient({
        ...common(env),
        ...(env.endpoints.dynamodb === undefined ? {} : { endpoint: env.endpoints.dynamodb }),
      });
      if (options.createTable === true) await ensureTable(raw, table);
      else if (options.checkTable === true) await requireTable(raw, table, env.name);
      const client = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
      const live = table === env.table ? 'the LIVE projection' : 'a separate projection';
      return projectionTarget({
        store: new DynamoDbAggregateStore({ client, tableName: table }),
        registry: options.registry,
        engine: resolveEngineOptions(),
        description: `table ${table} (${live}) in ${env.name}`,
      });
    }
    default: {
      const exhaustive: never = options.kind;
      throw new ReplayOptionsError(`unknown target ${String(exhaustive)}`);
    }
  }
}

/**
 * Refuses a projection table that does not exist, naming it and --create-table: otherwise every write fails with
 * DynamoDB's bare "Requested resource not found". Without DescribeTable permission the writes decide.
 */
export async function requireTable(client: DynamoDBClient, table: string, where: string): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: table }));
  } catch (error) {
    if (error instanceof ResourceNotFoundException) {
      throw new ReplayOptionsError(
        `table ${table} does not exist in ${where}: pass --create-table to create it, or name another with --projection-table`,
        { cause: error },
      );
    }
    if ((error as { name?: string }).name === 'AccessDeniedException') return;
    throw error;
  }
}

/** Creates the aggregate table unless it exists, and waits until it is active. */
export async function ensureTable(client: DynamoDBClient, table: string): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: table }));
    return;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  await client.send(new CreateTableCommand(aggregateTableDefinition(table)));
  for (let i = 0; i < 600; i++) {
    const status = (await client.send(new DescribeTableCommand({ TableName: table }))).Table?.TableStatus;
    if (status === 'ACTIVE') return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`table ${table} did not become active`);
}
