/**
 * Bounded aggregates (docs/design.md §3, "Bounded aggregates"): what the store cannot hold is refused before writing,
 * with a reason, and the aggregate is blocked (stalled at once) at the refused sequence.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AggregateRegistry, defineAggregate, orderAggregate } from '../../processors/aggregates/index.js';
import {
  type AggregateSnapshot,
  decideAggregate,
  type LoadedAggregate,
  measureItem,
  type RecordOutcome,
  resolveEngineOptions,
  skipGap,
  stalledGap,
} from '../../processors/engine/index.js';
import type { Envelope } from '../../processors/envelope/index.js';
import { listGaps } from '../../processors/operator/aggregate-operations.js';
import type { AggregateStore } from '../../processors/store/aggregate-store.js';
import { fromSnapshotItem, measureSnapshotItem, toSnapshotItem } from '../../processors/store/index.js';
import { formatGaps } from '../../tools/aggregates/format.js';
import { orderEvent } from '../support/order-events.js';
import { persist } from './persist-decision.js';

const t0 = new Date('2026-11-23T10:00:00.000Z');
const orders = new AggregateRegistry([orderAggregate]);
const key = (aggregateId: string) => ({ aggregateType: 'order', aggregateId });

const reasons = (outcomes: readonly RecordOutcome[]) =>
  outcomes.map((o) => (o.decision === 'rejected' ? o.reason : o.decision));

/** An aggregate whose state grows by each event's `text`. */
const notes = defineAggregate<{ text: string }>('notes', () => ({ text: '' }))
  .event('Noted', { 1: z.object({ text: z.string() }) }, (s, e) => ({ text: s.text + e.data.text }))
  .build();
const noteRegistry = new AggregateRegistry([notes]);
/** `length` characters of seeded base64 noise: a state that compresses little (states over 512 bytes are stored compressed). */
const noise = (seed: string, length: number): string => {
  let text = '';
  for (let block = 0; text.length < length; block++)
    text += createHash('sha256').update(`${seed}:${block}`).digest('base64');
  return text.slice(0, length);
};
const note = (sequence: number, text: string): Envelope => ({
  eventId: `n-${sequence}`,
  aggregateType: 'notes',
  aggregateId: 'n-1',
  sequence,
  type: 'Noted',
  schemaVersion: 1,
  occurredAt: t0.toISOString(),
  data: { text },
});

describe('measureItem counts as DynamoDB does', () => {
  it('sums names and values: strings in UTF-8 bytes, numbers by significant digits, 3 + 1 per element for maps and lists', () => {
    expect(measureItem({ a: 'abc' }).bytes).toBe(1 + 3);
    expect(measureItem({ é: 'é' }).bytes).toBe(2 + 2);
    // UTF-8 bytes: 1, 2, 3 and 4 (a surrogate pair); a lone surrogate is encoded as U+FFFD, 3 bytes.
    for (const text of ['a', 'é', '€', '😀', 'a😀é€', '\ud800', `${'x'.repeat(300)}😀`]) {
      expect(measureItem({ s: text }).bytes).toBe(1 + Buffer.byteLength(text, 'utf8'));
    }
    // Significant digits: 0.00125 → 3, 1.5e-7 → 2, 120.5 → 4.
    expect(measureItem({ n: 0.00125 }).bytes).toBe(1 + 3);
    expect(measureItem({ n: 1.5e-7 }).bytes).toBe(1 + 2);
    expect(measureItem({ n: 120.5 }).bytes).toBe(1 + 3);
    // Binary: the name plus the raw bytes (sent base64-encoded, counted raw), a Buffer like a Uint8Array.
    expect(measureItem({ b: new Uint8Array(10) }).bytes).toBe(1 + 10);
    expect(measureItem({ bin: Buffer.from('abc') }).bytes).toBe(3 + 3);
    // 123 → 3 significant digits → 2 bytes + 1; 1000 → 1 digit → 1 + 1.
    expect(measureItem({ n: 123, m: 1000 }).bytes).toBe(1 + 3 + 1 + 2);
    expect(measureItem({ b: true, z: null }).bytes).toBe(2 + 2);
    expect(measureItem({ m: { x: 1 } }).bytes).toBe(1 + 3 + (1 + 1 + 2));
    expect(measureItem({ l: ['ab', 'c'] }).bytes).toBe(1 + 3 + (1 + 2) + (1 + 1));
  });

  it.each([
    [Number.POSITIVE_INFINITY, /not a finite number/],
    [Number.NaN, /not a finite number/],
    [2 ** 53, /MAX_SAFE_INTEGER/],
    [-1e300, /MAX_SAFE_INTEGER/],
    [1e-200, /smallest magnitude/],
  ])('names a number it cannot store (%s)', (value, problem) => {
    expect(measureItem({ state: { items: { a: { unitPrice: value } } } }).problem).toMatch(problem);
  });

  it('names keys and values that are not data', () => {
    const proto = JSON.parse('{"__proto__": {"quantity": 1}}');
    expect(measureItem({ state: proto }).problem).toMatch(/state\.__proto__: the key "__proto__"/);
    expect(measureItem({ state: { at: new Date(0) } }).problem).toMatch(/Date instance/);
    expect(measureItem({ state: { big: 1n } }).problem).toMatch(/bigint is not data/);
  });
});

describe('the buffer limit', () => {
  it('refuses the event past maxBufferedEvents with too-many-buffered and blocks the aggregate at it', () => {
    const options = resolveEngineOptions({ maxBufferedEvents: 3 });
    // Reverse order: 10, 9, 8 are buffered; 7..2 are refused; 1 applies.
    const events = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1].map((s) => orderEvent('o-r', s));
    const d = decideAggregate(
      { key: key('o-r'), loaded: undefined, records: events, now: t0 },
      orders,
      options,
    );
    expect(reasons(d.outcomes)).toEqual([
      'buffered',
      'buffered',
      'buffered',
      ...Array(6).fill('too-many-buffered'),
      'applied',
    ]);
    expect(d.next?.version).toBe(1);
    expect(d.next?.pending.map((p) => p.sequence)).toEqual([8, 9, 10]);
    expect(d.next?.blocked).toMatchObject({ sequence: 2, eventId: 'o-r-e2', reason: 'too-many-buffered' });
    // Stalled at once, whatever the age, with the reason; the gap spans the refused sequences.
    expect(stalledGap(d.next as never, t0, 60_000)).toMatchObject({
      missingFrom: 2,
      missingTo: 7,
      buffered: 3,
      blocked: { reason: 'too-many-buffered', sequence: 2 },
    });
    // The snapshot item carries gapSince, so the gap index lists it.
    expect(toSnapshotItem(d.next as never).gapSince).toBe(t0.toISOString());
  });

  it('clears the block once the refused sequences are redelivered and applied', () => {
    const options = resolveEngineOptions({ maxBufferedEvents: 1 });
    const first = decideAggregate(
      { key: key('o-c'), loaded: undefined, records: [orderEvent('o-c', 3), orderEvent('o-c', 2)], now: t0 },
      orders,
      options,
    );
    expect(reasons(first.outcomes)).toEqual(['buffered', 'too-many-buffered']);
    const stored = persist(undefined, first);
    const redriven = decideAggregate(
      { key: key('o-c'), loaded: stored, records: [orderEvent('o-c', 1), orderEvent('o-c', 2)], now: t0 },
      orders,
      options,
    );
    expect(reasons(redriven.outcomes)).toEqual(['applied', 'applied']);
    expect(redriven.next?.version).toBe(3);
    expect(redriven.next?.blocked).toBeUndefined();
    expect(toSnapshotItem(redriven.next as never).gapSince).toBeUndefined();
  });
});

describe('the snapshot size budget', () => {
  it('refuses the event that would pass maxSnapshotBytes with state-too-large, keeps the rest, and blocks', () => {
    const options = resolveEngineOptions({ maxSnapshotBytes: 1_500 });
    const records = [
      note(1, noise('a', 600)),
      note(2, noise('b', 600)),
      note(3, noise('c', 900)),
      note(4, 'd'),
    ];
    const d = decideAggregate(
      { key: { aggregateType: 'notes', aggregateId: 'n-1' }, loaded: undefined, records, now: t0 },
      noteRegistry,
      options,
    );
    expect(reasons(d.outcomes)).toEqual(['applied', 'applied', 'state-too-large', 'buffered']);
    const refused = d.outcomes[2] as { detail: string };
    expect(refused.detail).toMatch(/over the budget of 1500/);
    expect(d.next).toMatchObject({ version: 2, blocked: { sequence: 3, reason: 'state-too-large' } });
    expect((d.next as { state: { text: string } }).state.text).toHaveLength(1_200);
    expect(measureItem(toSnapshotItem(d.next as never) as never).bytes).toBeLessThanOrEqual(1_500);
  });

  it('refuses a drained event of the batch that would pass the budget instead of buffering it for ever', () => {
    const options = resolveEngineOptions({ maxSnapshotBytes: 1_500 });
    const records = [note(2, noise('b', 1_500)), note(1, noise('a', 600))];
    const d = decideAggregate(
      { key: { aggregateType: 'notes', aggregateId: 'n-1' }, loaded: undefined, records, now: t0 },
      noteRegistry,
      options,
    );
    expect(reasons(d.outcomes)).toEqual(['state-too-large', 'applied']);
    expect(d.next).toMatchObject({ version: 1, pending: [], blocked: { sequence: 2 } });
    expect(d.pendingToPut).toEqual([]);
  });

  it('decides exactly as before when everything fits (the budget is checked once on the result)', () => {
    const records = [1, 2, 3, 4, 5].map((s) => orderEvent('o-f', s));
    const d = decideAggregate(
      { key: key('o-f'), loaded: undefined, records, now: t0 },
      orders,
      resolveEngineOptions(),
    );
    expect(reasons(d.outcomes)).toEqual(Array(5).fill('applied'));
    expect(d.next?.blocked).toBeUndefined();
  });
});

describe('values the store cannot hold', () => {
  const placed = orderEvent('o-n', 1, { type: 'OrderPlaced', data: { customerId: 'c', currency: 'EUR' } });
  const added = (sequence: number, data: Record<string, unknown>) =>
    orderEvent('o-n', sequence, { type: data.amount === undefined ? 'ItemAdded' : 'OrderPaid', data });

  it.each([
    [
      'an amount that rounds to Infinity (rounding multiplies by 1e6 first)',
      { amount: 1e308, paymentId: 'p' },
      /amountPaid: Infinity is not a finite number/,
    ],
    ['a quantity above 2^53', { sku: 'x', quantity: 2 ** 60, unitPrice: 1 }, /MAX_SAFE_INTEGER/],
    ['a __proto__ SKU', { sku: '__proto__', quantity: 1, unitPrice: 1 }, /"__proto__"/],
  ])('refuses %s with not-storable and blocks the aggregate there', (_, data, problem) => {
    const d = decideAggregate(
      {
        key: key('o-n'),
        loaded: undefined,
        records: [placed, added(2, data), added(3, { sku: 'y', quantity: 1, unitPrice: 1 })],
        now: t0,
      },
      orders,
      resolveEngineOptions(),
    );
    expect(reasons(d.outcomes)).toEqual(['applied', 'not-storable', 'buffered']);
    expect((d.outcomes[1] as { detail: string }).detail).toMatch(problem);
    expect(d.next).toMatchObject({ version: 1, blocked: { sequence: 2, reason: 'not-storable' } });
  });

  it('refuses to buffer an event whose own data cannot be stored', () => {
    const d = decideAggregate(
      {
        key: key('o-n'),
        loaded: undefined,
        records: [added(5, { sku: 'x', quantity: 2 ** 60, unitPrice: 1 })],
        now: t0,
      },
      orders,
      resolveEngineOptions(),
    );
    expect(reasons(d.outcomes)).toEqual(['not-storable']);
    expect(d.pendingToPut).toEqual([]);
  });

  it('applies a constructor SKU like any other', () => {
    const d = decideAggregate(
      {
        key: key('o-n'),
        loaded: undefined,
        records: [placed, added(2, { sku: 'constructor', quantity: 2, unitPrice: 3 })],
        now: t0,
      },
      orders,
      resolveEngineOptions(),
    );
    expect(reasons(d.outcomes)).toEqual(['applied', 'applied']);
    expect(d.next?.state).toMatchObject({ total: 6, items: { constructor: { quantity: 2, unitPrice: 3 } } });
  });
});

describe('measureSnapshotItem', () => {
  it('measures exactly the item toSnapshotItem builds, blocked and buffered included', () => {
    const options = resolveEngineOptions({ maxBufferedEvents: 2 });
    const events = [9, 8, 7, 1, 2].map((s) => orderEvent('o-m', s));
    const d = decideAggregate(
      { key: key('o-m'), loaded: undefined, records: events, now: t0 },
      orders,
      options,
    );
    const snapshot = d.next as AggregateSnapshot;
    expect(snapshot.blocked).toBeDefined();
    expect(measureSnapshotItem(snapshot)).toEqual(measureItem(toSnapshotItem(snapshot) as never));
  });
});

describe('the options', () => {
  it('refuse a snapshot budget above DynamoDB’s 400 KB item limit', () => {
    expect(() => resolveEngineOptions({ maxSnapshotBytes: 409_601 })).toThrow(/409600/);
    expect(resolveEngineOptions({ maxSnapshotBytes: 409_600 }).maxSnapshotBytes).toBe(409_600);
  });
});

describe('an aggregate blocked with nothing buffered behind the refused event', () => {
  const blockedAt = () => {
    const options = resolveEngineOptions({ maxSnapshotBytes: 1_500 });
    const d = decideAggregate(
      {
        key: { aggregateType: 'notes', aggregateId: 'n-1' },
        loaded: undefined,
        records: [note(2, noise('b', 1_500)), note(1, noise('a', 600))],
        now: t0,
      },
      noteRegistry,
      options,
    );
    return { options, loaded: persist(undefined, d) as LoadedAggregate };
  };

  it('is listed as stalled at once, with the refused sequence and its reason', async () => {
    const { loaded } = blockedAt();
    const store = {
      async *listWithGaps() {
        yield loaded.snapshot;
      },
    } as unknown as AggregateStore;
    // One second old: far below the gap age, yet a block never resolves by waiting.
    const listed = await listGaps(store, { now: new Date(t0.getTime() + 1_000), maxGapAgeMs: 300_000 });
    expect(listed).toEqual([
      expect.objectContaining({
        version: 1,
        stalled: true,
        blocked: expect.objectContaining({ sequence: 2 }),
      }),
    ]);
    expect(formatGaps(listed)).toMatch(/#2 state-too-large: /);
  });

  it('skip-gap skips through the refused sequence (one range link), clears the block, and the next event applies', () => {
    const { options, loaded } = blockedAt();
    const skipped = skipGap(
      loaded,
      noteRegistry,
      options,
      new Date(t0.getTime() + 60_000),
      'refused by the budget',
    );
    expect(skipped.skipped).toEqual({ from: 2, to: 2 });
    expect(skipped.next.version).toBe(2);
    expect(skipped.next.blocked).toBeUndefined();
    expect(skipped.next.skips.at(-1)).toMatchObject({ from: 2, to: 2, chainToken: 'range' });
    const after = decideAggregate(
      {
        key: { aggregateType: 'notes', aggregateId: 'n-1' },
        loaded: { snapshot: skipped.next, pendingEvents: new Map() },
        records: [note(3, 'c')],
        now: t0,
      },
      noteRegistry,
      options,
    );
    expect(reasons(after.outcomes)).toEqual(['applied']);
    expect(after.next?.version).toBe(3);
  });

  it('keeps the chain rule of each skip through the table item (range links and older per-sequence ones)', () => {
    const { options, loaded } = blockedAt();
    const skipped = skipGap(loaded, noteRegistry, options, t0, 'x');
    const legacy = { ...skipped.next, skips: [{ from: 9, to: 9, at: t0.toISOString(), reason: 'old' }] };
    expect((fromSnapshotItem(toSnapshotItem(skipped.next) as never) as AggregateSnapshot).skips).toEqual(
      skipped.next.skips,
    );
    const read = fromSnapshotItem(toSnapshotItem(legacy) as never) as AggregateSnapshot;
    expect(read.skips[0]).not.toHaveProperty('chainToken');
  });
});
