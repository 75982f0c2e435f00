import http from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { TargetStores } from './target.js';

/** SDK clients for the target's stores: local emulator endpoints or AWS. */
export interface StoreClients {
  readonly dynamodb: DynamoDBDocumentClient;
  readonly s3: S3Client;
  readonly sqs: SQSClient;
  /** Only for a local target (raw ceiling measurement). */
  readonly kinesis: KinesisClient | undefined;
  destroy(): void;
}

/** Creates the clients; s3rver needs path-style URLs and no streamed checksums, kinesalite HTTP/1.1. */
export function createStoreClients(stores: TargetStores): StoreClients {
  const base = {
    ...(stores.region === undefined ? {} : { region: stores.region }),
    ...(stores.credentials === undefined ? {} : { credentials: stores.credentials }),
  };
  const raw = new DynamoDBClient({
    ...base,
    ...(stores.endpoints ? { endpoint: stores.endpoints.dynamodb } : {}),
  });
  const dynamodb = DynamoDBDocumentClient.from(raw);
  const s3 = new S3Client({
    ...base,
    ...(stores.endpoints ? { endpoint: stores.endpoints.s3 } : {}),
    ...((stores.s3Compatible ?? stores.endpoints !== undefined)
      ? { forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED' as const }
      : {}),
  });
  const sqs = new SQSClient(base);
  const kinesis =
    stores.endpoints === undefined
      ? undefined
      : new KinesisClient({
          ...base,
          endpoint: stores.endpoints.kinesis,
          requestHandler: new NodeHttpHandler({ httpAgent: new http.Agent({ keepAlive: true }) }),
        });
  return {
    dynamodb,
    s3,
    sqs,
    kinesis,
    destroy: () => {
      dynamodb.destroy();
      raw.destroy();
      s3.destroy();
      sqs.destroy();
      kinesis?.destroy();
    },
  };
}
