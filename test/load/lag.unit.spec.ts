/** Lag from the snapshot's applied times, read from either table layout (docs/design.md §3). */
import { describe, expect, it } from 'vitest';
import { lagSamples } from '../../load/lag.js';
import { RunLedger } from '../../load/ledger.js';
import { projectionOf } from '../../load/projection-reader.js';
import { APPLIED_TIMES_WINDOW, recentKey, SKIPPED_KEY } from '../../processors/engine/index.js';
import { toSnapshotItem } from '../../processors/store/index.js';

const t0 = Date.parse('2026-11-23T10:00:00.000Z');

/** A ledger that accepted events 1..count of aggregate `a`, event n at t0 + n. */
function ledgerOf(count: number): RunLedger {
  const ledger = new RunLedger();
  const events = Array.from({ length: count }, (_, i) => ({
    aggregateId: 'a',
    sequence: i + 1,
    eventId: `e-${i + 1}`,
  }));
  ledger.onAttempt({ lane: 0, attempt: 1, sentAt: t0, respondedAt: t0, status: 202, events } as never);
  for (const event of events)
    ledger.onFinal({ events: [event], outcome: 'accepted', at: t0 + event.sequence } as never);
  return ledger;
}

describe('lag from the snapshot', () => {
  it('reads the compact item: the last applied times, each matched to the event the window holds at its sequence', () => {
    const count = 40;
    const recent = Array.from({ length: count }, (_, i) => recentKey(`e-${i + 1}`));
    // Sequence 38 was skipped: no sample for it.
    recent[37] = SKIPPED_KEY;
    const appliedAt = Array.from({ length: count }, (_, i) => t0 + i + 1 + 100);
    const item = toSnapshotItem({
      aggregateType: 'order',
      aggregateId: 'a',
      version: count,
      chain: 'c',
      state: {},
      recent,
      recentAppliedAt: appliedAt,
      pending: [],
      skips: [],
      revision: 1,
      updatedAt: new Date(t0 + count + 100).toISOString(),
    });
    const projection = projectionOf(item as never);
    expect(projection.recent).toEqual(recent);
    expect(projection.recentAppliedAt).toEqual(appliedAt.slice(-APPLIED_TIMES_WINDOW));
    const samples = lagSamples(ledgerOf(count), new Map([['a', projection]]));
    expect(samples.map((s) => s.eventId)).toEqual(
      Array.from(
        { length: APPLIED_TIMES_WINDOW },
        (_, i) => `e-${count - APPLIED_TIMES_WINDOW + i + 1}`,
      ).filter((id) => id !== 'e-38'),
    );
    expect(samples.every((s) => s.lagMs === 100)).toBe(true);
  });

  it('reads an item of the earlier layout (eventIds and 64 applied times) the same way', () => {
    const projection = projectionOf({
      aggregateId: 'a',
      version: 3,
      chain: 'c',
      recent: ['e-1', '', 'e-3'],
      recentAppliedAt: [t0 + 11, t0 + 12, t0 + 13],
      updatedAt: new Date(t0 + 13).toISOString(),
    });
    expect(projection.recent).toEqual([recentKey('e-1'), SKIPPED_KEY, recentKey('e-3')]);
    const samples = lagSamples(ledgerOf(3), new Map([['a', projection]]));
    expect(samples.map((s) => [s.eventId, s.lagMs])).toEqual([
      ['e-1', 10],
      ['e-3', 10],
    ]);
  });

  it('takes no sample where the window holds another event than the ledger sent at that sequence', () => {
    const projection = {
      aggregateId: 'a',
      version: 2,
      chain: 'c',
      recent: [recentKey('e-2'), recentKey('e-1')],
      recentAppliedAt: [t0 + 50, t0 + 60],
    };
    expect(lagSamples(ledgerOf(2), new Map([['a', projection]]))).toEqual([]);
  });
});
