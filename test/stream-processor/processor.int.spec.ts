import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { KinesisStreamRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AggregateRegistry, orderAggregate } from '../../processors/aggregates/index.js';
import { chainOf } from '../../processors/engine/index.js';
import type { Envelope } from '../../processors/envelope/index.js';
import type { QuarantineRecord } from '../../processors/quarantine/index.js';
import { processKinesisBatch } from '../../processors/stream-processor/index.js';
import { injectDynamoThrottling } from '../support/fault-middleware.js';
import { envelopeRecord, kinesisEvent, kinesisRecord } from '../support/kinesis-events.js';
import { orderEvent, orderHistory } from '../support/order-events.js';
import { type LocalAwsFixture, startLocalAws } from '../support/processor-fixture.js';

const registry = new AggregateRegistry([orderAggregate]);
let aws: LocalAwsFixture;

beforeAll(async () => {
  aws = await startLocalAws();
});
afterAll(async () => {
  await aws?.close();
});

function expectedState(history: Envelope[]): unknown {
  return history.reduce((s, e) => registry.apply(s, e), registry.initialState('order'));
}

async function snapshotItem(table: string, id: string) {
  const { documentClient } = aws.deps(table);
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: table, Key: { pk: `order#${id}`, sk: 'state' }, ConsistentRead: true }),
  );
  return Item;
}

async function quarantined(): Promise<QuarantineRecord[]> {
  const listed = await aws.s3Client.send(
    new ListObjectsV2Command({ Bucket: aws.bucket, Prefix: 'quarantine/' }),
  );
  return Promise.all(
    (listed.Contents ?? []).map(async (o) => {
      const body = await aws.s3Client.send(new GetObjectCommand({ Bucket: aws.bucket, Key: o.Key }));
      return JSON.parse(
        await (body.Body as { transformToString(): Promise<string> }).transformToString(),
      ) as QuarantineRecord;
    }),
  );
}

const bySequenceNumber = (records: QuarantineRecord[], r: KinesisStreamRecord) =>
  records.find((q) => q.sequenceNumber === r.kinesis.sequenceNumber);

describe('stream processor against dynalite and s3rver', () => {
  it('applies a batch with one conditional write per aggregate and stores the item layout of docs/design.md §3', async () => {
    const table = await aws.createTable();
    const a = orderHistory('int-a', 12);
    const b = orderHistory('int-b', 12);
    const interleaved = a.flatMap((e, i) => [e, b[i] as Envelope]);
    const { deps } = aws.deps(table);
    const { response, summary } = await processKinesisBatch(
      kinesisEvent(interleaved.map((e) => envelopeRecord(e))),
      deps,
    );
    expect(response.batchItemFailures).toEqual([]);
    expect(summary).toMatchObject({ applied: 24, writes: 2, duplicates: 0 });
    const item = await snapshotItem(table, 'int-a');
    expect(item).toMatchObject({
      pk: 'order#int-a',
      sk: 'state',
      aggregateType: 'order',
      aggregateId: 'int-a',
      version: 12,
      chain: chainOf(a.map((e) => e.eventId)),
      state: expectedState(a),
      revision: 1,
    });
    expect(typeof item?.updatedAt).toBe('string');
    expect(item?.gapSince).toBeUndefined();
  });

  it('skips duplicates on redelivery and writes nothing', async () => {
    const table = await aws.createTable();
    const { deps } = aws.deps(table);
    const events = orderHistory('dup', 5);
    await processKinesisBatch(kinesisEvent(events.map((e) => envelopeRecord(e))), deps);
    const again = await processKinesisBatch(
      kinesisEvent([...events, ...events].map((e) => envelopeRecord(e))),
      deps,
    );
    expect(again.summary).toMatchObject({ applied: 0, duplicates: 10, writes: 0 });
    expect((await snapshotItem(table, 'dup'))?.revision).toBe(1);
  });

  it('quarantines a conflict with the event and the raw record (the window keeps keys: the holder is not named)', async () => {
    const table = await aws.createTable();
    const { deps } = aws.deps(table);
    await processKinesisBatch(kinesisEvent(orderHistory('conf', 3).map((e) => envelopeRecord(e))), deps);
    const rogue = envelopeRecord(orderEvent('conf', 2, { eventId: 'rogue-writer' }));
    const { response, summary } = await processKinesisBatch(kinesisEvent([rogue]), deps);
    expect(response.batchItemFailures).toEqual([]);
    expect(summary.conflicts).toBe(1);
    const record = bySequenceNumber(await quarantined(), rogue);
    expect(record).toMatchObject({
      reason: 'conflict',
      data: rogue.kinesis.data,
      shardId: 'shardId-000000000000',
      sequenceNumber: rogue.kinesis.sequenceNumber,
      processorVersion: 'test-1',
      event: { eventId: 'rogue-writer', sequence: 2, aggregateId: 'conf' },
    });
    expect(record).not.toHaveProperty('existingEventId');
    expect((await snapshotItem(table, 'conf'))?.version).toBe(3);
  });

  it('buffers a gap as pending items, drains it in a later batch and deletes the items', async () => {
    const table = await aws.createTable();
    const { deps, documentClient } = aws.deps(table);
    const h = orderHistory('gap', 6);
    const first = await processKinesisBatch(
      kinesisEvent([h[0], h[3], h[4], h[2]].map((e) => envelopeRecord(e as Envelope))),
      deps,
    );
    expect(first.summary).toMatchObject({ applied: 1, buffered: 3 });
    const pendingItems = await documentClient.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
        ExpressionAttributeValues: { ':pk': 'order#gap', ':p': 'pending#' },
      }),
    );
    expect(pendingItems.Items?.map((i) => i.sk)).toEqual([
      'pending#000000000003',
      'pending#000000000004',
      'pending#000000000005',
    ]);
    expect(pendingItems.Items?.[0]?.envelope).toEqual(h[2]);
    const stored = await snapshotItem(table, 'gap');
    // The snapshot counts the buffered events; their refs live in their own items (docs/design.md §3).
    expect(stored).toMatchObject({ version: 1, pendingCount: 3, pendingFrom: 3 });
    expect(stored).not.toHaveProperty('pending');
    expect(typeof stored?.gapSince).toBe('string');

    const second = await processKinesisBatch(
      kinesisEvent([h[1], h[5]].map((e) => envelopeRecord(e as Envelope))),
      deps,
    );
    expect(second.summary).toMatchObject({ applied: 2, drained: 3, buffered: 0 });
    const after = await snapshotItem(table, 'gap');
    expect(after).not.toHaveProperty('pendingCount');
    expect(after).toMatchObject({
      version: 6,
      chain: chainOf(h.map((e) => e.eventId)),
      state: expectedState(h),
    });
    expect(after?.gapSince).toBeUndefined();
    const left = await documentClient.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
        ExpressionAttributeValues: { ':pk': 'order#gap', ':p': 'pending#' },
      }),
    );
    expect(left.Items).toEqual([]);
  });

  it('reports a gap that never fills as stalled once older than maxGapAge', async () => {
    const table = await aws.createTable();
    const h = orderHistory('stall', 4);
    const { deps } = aws.deps(table, { engine: { maxGapAgeMs: 1_000 } });
    const t0 = new Date('2026-11-23T10:00:00Z');
    await processKinesisBatch(kinesisEvent([h[0], h[2]].map((e) => envelopeRecord(e as Envelope))), {
      ...deps,
      now: () => t0,
    });
    const later = await processKinesisBatch(kinesisEvent([envelopeRecord(h[3] as Envelope)]), {
      ...deps,
      now: () => new Date(t0.getTime() + 5_000),
    });
    expect(later.summary.stalled).toEqual([
      expect.objectContaining({
        aggregateId: 'stall',
        missingFrom: 2,
        missingTo: 2,
        buffered: 2,
        since: t0.toISOString(),
      }),
    ]);
    const listed = [];
    for await (const s of deps.store.listWithGaps()) listed.push(s.aggregateId);
    expect(listed).toEqual(['stall']);
  });

  it('quarantines every kind of poison without blocking the shard', async () => {
    const table = await aws.createTable();
    const { deps } = aws.deps(table);
    const raw = (text: string) => Buffer.from(text, 'utf8').toString('base64');
    const poison = {
      'bad-base64': kinesisRecord('%%%not base64%%%', 'p'),
      'not-json': kinesisRecord(raw('{"eventId":'), 'p'),
      'schema-violation': kinesisRecord(raw(JSON.stringify({ ...orderEvent('p', 1), sequence: -1 })), 'p'),
      'unknown-aggregate-type': kinesisRecord(
        raw(JSON.stringify({ ...orderEvent('p', 1), aggregateType: 'invoice' })),
        'p',
      ),
      'unknown-event-type': kinesisRecord(
        raw(JSON.stringify({ ...orderEvent('p', 1), type: 'OrderLost' })),
        'p',
      ),
      'data-schema-violation': kinesisRecord(
        raw(JSON.stringify(orderEvent('p', 1, { data: { customerId: 'c' } }))),
        'p',
      ),
      oversize: kinesisRecord(
        raw(
          JSON.stringify(orderEvent('p', 1, { data: { customerId: 'x'.repeat(300_000), currency: 'EUR' } })),
        ),
        'p',
      ),
    };
    const good = orderHistory('after-poison', 2).map((e) => envelopeRecord(e));
    const { response, summary } = await processKinesisBatch(
      kinesisEvent([...Object.values(poison), ...good]),
      deps,
    );
    expect(response.batchItemFailures).toEqual([]);
    expect(summary).toMatchObject({ poison: 7, applied: 2, quarantineWrites: 7 });
    const stored = await quarantined();
    for (const [reason, record] of Object.entries(poison)) {
      const q = bySequenceNumber(stored, record);
      expect(q, reason).toMatchObject({ reason, data: record.kinesis.data, processorVersion: 'test-1' });
      expect(q?.approximateArrivalTimestamp).toMatch(/^\d{4}-\d\d-\d\dT/);
    }
    expect(bySequenceNumber(stored, poison['data-schema-violation'])?.issues).toEqual([
      { path: 'data.currency', message: expect.any(String) },
    ]);
    expect((await snapshotItem(table, 'after-poison'))?.version).toBe(2);
  });

  it('reports a record whose quarantine write fails as a batch item failure', async () => {
    const table = await aws.createTable();
    const { deps } = aws.deps(table);
    const poison = kinesisRecord('%%%', 'q');
    const good = envelopeRecord(orderEvent('q-ok', 1));
    const failingQuarantine = { put: async () => Promise.reject(new Error('injected: S3 unavailable')) };
    const { response, summary } = await processKinesisBatch(kinesisEvent([good, poison]), {
      ...deps,
      quarantine: failingQuarantine,
    });
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: poison.kinesis.sequenceNumber }]);
    expect(summary.quarantineFailures).toBe(1);
  });

  it('turns throttled writes into batch item failures at the first record of each failed aggregate, and redelivery ends exact', async () => {
    const table = await aws.createTable();
    const histories = ['t-a', 't-b', 't-c'].map((id) => orderHistory(id, 4));
    const stream = [0, 1, 2, 3].flatMap((i) => histories.map((h) => h[i] as Envelope));
    const records = stream.map((e) => envelopeRecord(e));
    const throttled = aws.deps(table);
    const injected = injectDynamoThrottling(
      throttled.documentClient,
      (command, input) =>
        command === 'PutItemCommand' && (input.Item as { pk?: string } | undefined)?.pk === 'order#t-b',
    );
    const first = await processKinesisBatch(kinesisEvent(records), throttled.deps);
    expect(injected.failures).toBeGreaterThan(0);
    expect(first.response.batchItemFailures).toEqual([
      { itemIdentifier: records[1]?.kinesis.sequenceNumber },
    ]);
    expect(first.summary).toMatchObject({ applied: 8, failedAggregates: 1 });
    expect(await snapshotItem(table, 't-b')).toBeUndefined();

    // Lambda checkpoints before the lowest failure and redelivers from there.
    const { deps } = aws.deps(table);
    const redelivered = await processKinesisBatch(kinesisEvent(records.slice(1)), deps);
    expect(redelivered.response.batchItemFailures).toEqual([]);
    expect(redelivered.summary).toMatchObject({ applied: 4, duplicates: 7 });
    for (const h of histories) {
      const item = await snapshotItem(table, h[0]?.aggregateId as string);
      expect(item).toMatchObject({
        version: 4,
        chain: chainOf(h.map((e) => e.eventId)),
        state: expectedState(h),
      });
    }
  });

  it('keeps two processors writing the same aggregate concurrently exact', async () => {
    const table = await aws.createTable();
    const h = orderHistory('race', 40);
    const one = aws.deps(table, { maxWriteAttempts: 10 });
    const two = aws.deps(table, { maxWriteAttempts: 10 });
    // Both see overlapping, differently ordered slices: a resharding or a replay into the live table.
    const batchesOne = [h.slice(0, 10), h.slice(10, 25), h.slice(25, 40)];
    const batchesTwo = [h.slice(5, 20).reverse(), h.slice(20, 40), h.slice(0, 5)];
    const drive = async (deps: typeof one.deps, batches: Envelope[][]) => {
      for (const batch of batches) {
        const records = batch.map((e) => envelopeRecord(e));
        let from = 0;
        for (let attempt = 0; attempt < 20 && from < records.length; attempt++) {
          const { response } = await processKinesisBatch(kinesisEvent(records.slice(from)), deps);
          const failed = response.batchItemFailures.map((f) =>
            records.findIndex((r) => r.kinesis.sequenceNumber === f.itemIdentifier),
          );
          from = failed.length === 0 ? records.length : Math.min(...failed);
        }
      }
    };
    await Promise.all([drive(one.deps, batchesOne), drive(two.deps, batchesTwo)]);
    const item = await snapshotItem(table, 'race');
    expect(item).not.toHaveProperty('pendingCount');
    expect(item).toMatchObject({
      version: 40,
      chain: chainOf(h.map((e) => e.eventId)),
      state: expectedState(h),
    });
  });
});
