import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregatePk, emptySnapshot } from '../../processors/engine/index.js';
import { ConcurrentWriteError } from '../../processors/store/index.js';
import { orderEvent } from '../support/order-events.js';
import { type LocalAwsFixture, startLocalAws } from '../support/processor-fixture.js';

let aws: LocalAwsFixture;
beforeAll(async () => {
  aws = await startLocalAws();
});
afterAll(async () => {
  await aws?.close();
});

const key = (i: number) => ({ aggregateType: 'order', aggregateId: `k-${i}` });

describe('DynamoDbAggregateStore against dynalite', () => {
  it('loads 250 aggregates in ≤ 100-key BatchGetItem calls and retries UnprocessedKeys', async () => {
    const table = await aws.createTable();
    const { store, documentClient } = aws.deps(table);
    for (let i = 0; i < 250; i += 2) {
      await store.write({
        key: key(i),
        next: {
          ...emptySnapshot(key(i), { n: i }),
          version: 1,
          chain: 'c',
          revision: 1,
          updatedAt: new Date().toISOString(),
        },
        expectedRevision: 0,
        pendingToPut: [],
        pendingToDelete: [],
      });
    }
    const calls: number[] = [];
    let unprocessedRounds = 0;
    // Like DynamoDB under load: the first two calls serve half their keys and return the rest as UnprocessedKeys.
    (documentClient.middlewareStack as DynamoDBClient['middlewareStack']).add(
      (next, context) => async (args) => {
        if (context.commandName !== 'BatchGetItemCommand') return next(args);
        const input = args.input as { RequestItems: Record<string, { Keys: unknown[] }> };
        const request = input.RequestItems[table] as { Keys: unknown[] };
        calls.push(request.Keys.length);
        if (unprocessedRounds >= 2) return next(args);
        unprocessedRounds++;
        const held = request.Keys.splice(Math.ceil(request.Keys.length / 2));
        const result = await next(args);
        (result.output as { UnprocessedKeys?: unknown }).UnprocessedKeys = { [table]: { Keys: held } };
        return result;
      },
      { step: 'initialize', name: 'partialBatchGet' },
    );
    const results = await store.loadMany(Array.from({ length: 250 }, (_, i) => key(i)));
    expect(Math.max(...calls)).toBeLessThanOrEqual(100);
    expect(calls.length).toBeGreaterThan(3);
    expect(results.size).toBe(250);
    for (let i = 0; i < 250; i++) {
      const result = results.get(aggregatePk(key(i)));
      expect(result?.ok, `k-${i}`).toBe(true);
      const aggregate = result?.ok ? result.aggregate : undefined;
      if (i % 2 === 0) expect(aggregate?.snapshot.state).toEqual({ n: i });
      else expect(aggregate).toBeUndefined();
    }
  });

  it('refuses a write whose expected revision is stale, and a first write over an existing item', async () => {
    const table = await aws.createTable();
    const { store } = aws.deps(table);
    const base = {
      ...emptySnapshot(key(1), {}),
      version: 1,
      chain: 'c',
      revision: 1,
      updatedAt: new Date().toISOString(),
    };
    await store.write({
      key: key(1),
      next: base,
      expectedRevision: 0,
      pendingToPut: [],
      pendingToDelete: [],
    });
    await expect(
      store.write({ key: key(1), next: base, expectedRevision: 0, pendingToPut: [], pendingToDelete: [] }),
    ).rejects.toBeInstanceOf(ConcurrentWriteError);
    await expect(
      store.write({
        key: key(1),
        next: { ...base, revision: 3 },
        expectedRevision: 2,
        pendingToPut: [],
        pendingToDelete: [],
      }),
    ).rejects.toBeInstanceOf(ConcurrentWriteError);
  });

  it('refuses to buffer an event into a slot another event holds, and lets a stale orphan be overwritten', async () => {
    const table = await aws.createTable();
    const { store } = aws.deps(table);
    const now = new Date();
    const withPending = (eventId: string, at: Date, revision: number) => ({
      ...emptySnapshot(key(7), {}),
      version: 1,
      chain: 'c',
      revision,
      updatedAt: at.toISOString(),
      pending: [{ sequence: 3, eventId, bufferedAt: at.toISOString() }],
    });
    const first = orderEvent('k-7', 3, { eventId: 'first' });
    await store.write({
      key: key(7),
      next: withPending('first', now, 1),
      expectedRevision: 0,
      pendingToPut: [first],
      pendingToDelete: [],
    });
    const rival = orderEvent('k-7', 3, { eventId: 'rival' });
    await expect(
      store.write({
        key: key(7),
        next: withPending('rival', now, 2),
        expectedRevision: 1,
        pendingToPut: [rival],
        pendingToDelete: [],
      }),
    ).rejects.toBeInstanceOf(ConcurrentWriteError);
    expect((await store.load(key(7)))?.pendingEvents.get(3)?.eventId).toBe('first');
    // An hour later the slot's item counts as an orphan of a failed write and may be replaced.
    const later = new Date(now.getTime() + 3_600_000);
    await store.write({
      key: key(7),
      next: withPending('rival', later, 2),
      expectedRevision: 1,
      pendingToPut: [rival],
      pendingToDelete: [],
    });
    expect((await store.load(key(7)))?.pendingEvents.get(3)?.eventId).toBe('rival');
  });
});
