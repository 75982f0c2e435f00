import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type RunningEmulator, startDynalite, startS3rver } from '../../local/emulators/index.js';
import { AggregateRegistry, orderAggregate } from '../../processors/aggregates/index.js';
import { type EngineOptions, resolveEngineOptions } from '../../processors/engine/index.js';
import { S3Quarantine } from '../../processors/quarantine/index.js';
import { aggregateTableDefinition, DynamoDbAggregateStore } from '../../processors/store/index.js';
import type { BatchProcessorDeps } from '../../processors/stream-processor/index.js';
import { localDocumentClient, localS3Client } from './aws-clients.js';

/** Real dynalite + s3rver with the aggregate table and quarantine bucket created. */
export interface LocalAwsFixture {
  readonly dynamo: RunningEmulator;
  readonly s3: RunningEmulator;
  readonly s3Client: S3Client;
  readonly bucket: string;
  /** A fresh table per call, so tests do not see each other's aggregates. */
  createTable(): Promise<string>;
  /** Batch-processor dependencies wired to real emulators (a new client each call, so faults can be injected per processor). */
  deps(
    table: string,
    options?: { engine?: EngineOptions; maxWriteAttempts?: number },
  ): {
    deps: BatchProcessorDeps;
    documentClient: DynamoDBDocumentClient;
    store: DynamoDbAggregateStore;
  };
  close(): Promise<void>;
}

let tables = 0;

/** Starts dynalite and s3rver in-process on free ports. */
export async function startLocalAws(): Promise<LocalAwsFixture> {
  const [dynamo, s3] = await Promise.all([startDynalite(), startS3rver()]);
  const s3Client = localS3Client(s3.endpoint);
  const bucket = 'pipeline-archive';
  await s3Client.send(new CreateBucketCommand({ Bucket: bucket }));
  const admin = localDocumentClient(dynamo.endpoint);
  const registry = new AggregateRegistry([orderAggregate]);
  return {
    dynamo,
    s3,
    s3Client,
    bucket,
    async createTable() {
      const name = `aggregates-${++tables}`;
      await admin.send(new CreateTableCommand(aggregateTableDefinition(name)));
      return name;
    },
    deps(table, options = {}) {
      const documentClient = localDocumentClient(dynamo.endpoint);
      const store = new DynamoDbAggregateStore({
        client: documentClient,
        tableName: table,
        unprocessedBaseDelayMs: 1,
      });
      return {
        documentClient,
        store,
        deps: {
          registry,
          store,
          quarantine: new S3Quarantine({ client: s3Client, bucket }),
          engine: resolveEngineOptions(options.engine),
          processorVersion: 'test-1',
          writeConcurrency: 8,
          maxWriteAttempts: options.maxWriteAttempts ?? 3,
        },
      };
    },
    async close() {
      admin.destroy();
      s3Client.destroy();
      await Promise.all([dynamo.close(), s3.close()]);
    },
  };
}
