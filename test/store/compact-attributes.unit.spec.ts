/** The binary attributes of the compact snapshot item and its round trip (docs/design.md §3). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AggregateSnapshot,
  APPLIED_TIMES_WINDOW,
  measureItem,
  RECENT_KEY_BYTES,
  recentKey,
  SKIPPED_KEY,
  stalledGap,
} from '../../processors/engine/index.js';
import {
  compressedState,
  decodeAppliedTimes,
  decodeRecentWindow,
  decompressState,
  encodeAppliedTimes,
  encodeRecentWindow,
  STATE_COMPRESSION_MIN_BYTES,
} from '../../processors/store/compact-attributes.js';
import { fromSnapshotItem, measureSnapshotItem, toSnapshotItem } from '../../processors/store/index.js';

const t0 = Date.parse('2026-11-23T10:00:00.000Z');

describe('the conflict-detection window', () => {
  it('keeps each key at its sequence position, a skipped sequence as zero bytes', () => {
    const keys = [recentKey('e1'), SKIPPED_KEY, recentKey('e3')];
    const bytes = encodeRecentWindow(keys);
    expect(bytes.byteLength).toBe(3 * RECENT_KEY_BYTES);
    expect([...bytes.subarray(RECENT_KEY_BYTES, 2 * RECENT_KEY_BYTES)]).toEqual(
      Array(RECENT_KEY_BYTES).fill(0),
    );
    expect(Buffer.from(bytes.subarray(0, RECENT_KEY_BYTES)).toString('hex')).toBe(
      // The first bytes of sha256("e1") (`printf e1 | sha256sum`).
      '8b5cc4df7eec7d32'.slice(0, RECENT_KEY_BYTES * 2),
    );
    expect(decodeRecentWindow(bytes)).toEqual(keys);
  });

  it('round-trips any window of keys and skips', () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.string(), { nil: undefined }), { maxLength: 80 }), (ids) => {
        const keys = ids.map((id) => (id === undefined ? SKIPPED_KEY : recentKey(id)));
        expect(decodeRecentWindow(encodeRecentWindow(keys))).toEqual(keys);
      }),
    );
  });

  it('never gives an eventId the all-zero key of a skip, and refuses a window cut mid-key', () => {
    for (let i = 0; i < 1_000; i++) expect(recentKey(`e-${i}`)).not.toBe('0'.repeat(RECENT_KEY_BYTES * 2));
    expect(decodeRecentWindow(new Uint8Array(RECENT_KEY_BYTES + 1))).toBeUndefined();
  });
});

describe('the applied times', () => {
  it('store milliseconds before updatedAt, unknown (0) as such, and read back as epoch ms', () => {
    const times = [t0 - 90_000, 0, t0 - 1, t0];
    const bytes = encodeAppliedTimes(times, t0);
    expect(bytes.byteLength).toBe(4 * times.length);
    expect(decodeAppliedTimes(bytes, t0)).toEqual(times);
  });

  it('clamp what they cannot hold: a time after updatedAt to it, one over 49 days back to that far', () => {
    const [late, ancient] = decodeAppliedTimes(encodeAppliedTimes([t0 + 5, 1], t0), t0) as number[];
    expect(late).toBe(t0);
    expect(t0 - (ancient as number)).toBe(0xffff_fffe);
    expect(decodeAppliedTimes(new Uint8Array(3), t0)).toBeUndefined();
  });
});

describe('the compressed state', () => {
  it('stays plain at or under the threshold, and compressed above it reads back equal', () => {
    const small = { a: 'x'.repeat(10) };
    expect(compressedState(small, measureItem({ state: small }).bytes)).toBeUndefined();
    const large = { lines: Array.from({ length: 60 }, (_, i) => ({ sku: `sku-${i}`, quantity: i % 7 })) };
    const bytes = measureItem({ state: large }).bytes;
    expect(bytes).toBeGreaterThan(STATE_COMPRESSION_MIN_BYTES);
    const compressed = compressedState(large, bytes) as Uint8Array;
    expect(compressed.byteLength).toBeLessThan(bytes / 2);
    expect(decompressState(compressed)).toEqual(large);
  });

  it('round-trips any JSON data above the threshold, or leaves it plain when compression would not shrink it', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue(), { minKeys: 1 }), (state) => {
        const plain = JSON.parse(JSON.stringify(state)) as Record<string, unknown>;
        // JSON turns -0 into 0, as DynamoDB does; the state the fold hands over is plain data.
        const bytes = measureItem({ state: plain }).bytes;
        if (Number.isNaN(bytes)) return;
        const compressed = compressedState(plain, bytes);
        if (compressed === undefined) return;
        expect(compressed.byteLength).toBeLessThan(bytes);
        expect(decompressState(compressed)).toEqual(plain);
      }),
      { numRuns: 200 },
    );
  });
});

describe('the snapshot item', () => {
  const snapshot = (overrides: Partial<AggregateSnapshot> = {}): AggregateSnapshot => ({
    aggregateType: 'order',
    aggregateId: 'o-1',
    version: 70,
    chain: 'c'.repeat(64),
    state: { status: 'placed' },
    recent: Array.from({ length: 64 }, (_, i) => (i === 3 ? SKIPPED_KEY : recentKey(`e-${i + 7}`))),
    recentAppliedAt: Array.from({ length: APPLIED_TIMES_WINDOW }, (_, i) => t0 - 1_000 + i),
    pending: [],
    skips: [],
    revision: 9,
    updatedAt: new Date(t0).toISOString(),
    ...overrides,
  });

  it('round-trips a snapshot, buffered events counted (their refs come from their own items)', () => {
    const buffered = snapshot({
      pending: [
        { sequence: 72, eventId: 'e-72', bufferedAt: new Date(t0 - 5).toISOString() },
        { sequence: 75, eventId: 'e-75', bufferedAt: new Date(t0).toISOString() },
      ],
    });
    const item = toSnapshotItem(buffered);
    expect(item).toMatchObject({
      pendingCount: 2,
      pendingFrom: 72,
      gapSince: new Date(t0 - 5).toISOString(),
    });
    expect(item).not.toHaveProperty('pending');
    expect(item).not.toHaveProperty('skips');
    // Read without their items, the snapshot describes them by the item's count, lowest sequence and gapSince.
    const read = fromSnapshotItem(item as never) as AggregateSnapshot;
    expect(read).toEqual({
      ...buffered,
      pending: [],
      unloadedPending: { count: 2, from: 72, since: new Date(t0 - 5).toISOString() },
    });
    expect(stalledGap(read, new Date(t0 + 600_000), 60_000)).toMatchObject({
      missingFrom: 71,
      missingTo: 71,
      buffered: 2,
      since: new Date(t0 - 5).toISOString(),
    });
    expect(toSnapshotItem(read)).toEqual(item);
  });

  it('reads an item of the earlier layout: eventIds become keys, applied times and the pending list are kept', () => {
    const at = new Date(t0).toISOString();
    const legacy = {
      pk: 'order#o-1',
      sk: 'state',
      aggregateType: 'order',
      aggregateId: 'o-1',
      version: 3,
      chain: 'c3',
      state: { status: 'placed' },
      recent: ['e-1', '', 'e-3'],
      recentAppliedAt: [t0 - 2, t0 - 1, t0],
      pending: [{ sequence: 5, eventId: 'e-5', bufferedAt: at }],
      gapSince: at,
      skips: [{ from: 2, to: 2, at, reason: 'lost' }],
      revision: 4,
      updatedAt: at,
    };
    expect(fromSnapshotItem(legacy)).toEqual({
      aggregateType: 'order',
      aggregateId: 'o-1',
      version: 3,
      chain: 'c3',
      state: { status: 'placed' },
      recent: [recentKey('e-1'), SKIPPED_KEY, recentKey('e-3')],
      recentAppliedAt: [t0 - 2, t0 - 1, t0],
      pending: [{ sequence: 5, eventId: 'e-5', bufferedAt: at }],
      skips: [{ from: 2, to: 2, at, reason: 'lost' }],
      revision: 4,
      updatedAt: at,
    });
  });

  it('keeps only the last applied times, and measures exactly the item it writes (compressed state included)', () => {
    const long = snapshot({ recentAppliedAt: Array.from({ length: 64 }, (_, i) => t0 - 64 + i) });
    const item = toSnapshotItem(long);
    expect(item.appliedAgoMs.byteLength).toBe(4 * APPLIED_TIMES_WINDOW);
    expect((fromSnapshotItem(item as never) as AggregateSnapshot).recentAppliedAt).toEqual(
      long.recentAppliedAt.slice(-APPLIED_TIMES_WINDOW),
    );
    const big = snapshot({
      state: { lines: Array.from({ length: 80 }, (_, i) => ({ sku: `s-${i}`, n: i })) },
    });
    expect(toSnapshotItem(big)).toHaveProperty('stateBrotli');
    expect(measureSnapshotItem(big)).toEqual(measureItem(toSnapshotItem(big) as never));
  });

  it('names a value it cannot store even when the state would be written compressed', () => {
    const bad = snapshot({ state: { lines: Array.from({ length: 80 }, (_, i) => i), bad: Number.NaN } });
    expect(measureSnapshotItem(bad).problem).toMatch(/state\.bad: NaN is not a finite number/);
  });
});
