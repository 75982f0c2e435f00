/**
 * The compact snapshot item (docs/design.md §3) against dynalite: items of the earlier layout still load and are
 * converted by the next write, buffered events are read with a Query only when the snapshot counts some, and the
 * snapshot read of a batch is eventually consistent while the re-read after a failed write is strongly consistent.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AggregateRegistry, orderAggregate } from '../../processors/aggregates/index.js';
import {
  decideAggregate,
  type LoadedAggregate,
  RECENT_KEY_BYTES,
  recentKey,
  resolveEngineOptions,
  stalledGap,
} from '../../processors/engine/index.js';
import type { Envelope } from '../../processors/envelope/index.js';
import { pendingSk, toPendingItem } from '../../processors/store/index.js';
import { orderEvent, orderHistory } from '../support/order-events.js';
import { type LocalAwsFixture, startLocalAws } from '../support/processor-fixture.js';

let aws: LocalAwsFixture;
beforeAll(async () => {
  aws = await startLocalAws();
});
afterAll(async () => {
  await aws?.close();
});

const registry = new AggregateRegistry([orderAggregate]);
const options = resolveEngineOptions({ recentWindow: 4 });
const t0 = new Date('2026-11-23T10:00:00.000Z');

/** Records every DynamoDB command the store sends, with its ConsistentRead flag. */
function recordCommands(documentClient: { middlewareStack: unknown }) {
  const calls: { command: string; consistent: unknown }[] = [];
  (documentClient.middlewareStack as DynamoDBClient['middlewareStack']).add(
    (next, context) => async (args) => {
      const input = args.input as {
        ConsistentRead?: boolean;
        RequestItems?: Record<string, { ConsistentRead?: boolean }>;
      };
      const batch = input.RequestItems === undefined ? undefined : Object.values(input.RequestItems)[0];
      calls.push({
        command: context.commandName as string,
        consistent: input.ConsistentRead ?? batch?.ConsistentRead,
      });
      return next(args);
    },
    { step: 'initialize', name: 'recordCommands' },
  );
  return calls;
}

describe('the compact snapshot item', () => {
  it('reads an item of the earlier layout (eventId strings, applied times, pending list) and converts it on the next write', async () => {
    const table = await aws.createTable();
    const { store, documentClient } = aws.deps(table);
    const events = orderHistory('old-1', 5);
    const state = events.slice(0, 3).reduce((s, e) => registry.apply(s, e), registry.initialState('order'));
    const at = t0.toISOString();
    // Exactly as the earlier layout wrote it: version 3, sequence 5 buffered (its item too), an orphan at 4.
    await documentClient.send(
      new PutCommand({
        TableName: table,
        Item: {
          pk: 'order#old-1',
          sk: 'state',
          aggregateType: 'order',
          aggregateId: 'old-1',
          version: 3,
          chain: 'c3',
          state,
          recent: events.slice(0, 3).map((e) => e.eventId),
          recentAppliedAt: [t0.getTime() - 2, t0.getTime() - 1, t0.getTime()],
          pending: [{ sequence: 5, eventId: (events[4] as { eventId: string }).eventId, bufferedAt: at }],
          gapSince: at,
          skips: [],
          revision: 7,
          updatedAt: at,
        },
      }),
    );
    for (const event of [events[4], orderEvent('old-1', 4, { eventId: 'orphan' })]) {
      const item = toPendingItem(event as Envelope, at);
      await documentClient.send(new PutCommand({ TableName: table, Item: item }));
    }

    const loaded = (await store.load({ aggregateType: 'order', aggregateId: 'old-1' })) as LoadedAggregate;
    expect(loaded.snapshot).toMatchObject({ version: 3, revision: 7, state });
    expect(loaded.snapshot.recent).toEqual(events.slice(0, 3).map((e) => recentKey(e.eventId)));
    expect(loaded.snapshot.recentAppliedAt).toEqual([t0.getTime() - 2, t0.getTime() - 1, t0.getTime()]);
    // The listed event only: the orphan at 4 holds an eventId the list does not name.
    expect([...loaded.pendingEvents.keys()]).toEqual([5]);

    const decision = decideAggregate(
      { key: loaded.snapshot, loaded, records: [events[2], events[3]] as never, now: t0 },
      registry,
      options,
    );
    expect(decision.outcomes.map((o) => o.decision)).toEqual(['duplicate', 'applied']);
    expect(decision.next).toMatchObject({ version: 5, pending: [] });
    await store.write({
      key: loaded.snapshot,
      next: decision.next as never,
      expectedRevision: decision.expectedRevision,
      pendingToPut: decision.pendingToPut,
      pendingToDelete: decision.pendingToDelete,
    });
    const raw = (
      await documentClient.send(
        new GetCommand({ TableName: table, Key: { pk: 'order#old-1', sk: 'state' }, ConsistentRead: true }),
      )
    ).Item as Record<string, unknown>;
    for (const gone of ['recent', 'recentAppliedAt', 'pending', 'gapSince', 'pendingCount', 'skips'])
      expect(raw, gone).not.toHaveProperty(gone);
    expect(raw.recentKeys).toBeInstanceOf(Uint8Array);
    expect((raw.recentKeys as Uint8Array).byteLength).toBe(4 * RECENT_KEY_BYTES);
    expect((raw.appliedAgoMs as Uint8Array).byteLength).toBe(4 * 4);
    const again = await store.load(loaded.snapshot);
    expect(again?.snapshot.recent).toEqual(events.slice(1, 5).map((e) => recentKey(e.eventId)));
  });

  it('queries buffered events only when the snapshot counts some, above its version, strongly consistent', async () => {
    const table = await aws.createTable();
    const { store, documentClient } = aws.deps(table);
    const key = { aggregateType: 'order', aggregateId: 'gap-1' };
    const events = orderHistory('gap-1', 6);
    const write = async (loaded: LoadedAggregate | undefined, records: typeof events, now: Date) => {
      const d = decideAggregate({ key, loaded, records, now }, registry, options);
      await store.write({
        key,
        next: d.next as never,
        expectedRevision: d.expectedRevision,
        pendingToPut: d.pendingToPut,
        pendingToDelete: d.pendingToDelete,
      });
      return d;
    };
    await write(undefined, events.slice(0, 2), t0);
    const calls = recordCommands(documentClient);
    const plain = (await store.loadMany([key])).get('order#gap-1');
    expect(plain?.ok && plain.aggregate?.snapshot.version).toBe(2);
    expect(calls).toEqual([{ command: 'BatchGetItemCommand', consistent: false }]);

    const withGap = await write(plain?.ok ? plain.aggregate : undefined, [events[4], events[5]] as never, t0);
    expect(withGap.outcomes.map((o) => o.decision)).toEqual(['buffered', 'buffered']);
    // A leftover at or below the version (a failed cleanup) is not read as buffered.
    await documentClient.send(
      new PutCommand({ TableName: table, Item: toPendingItem(events[1] as never, t0.toISOString()) }),
    );
    calls.length = 0;
    const loaded = (await store.load(key)) as LoadedAggregate;
    expect(calls).toEqual([
      { command: 'BatchGetItemCommand', consistent: true },
      { command: 'QueryCommand', consistent: true },
    ]);
    expect(loaded.snapshot.pending).toEqual([
      { sequence: 5, eventId: events[4]?.eventId, bufferedAt: t0.toISOString() },
      { sequence: 6, eventId: events[5]?.eventId, bufferedAt: t0.toISOString() },
    ]);
    expect([...loaded.pendingEvents.keys()]).toEqual([5, 6]);
    const raw = (
      await documentClient.send(
        new GetCommand({ TableName: table, Key: { pk: 'order#gap-1', sk: 'state' }, ConsistentRead: true }),
      )
    ).Item as Record<string, unknown>;
    expect(raw).toMatchObject({ pendingCount: 2, pendingFrom: 5, gapSince: t0.toISOString() });
    expect(raw).not.toHaveProperty('pending');

    // The gap listing (the stalled check) reads the snapshot's count, lowest sequence and gapSince: no Query.
    calls.length = 0;
    const listed = [];
    for await (const snapshot of store.listWithGaps()) listed.push(snapshot);
    expect(calls.map((c) => c.command)).toEqual(['ScanCommand', 'BatchGetItemCommand']);
    expect(listed).toHaveLength(1);
    expect(stalledGap(listed[0] as never, new Date(t0.getTime() + 1_000), 0)).toMatchObject({
      missingFrom: 3,
      missingTo: 4,
      buffered: 2,
      since: t0.toISOString(),
    });

    const filled = await write(loaded, [events[2], events[3]] as never, t0);
    expect(filled.outcomes.map((o) => o.decision)).toEqual(['applied', 'applied']);
    expect(filled.pendingToDelete).toEqual([5, 6]);
    const after = (await store.load(key)) as LoadedAggregate;
    expect(after.snapshot).toMatchObject({ version: 6, pending: [] });
    expect(
      (
        await documentClient.send(
          new GetCommand({ TableName: table, Key: { pk: 'order#gap-1', sk: pendingSk(5) } }),
        )
      ).Item,
    ).toBeUndefined();
  });

  it('stores a large state compressed in a binary attribute and reads it back equal', async () => {
    const table = await aws.createTable();
    const { store, documentClient } = aws.deps(table);
    const key = { aggregateType: 'order', aggregateId: 'big-1' };
    const records = Array.from({ length: 80 }, (_, i) =>
      orderEvent('big-1', i + 1, {
        ...(i === 0
          ? {}
          : {
              type: 'ItemAdded',
              data: { sku: `sku-${i}`, quantity: 1 + (i % 4), unitPrice: i / 4 },
            }),
      }),
    );
    const d = decideAggregate({ key, loaded: undefined, records, now: t0 }, registry, options);
    await store.write({
      key,
      next: d.next as never,
      expectedRevision: 0,
      pendingToPut: [],
      pendingToDelete: [],
    });
    const raw = (
      await documentClient.send(
        new GetCommand({ TableName: table, Key: { pk: 'order#big-1', sk: 'state' }, ConsistentRead: true }),
      )
    ).Item as Record<string, unknown>;
    expect(raw).not.toHaveProperty('state');
    expect(raw.stateBrotli).toBeInstanceOf(Uint8Array);
    expect((await store.load(key))?.snapshot.state).toEqual(d.next?.state);
  });
});
