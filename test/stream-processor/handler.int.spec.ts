import { Metrics } from '@aws-lambda-powertools/metrics';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { chainOf } from '../../processors/engine/index.js';
import { LOCAL_CREDENTIALS, localDocumentClient } from '../support/aws-clients.js';
import { envelopeRecord, kinesisEvent, kinesisRecord } from '../support/kinesis-events.js';
import { orderHistory } from '../support/order-events.js';
import { type LocalAwsFixture, startLocalAws } from '../support/processor-fixture.js';

let aws: LocalAwsFixture;
let table: string;

beforeAll(async () => {
  aws = await startLocalAws();
  table = await aws.createTable();
  // Exactly what the Lambda runtime (or the local stack) provides: standard SDK variables, no endpoint code.
  vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', aws.dynamo.endpoint);
  vi.stubEnv('AWS_ENDPOINT_URL_S3', aws.s3.endpoint);
  vi.stubEnv('AWS_REGION', 'us-east-1');
  vi.stubEnv('AWS_ACCESS_KEY_ID', LOCAL_CREDENTIALS.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', LOCAL_CREDENTIALS.secretAccessKey);
  vi.stubEnv('AWS_REQUEST_CHECKSUM_CALCULATION', 'WHEN_REQUIRED');
  vi.stubEnv('TABLE_NAME', table);
  vi.stubEnv('QUARANTINE_BUCKET', aws.bucket);
  vi.stubEnv('S3_FORCE_PATH_STYLE', 'true');
  vi.stubEnv('POWERTOOLS_METRICS_NAMESPACE', 'OrderedEventPipelineTest');
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'ERROR');
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await aws?.close();
});

describe('Lambda entry point', () => {
  it('processes a Kinesis event with clients configured only by the environment', async () => {
    const { handler } = await import('../../processors/stream-processor/handler.js');
    const history = orderHistory('lambda-1', 3);
    const poison = kinesisRecord('%%%', 'lambda-1');
    // Capture each EMF document as Powertools serializes it for stdout.
    const serialize = vi.spyOn(Metrics.prototype, 'serializeMetrics');
    let response: Awaited<ReturnType<typeof handler>>;
    let documents: unknown[];
    try {
      response = await handler(kinesisEvent([...history.map((e) => envelopeRecord(e)), poison]));
      documents = serialize.mock.results.map((r) => r.value);
    } finally {
      serialize.mockRestore();
    }
    expect(response.batchItemFailures).toEqual([]);
    const { Item } = await localDocumentClient(aws.dynamo.endpoint).send(
      new GetCommand({ TableName: table, Key: { pk: 'order#lambda-1', sk: 'state' } }),
    );
    expect(Item).toMatchObject({ version: 3, chain: chainOf(history.map((e) => e.eventId)) });
    const emf = documents.find((doc) => (doc as { Applied?: number }).Applied !== undefined) as {
      _aws: { CloudWatchMetrics: { Namespace: string }[] };
    };
    expect(emf).toMatchObject({ Applied: 3, Poison: 1, Duplicates: 0, QuarantineWrites: 1 });
    expect(emf._aws.CloudWatchMetrics[0]?.Namespace).toBe('OrderedEventPipelineTest');
  });
});
