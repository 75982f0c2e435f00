import http from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPowertoolsBaseline,
  runPowertoolsBaseline,
} from '../../bench/baseline/powertools-idempotent-processor.js';
import { toKinesisStreamEvent } from '../../bench/envelope-stream-event.js';
import { type RunningEmulator, startDynalite } from '../../local/emulators/index.js';
import { generateOrderEvents } from '../../processors/aggregates/index.js';

const AGGREGATES = 5;
const EVENTS_PER_AGGREGATE = 10;
const envelopes = generateOrderEvents({
  aggregates: AGGREGATES,
  eventsPerAggregate: EVENTS_PER_AGGREGATE,
  seed: 11,
});
const event = toKinesisStreamEvent(envelopes);

let dynalite: RunningEmulator;
let documents: DynamoDBDocumentClient;

beforeAll(async () => {
  dynalite = await startDynalite();
  documents = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: dynalite.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      requestHandler: new NodeHttpHandler({ httpAgent: new http.Agent({ keepAlive: true }) }),
    }),
  );
});

afterAll(async () => {
  documents?.destroy();
  await dynalite?.close();
});

async function scan(table: string): Promise<Record<string, unknown>[]> {
  const { Items = [] } = await documents.send(new ScanCommand({ TableName: table }));
  return Items;
}

describe('Function: runPowertoolsBaseline', () => {
  it('applies every event once, in order, with three DynamoDB writes per event', async () => {
    const run = await runPowertoolsBaseline({ dynamoEndpoint: dynalite.endpoint, event });

    expect(run.records).toBe(50);
    expect(run.applied).toBe(50);
    expect(run.batchItemFailures).toBe(0);
    expect(run.wallMs).toBeGreaterThan(0);

    const aggregates = await scan(run.tables.aggregates);
    expect(aggregates).toHaveLength(AGGREGATES);
    const expectedLastEventIds = new Map(
      envelopes
        .filter((e) => e.sequence === EVENTS_PER_AGGREGATE)
        .map((e) => [`order#${e.aggregateId}`, e.eventId]),
    );
    for (const item of aggregates) {
      expect(item.sk).toBe('state');
      expect(item.version).toBe(EVENTS_PER_AGGREGATE);
      expect(item.eventCount).toBe(EVENTS_PER_AGGREGATE);
      expect(item.lastEventId).toBe(expectedLastEventIds.get(item.pk as string));
    }
    const idempotencyRecords = await scan(run.tables.idempotency);
    expect(idempotencyRecords).toHaveLength(50);
    expect(idempotencyRecords.every((record) => record.status === 'COMPLETED')).toBe(true);

    // Idempotency: PutItem (in progress) + UpdateItem (completed); the event itself: one UpdateItem.
    expect(run.requests.commands).toEqual({ PutItemCommand: 50, UpdateItemCommand: 100 });
    expect(run.requests.commandTotals).toEqual({ read: 0, write: 150, other: 0, total: 150 });
    expect(run.requests.retries).toBe(0);
    expect(run.requestsPerAppliedEvent).toBe(3);
    expect(run.writeRequestsPerAppliedEvent).toBe(3);
    // Every item is under 1 KB: one write unit per write, nothing read.
    expect(run.capacity).toMatchObject({ write: 150, read: 0, requests: 150, unreported: 0 });
  });
});

describe('Function: createPowertoolsBaseline', () => {
  it('skips a redelivered batch as duplicates, keyed on eventId', async () => {
    const baseline = await createPowertoolsBaseline({ dynamoEndpoint: dynalite.endpoint });
    try {
      await baseline.handle(event);
      expect(baseline.applied()).toBe(50);
      baseline.counter.reset();
      baseline.capacity.reset();

      const response = await baseline.handle(event);

      expect(response.batchItemFailures).toEqual([]);
      expect(baseline.applied()).toBe(50);
      const aggregates = await scan(baseline.tables.aggregates);
      expect(aggregates.map((item) => item.eventCount)).toEqual(
        new Array(AGGREGATES).fill(EVENTS_PER_AGGREGATE),
      );
      // Each duplicate costs a failed conditional PutItem, then a GetItem of the stored record (dynalite,
      // like older DynamoDB, returns no item with the condition failure).
      expect(baseline.counter.snapshot().commands).toEqual({ PutItemCommand: 50, GetItemCommand: 50 });
      // In units: the refused PutItem still costs a write unit, the strongly consistent read of the stored record a
      // read unit.
      expect(baseline.capacity.snapshot()).toMatchObject({
        write: 50,
        read: 50,
        failedConditionalWrites: 50,
        unreported: 0,
      });
    } finally {
      baseline.close();
    }
  });

  it('reports a poison record as a batch item failure and applies the rest', async () => {
    const baseline = await createPowertoolsBaseline({ dynamoEndpoint: dynalite.endpoint });
    try {
      const poisoned = toKinesisStreamEvent(envelopes.slice(0, 3));
      const [, second] = poisoned.Records;
      if (second === undefined) throw new Error('expected three records');
      second.kinesis.data = Buffer.from('not json').toString('base64');

      const response = await baseline.handle(poisoned);

      expect(response.batchItemFailures).toEqual([{ itemIdentifier: second.kinesis.sequenceNumber }]);
      expect(baseline.applied()).toBe(2);
    } finally {
      baseline.close();
    }
  });
});
