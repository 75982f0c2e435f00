import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Envelope } from '../../processors/envelope/index.js';
import { createStalledCheck, listGaps } from '../../processors/operator/index.js';
import { DynamoDbAggregateStore, GAP_INDEX_NAME } from '../../processors/store/index.js';
import { processKinesisBatch } from '../../processors/stream-processor/index.js';
import { localDocumentClient } from '../support/aws-clients.js';
import { envelopeRecord, kinesisEvent } from '../support/kinesis-events.js';
import { orderHistory } from '../support/order-events.js';
import { type LocalAwsFixture, startLocalAws } from '../support/processor-fixture.js';

/** Every Scan the store sent, with how many items DynamoDB read for it. */
interface ScanSeen {
  readonly input: { IndexName?: string; TableName?: string };
  scannedCount: number;
}

/** A store whose document client records its Scan calls (middleware, so the real request still goes to dynalite). */
function observedStore(
  endpoint: string,
  table: string,
): { store: DynamoDbAggregateStore; scans: ScanSeen[] } {
  const client = localDocumentClient(endpoint);
  const scans: ScanSeen[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (context.commandName === 'ScanCommand') {
        scans.push({
          input: args.input as ScanSeen['input'],
          scannedCount: (result.output as { ScannedCount?: number }).ScannedCount ?? 0,
        });
      }
      return result;
    },
    { step: 'initialize', name: 'recordScans' },
  );
  return { store: new DynamoDbAggregateStore({ client, tableName: table }), scans };
}

let aws: LocalAwsFixture;
let table: string;
const t0 = new Date('2026-11-23T08:00:00Z');
const later = new Date(t0.getTime() + 2 * 3600_000);

beforeAll(async () => {
  aws = await startLocalAws();
  table = await aws.createTable();
  const { deps } = aws.deps(table);
  // 40 aggregates applied in order (no gap), one stalled since t0, one with a fresh gap at `later`.
  const healthy = Array.from({ length: 40 }, (_, i) => orderHistory(`ok-${i}`, 3)).flat();
  const stuck = orderHistory('stuck', 4);
  const fresh = orderHistory('fresh', 4);
  await processKinesisBatch(
    kinesisEvent([...healthy, stuck[0], stuck[2]].map((e) => envelopeRecord(e as Envelope))),
    { ...deps, now: () => t0 },
  );
  await processKinesisBatch(kinesisEvent([fresh[0], fresh[3]].map((e) => envelopeRecord(e as Envelope))), {
    ...deps,
    now: () => later,
  });
}, 120_000);

afterAll(async () => {
  await aws?.close();
});

describe('Stalled aggregates through the sparse gap index (dynalite)', () => {
  it('reads only the gapped aggregates: every scan goes to the gap index, never to the table', async () => {
    const { store, scans } = observedStore(aws.dynamo.endpoint, table);
    const gaps = await listGaps(store, { now: later, maxGapAgeMs: 3600_000, all: true });

    expect(gaps.map((g) => g.aggregateId).sort()).toEqual(['fresh', 'stuck']);
    expect(scans.length).toBeGreaterThan(0);
    for (const scan of scans) expect(scan.input.IndexName).toBe(GAP_INDEX_NAME);
    // 42 snapshots plus buffered-event items are in the table; the index holds the two gapped snapshots.
    expect(scans.reduce((sum, s) => sum + s.scannedCount, 0)).toBe(2);
  });

  it('the scheduled check reports only gaps older than the limit, and a filled gap leaves the index', async () => {
    const { store } = observedStore(aws.dynamo.endpoint, table);
    const logger = new Logger({ logLevel: 'SILENT' });
    const metrics = new Metrics({ namespace: 'test', serviceName: 'stream-processor' });
    const check = createStalledCheck({ store, maxGapAgeMs: 3600_000, logger, metrics, now: () => later });
    expect((await check()).stalled.map((g) => [g.aggregateId, g.missingFrom, g.missingTo])).toEqual([
      ['stuck', 2, 2],
    ]);

    const { deps } = aws.deps(table);
    const missing = orderHistory('stuck', 4)[1] as Envelope;
    await processKinesisBatch(kinesisEvent([envelopeRecord(missing)]), { ...deps, now: () => later });
    expect((await check()).stalled).toEqual([]);
    const { store: again, scans } = observedStore(aws.dynamo.endpoint, table);
    const all = await listGaps(again, { now: later, maxGapAgeMs: 0, all: true });
    expect(all.map((g) => g.aggregateId)).toEqual(['fresh']);
    expect(scans.reduce((sum, s) => sum + s.scannedCount, 0)).toBe(1);
  });

  it('falls back to a table scan on a table created before the index existed (an old local data directory)', async () => {
    const admin = localDocumentClient(aws.dynamo.endpoint);
    const old = `no-index-${Date.now()}`;
    await admin.send(
      new CreateTableCommand({
        TableName: old,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
      }),
    );
    admin.destroy();
    const { deps } = aws.deps(old);
    const stuck = orderHistory('legacy', 3);
    await processKinesisBatch(kinesisEvent([stuck[0], stuck[2]].map((e) => envelopeRecord(e as Envelope))), {
      ...deps,
      now: () => t0,
    });
    const { store } = observedStore(aws.dynamo.endpoint, old);
    const gaps = await listGaps(store, { now: later, maxGapAgeMs: 3600_000 });
    expect(gaps.map((g) => g.aggregateId)).toEqual(['legacy']);
  });
});
