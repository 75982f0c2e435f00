/**
 * Events the store cannot hold never block the shard nor vanish (issue 13): against dynalite and s3rver, each case
 * ends with every batch succeeding (no batchItemFailures), the refused events quarantined with their reason, and
 * the aggregate listed as stalled with that reason (docs/design.md §3, "Bounded aggregates").
 */
import { createHash } from 'node:crypto';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AggregateSnapshot } from '../../processors/engine/index.js';
import type { Envelope } from '../../processors/envelope/index.js';
import { listGaps } from '../../processors/operator/aggregate-operations.js';
import { type QuarantineRecord, quarantineKey } from '../../processors/quarantine/index.js';
import {
  type AggregateStore,
  type AggregateWrite,
  StoreRejectedError,
} from '../../processors/store/index.js';
import { processKinesisBatch, shardIdOf } from '../../processors/stream-processor/index.js';
import { formatGaps } from '../../tools/aggregates/format.js';
import { envelopeRecord, kinesisEvent } from '../support/kinesis-events.js';
import { orderEvent } from '../support/order-events.js';
import { type LocalAwsFixture, startLocalAws } from '../support/processor-fixture.js';

let aws: LocalAwsFixture;
beforeAll(async () => {
  aws = await startLocalAws();
});
afterAll(async () => {
  await aws?.close();
});

/** What a run did: every batch's failures, and the quarantine objects of its records. */
interface RunResult {
  readonly failures: string[];
  readonly quarantineWrites: number;
  /** The quarantine objects of the records with these envelope sequences (all when omitted), read from s3rver. */
  quarantined(sequences?: readonly number[]): Promise<QuarantineRecord[]>;
}

/** Runs the envelopes through the processor in batches of `batchSize`. */
/** `length` characters of seeded base64 noise: brotli keeps about 3/4 of it (a state of repeated letters would shrink to nothing). */
function noise(seed: string, length: number): string {
  const blocks: string[] = [];
  let size = 0;
  for (let block = 0; size < length; block++) {
    const text = createHash('sha256').update(`${seed}:${block}`).digest('base64');
    blocks.push(text);
    size += text.length;
  }
  return blocks.join('').slice(0, length);
}

async function run(
  deps: Parameters<typeof processKinesisBatch>[1],
  envelopes: Envelope[],
  batchSize = 100,
): Promise<RunResult> {
  const failures: string[] = [];
  let quarantineWrites = 0;
  const records = envelopes.map((envelope) => ({ envelope, record: envelopeRecord(envelope) }));
  for (let i = 0; i < records.length; i += batchSize) {
    const batch = records.slice(i, i + batchSize).map((r) => r.record);
    const { response, summary } = await processKinesisBatch(kinesisEvent(batch), deps);
    failures.push(...response.batchItemFailures.map((f) => f.itemIdentifier));
    quarantineWrites += summary.quarantineWrites;
  }
  return {
    failures,
    quarantineWrites,
    async quarantined(sequences) {
      const found: QuarantineRecord[] = [];
      for (const { envelope, record } of records) {
        if (sequences !== undefined && !sequences.includes(envelope.sequence)) continue;
        const key = quarantineKey('quarantine/', {
          approximateArrivalTimestamp: new Date(
            record.kinesis.approximateArrivalTimestamp * 1000,
          ).toISOString(),
          shardId: shardIdOf(record),
          sequenceNumber: record.kinesis.sequenceNumber,
        });
        const body = await aws.s3Client
          .send(new GetObjectCommand({ Bucket: aws.bucket, Key: key }))
          .catch((error: Error) => (error.name === 'NoSuchKey' ? undefined : Promise.reject(error)));
        if (body === undefined) continue;
        const text = await (body.Body as { transformToString(): Promise<string> }).transformToString();
        found.push(JSON.parse(text) as QuarantineRecord);
      }
      return found;
    },
  };
}

/**
 * The aggregate as `npm run aggregates -- stalled` lists it (the operator's listGaps, threshold 5 minutes as
 * deployed): stalled at once, with the refused sequence and reason in the printed table.
 */
async function stalledListing(store: AggregateStore, aggregateId: string) {
  const listed = await listGaps(store, { now: new Date(), maxGapAgeMs: 300_000 });
  const listing = listed.find((g) => g.aggregateId === aggregateId);
  if (listing === undefined) return undefined;
  expect(listing.stalled).toBe(true);
  expect(formatGaps([listing])).toContain(`${listing.blocked?.reason}: `);
  return listing;
}

const placed = (id: string) =>
  orderEvent(id, 1, { type: 'OrderPlaced', data: { customerId: 'c', currency: 'EUR' } });
const itemAdded = (id: string, sequence: number, sku: string, quantity = 1, unitPrice = 1) =>
  orderEvent(id, sequence, { type: 'ItemAdded', data: { sku, quantity, unitPrice } });
const refused = (records: QuarantineRecord[]) =>
  records.map((q) => [q.event?.sequence, q.reason]).sort((a, b) => Number(a[0]) - Number(b[0]));

describe('bounded aggregates against dynalite and s3rver', () => {
  it('5,000 events of one aggregate in reverse order: the shard moves on, the overflow is quarantined, the aggregate is stalled with its reason', async () => {
    const table = await aws.createTable();
    const { deps, store } = aws.deps(table);
    const id = 'reverse-5000';
    const events = Array.from({ length: 5_000 }, (_, i) => orderEvent(id, 5_000 - i));
    const result = await run(deps, events);
    expect(result.failures).toEqual([]);

    const loaded = await store.load({ aggregateType: 'order', aggregateId: id });
    expect(loaded?.snapshot.version).toBe(1);
    expect(loaded?.snapshot.pending).toHaveLength(1_000);
    expect(loaded?.snapshot.blocked).toMatchObject({ sequence: 2, reason: 'too-many-buffered' });
    expect(result.quarantineWrites).toBe(3_999);
    expect(refused(await result.quarantined([2, 3, 1_000, 3_999, 4_000, 4_001]))).toEqual(
      [2, 3, 1_000, 3_999, 4_000].map((sequence) => [sequence, 'too-many-buffered']),
    );
    expect(await stalledListing(store, id)).toMatchObject({
      missingFrom: 2,
      missingTo: 4_000,
      buffered: 1_000,
      blocked: { reason: 'too-many-buffered' },
    });
  }, 240_000);

  it('a 500 KB state: the event that would pass the budget is quarantined, the rest applied, the aggregate stalled with its reason', async () => {
    const table = await aws.createTable();
    const { deps, store } = aws.deps(table);
    const id = 'huge-state';
    // Five SKUs of 130 KB of noise would make a 650 KB state, about 97 KB each compressed (states are stored
    // compressed: docs/design.md §3); the fourth passes the 360,000-byte budget.
    const sku = (n: number) => `${n}-${noise(String(n), 130_000)}`;
    const events = [placed(id), ...[2, 3, 4, 5, 6].map((s) => itemAdded(id, s, sku(s)))];
    const result = await run(deps, events, 2);
    expect(result.failures).toEqual([]);

    const loaded = await store.load({ aggregateType: 'order', aggregateId: id });
    expect(loaded?.snapshot.version).toBe(4);
    expect(
      Object.keys((loaded as { snapshot: { state: { items: object } } }).snapshot.state.items),
    ).toHaveLength(3);
    expect(loaded?.snapshot.blocked).toMatchObject({ sequence: 5, reason: 'state-too-large' });
    expect(loaded?.snapshot.pending.map((p) => p.sequence)).toEqual([6]);
    expect(refused(await result.quarantined())).toEqual([[5, 'state-too-large']]);
    expect(await stalledListing(store, id)).toMatchObject({
      blocked: { sequence: 5, reason: 'state-too-large' },
    });
  }, 60_000);

  it('a constructor SKU is applied and stored; a __proto__ SKU is quarantined as not storable instead of corrupting the item', async () => {
    const table = await aws.createTable();
    const { deps, store, documentClient } = aws.deps(table);
    const id = 'proto-skus';
    const events = [placed(id), itemAdded(id, 2, 'constructor', 2, 3), itemAdded(id, 3, '__proto__', 1, 1)];
    const result = await run(deps, events);
    expect(result.failures).toEqual([]);

    const { Item } = await documentClient.send(
      new GetCommand({ TableName: table, Key: { pk: `order#${id}`, sk: 'state' }, ConsistentRead: true }),
    );
    expect(Item?.version).toBe(2);
    expect(Object.getOwnPropertyDescriptor(Item?.state.items, 'constructor')?.value).toEqual({
      quantity: 2,
      unitPrice: 3,
    });
    expect(Item?.state.total).toBe(6);
    expect(Item?.blocked).toMatchObject({ sequence: 3, reason: 'not-storable' });
    const quarantined = await result.quarantined();
    expect(refused(quarantined)).toEqual([[3, 'not-storable']]);
    expect(quarantined[0]?.detail).toMatch(/__proto__/);
    expect(await stalledListing(store, id)).toMatchObject({ blocked: { reason: 'not-storable' } });
  }, 60_000);

  it('numbers beyond 2^53, in the state or in a buffered event, are quarantined with a reason', async () => {
    const table = await aws.createTable();
    const { deps, store } = aws.deps(table);
    const id = 'huge-numbers';
    const events = [
      placed(id),
      // The envelope takes both numbers; the total, 2^54, is beyond Number.MAX_SAFE_INTEGER.
      itemAdded(id, 2, 'x', 2 ** 52, 4),
      // Buffered behind the gap: its own item would hold 1e308 (which six-decimal rounding turns into Infinity).
      orderEvent(id, 4, { type: 'OrderPaid', data: { amount: 1e308, paymentId: 'p' } }),
    ];
    const result = await run(deps, events);
    expect(result.failures).toEqual([]);

    const loaded = await store.load({ aggregateType: 'order', aggregateId: id });
    expect(loaded?.snapshot).toMatchObject({ version: 1, pending: [], blocked: { sequence: 2 } });
    const quarantined = await result.quarantined();
    expect(refused(quarantined)).toEqual([
      [2, 'not-storable'],
      [4, 'not-storable'],
    ]);
    expect(quarantined.find((q) => q.event?.sequence === 2)?.detail).toMatch(
      /total: .* beyond Number.MAX_SAFE_INTEGER/,
    );
    expect(quarantined.find((q) => q.event?.sequence === 4)?.detail).toMatch(
      /data\.amount: .* beyond Number.MAX_SAFE_INTEGER/,
    );
  }, 60_000);

  it('a size ValidationException from DynamoDB is not retried: the events are quarantined as store-rejected', async () => {
    const table = await aws.createTable();
    const { deps, store } = aws.deps(table);
    const id = 'validation';
    // The engine's budget is approximate by design; this store pads what it writes past 400 KB, as a budget set
    // too close to the limit could, so that DynamoDB itself refuses the item.
    const writes: AggregateWrite[] = [];
    const padded: AggregateStore = {
      loadMany: (keys) => store.loadMany(keys),
      load: (key) => store.load(key),
      listWithGaps: (options) => store.listWithGaps(options),
      write: (write) => {
        writes.push(write);
        const next: AggregateSnapshot =
          write.next.blocked === undefined
            ? { ...write.next, state: { ...(write.next.state as object), padding: noise('p', 600_000) } }
            : write.next;
        return store.write({ ...write, next });
      },
    };
    const events = [placed(id), itemAdded(id, 2, 'a')];
    const result = await run({ ...deps, store: padded }, events);
    expect(result.failures).toEqual([]);

    // The refused write once, then the write that marks the aggregate blocked: no retry of the refused one.
    expect(writes.map((w) => w.next.blocked?.reason)).toEqual([undefined, 'store-rejected']);
    const loaded = await store.load({ aggregateType: 'order', aggregateId: id });
    expect(loaded?.snapshot).toMatchObject({
      version: 0,
      blocked: { sequence: 1, reason: 'store-rejected' },
    });
    const quarantined = await result.quarantined();
    expect(refused(quarantined)).toEqual([
      [1, 'store-rejected'],
      [2, 'store-rejected'],
    ]);
    expect(quarantined[0]?.detail).toMatch(/Item size has exceeded/);
    await expect(
      store.write({
        key: { aggregateType: 'order', aggregateId: 'too-big' },
        next: { ...(writes[0] as AggregateWrite).next, aggregateId: 'too-big', state: noise('q', 600_000) },
        expectedRevision: 0,
        pendingToPut: [],
        pendingToDelete: [],
      }),
    ).rejects.toBeInstanceOf(StoreRejectedError);
  }, 60_000);
});
