import { describe, expect, it } from 'vitest';
import type { LedgerEvent } from '../../load/ledger.js';
import type { ProjectionSnapshot } from '../../load/projection-reader.js';
import { deliveryFigures } from '../../load/report-delivery-figures.js';
import { chainOf } from '../../processors/engine/index.js';
import { recentKey } from '../../processors/engine/recent-key.js';

const ID = 'agg-1';

function sent(count: number, outcome: LedgerEvent['outcome'] = 'accepted'): LedgerEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    aggregateId: ID,
    sequence: i + 1,
    eventId: `e${i + 1}`,
    lane: 0,
    firstSentAt: 0,
    attempts: 1,
    lastStatus: 202,
    outcome,
    acceptedAt: 0,
  }));
}

/** The snapshot the processor would write after applying `applied` in that order. */
function snapshot(applied: readonly string[]): ProjectionSnapshot {
  return {
    aggregateId: ID,
    version: applied.length,
    chain: chainOf(applied),
    // The table keeps window keys (hashes of eventIds), docs/design.md §3.
    recent: applied.slice(-64).map(recentKey),
    recentAppliedAt: applied.slice(-64).map(() => 0),
  };
}

const figures = (events: LedgerEvent[], applied: readonly string[] | undefined) =>
  deliveryFigures(new Map([[ID, events]]), new Map(applied === undefined ? [] : [[ID, snapshot(applied)]]));

describe('deliveryFigures', () => {
  it('counts an exact projection as applied, nothing lost, twice or out of order', () => {
    expect(figures(sent(5), ['e1', 'e2', 'e3', 'e4', 'e5'])).toEqual({
      acknowledged: 5,
      applied: 5,
      lost: 0,
      appliedTwice: 0,
      outOfOrder: 0,
    });
  });

  it('counts acknowledged events never applied as lost, and a missing item as all lost', () => {
    expect(figures(sent(5), ['e1', 'e2', 'e3'])).toMatchObject({ lost: 2, applied: 3 });
    expect(figures(sent(4), undefined)).toMatchObject({ lost: 4, applied: 0 });
  });

  it('counts an event applied twice', () => {
    expect(figures(sent(3), ['e1', 'e2', 'e2', 'e3'])).toMatchObject({
      appliedTwice: 1,
      lost: 0,
      outOfOrder: 0,
    });
  });

  it('counts events out of their sequence place', () => {
    expect(figures(sent(4), ['e1', 'e3', 'e2', 'e4'])).toMatchObject({
      outOfOrder: 2,
      lost: 0,
      appliedTwice: 0,
    });
  });

  it('a reorder older than the recent tail still counts once', () => {
    const events = sent(70);
    const applied = events.map((e) => e.eventId);
    [applied[0], applied[1]] = [applied[1] as string, applied[0] as string];
    expect(figures(events, applied)).toMatchObject({ outOfOrder: 1 });
  });

  it('uncertain events (given up after retries) may be applied or not', () => {
    const events = [...sent(2), ...sent(3, 'uncertain').slice(2)];
    expect(figures(events, ['e1', 'e2'])).toMatchObject({ lost: 0, appliedTwice: 0, acknowledged: 2 });
    expect(figures(events, ['e1', 'e2', 'e3'])).toMatchObject({ lost: 0, appliedTwice: 0, outOfOrder: 0 });
  });
});
