import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AggregateRegistry, defineAggregate, orderAggregate } from '../../processors/aggregates/index.js';
import { skipRangeToken } from '../../processors/engine/chain.js';
import {
  type AggregateDecision,
  type AggregateSnapshot,
  chainOf,
  decideAggregate,
  type LoadedAggregate,
  NoGapError,
  nextChainLink,
  recentKey,
  resolveEngineOptions,
  skipGap,
} from '../../processors/engine/index.js';
import type { Envelope } from '../../processors/envelope/index.js';
import { orderHistory } from '../support/order-events.js';
import { persist } from './persist-decision.js';

const registry = new AggregateRegistry([orderAggregate]);
const options = resolveEngineOptions({ recentWindow: 4, maxGapAgeMs: 60_000 });
const key = { aggregateType: 'order', aggregateId: 'o-1' };
const t0 = new Date('2026-11-23T10:00:00.000Z');

function decide(loaded: LoadedAggregate | undefined, records: Envelope[], now = t0): AggregateDecision {
  return decideAggregate({ key, loaded, records, now }, registry, options);
}

function foldAll(events: Envelope[]): unknown {
  return events.reduce((s, e) => registry.apply(s, e), registry.initialState('order'));
}

const decisions = (d: AggregateDecision) => d.outcomes.map((o) => o.decision);
const history = orderHistory('o-1', 10);
const ev = (n: number) => history[n - 1] as Envelope;

describe('decideAggregate', () => {
  it('applies in-order events of a new aggregate and chains their eventIds', () => {
    const d = decide(undefined, [ev(1), ev(2), ev(3)]);
    expect(decisions(d)).toEqual(['applied', 'applied', 'applied']);
    expect(d.expectedRevision).toBe(0);
    expect(d.next).toMatchObject({
      version: 3,
      revision: 1,
      chain: chainOf([ev(1), ev(2), ev(3)].map((e) => e.eventId)),
    });
    expect(d.next?.state).toEqual(foldAll([ev(1), ev(2), ev(3)]));
    expect(d.next?.recent).toEqual([ev(1), ev(2), ev(3)].map((e) => recentKey(e.eventId)));
    expect(d.pendingToPut).toEqual([]);
  });

  it('keeps when each recent event was applied, within the window', () => {
    const s1 = persist(undefined, decide(undefined, [ev(1), ev(2)], t0));
    const t1 = new Date(t0.getTime() + 1_000);
    const d = decide(s1, [ev(3), ev(4), ev(5)], t1);
    expect(d.next?.recent).toEqual([ev(2), ev(3), ev(4), ev(5)].map((e) => recentKey(e.eventId)));
    expect(d.next?.recentAppliedAt).toEqual([t0.getTime(), t1.getTime(), t1.getTime(), t1.getTime()]);
    // Items written before applied times were kept read as "unknown" (0).
    const legacy = {
      snapshot: { ...(s1 as LoadedAggregate).snapshot, recentAppliedAt: [] },
      pendingEvents: new Map(),
    };
    expect(decide(legacy, [ev(3)], t1).next?.recentAppliedAt).toEqual([0, 0, t1.getTime()]);
  });

  it('computes chain_n = sha256hex(chain_(n-1) + "\\n" + eventId_n) from chain_0 = ""', () => {
    expect(chainOf([])).toBe('');
    // Reference value from `printf "\na" | sha256sum`.
    expect(nextChainLink('', 'a')).toBe('7361a6f4b374745deaf896ac72887d55e04107d1a1ff14e5e4d829fb47e82426');
  });

  it('skips a redelivered event as a verified duplicate and writes nothing', () => {
    const stored = persist(undefined, decide(undefined, [ev(1), ev(2)]));
    const d = decide(stored, [ev(1), ev(2)]);
    expect(d.outcomes).toEqual([
      { decision: 'duplicate', verified: true },
      { decision: 'duplicate', verified: true },
    ]);
    expect(d.next).toBeUndefined();
  });

  it('counts a duplicate older than the recent window as unverified', () => {
    const stored = persist(undefined, decide(undefined, history.slice(0, 6)));
    const d = decide(stored, [ev(1)]);
    expect(d.outcomes).toEqual([{ decision: 'duplicate', verified: false }]);
  });

  it('flags a different eventId at an applied sequence as a conflict (the window keeps keys: no holder named)', () => {
    const stored = persist(undefined, decide(undefined, [ev(1), ev(2)]));
    const d = decide(stored, [{ ...ev(2), eventId: 'intruder' }]);
    expect(d.outcomes[0]).toEqual({
      decision: 'conflict',
      detail: `sequence 2 was already applied with another eventId (window key ${recentKey(ev(2).eventId)})`,
    });
    expect(d.next).toBeUndefined();
  });

  it.each([
    ['an applied', [1, 2], 3, 2, /applied at sequence 2/],
    ['a buffered', [1, 3], 4, 3, /buffered at sequence 3/],
  ] as const)(
    'flags %s eventId reused at another sequence as a conflict',
    (_what, stored, at, reused, detail) => {
      const s = persist(undefined, decide(undefined, stored.map(ev)));
      const d = decide(s, [{ ...ev(at), eventId: ev(reused).eventId }]);
      expect(d.outcomes[0]).toMatchObject({ decision: 'conflict', detail: expect.stringMatching(detail) });
    },
  );

  it('buffers an event past a gap, records when, and applies it when the gap fills in a later batch', () => {
    const s1 = persist(undefined, decide(undefined, [ev(1)]));
    const d2 = decide(s1, [ev(3), ev(4)]);
    expect(decisions(d2)).toEqual(['buffered', 'buffered']);
    expect(d2.pendingToPut.map((e) => e.sequence)).toEqual([3, 4]);
    expect(d2.next?.pending).toEqual([
      { sequence: 3, eventId: ev(3).eventId, bufferedAt: t0.toISOString() },
      { sequence: 4, eventId: ev(4).eventId, bufferedAt: t0.toISOString() },
    ]);
    expect(d2.next?.version).toBe(1);
    const s2 = persist(s1, d2);
    const d3 = decide(s2, [ev(2)]);
    expect(decisions(d3)).toEqual(['applied']);
    expect(d3.drainedFromStore).toBe(2);
    expect(d3.pendingToDelete).toEqual([3, 4]);
    expect(d3.next).toMatchObject({
      version: 4,
      pending: [],
      chain: chainOf(history.slice(0, 4).map((e) => e.eventId)),
    });
    expect(d3.next?.state).toEqual(foldAll(history.slice(0, 4)));
  });

  it('drains within the batch when the gap fills in the same batch, storing nothing', () => {
    const d = decide(undefined, [ev(3), ev(1), ev(2)]);
    expect(decisions(d)).toEqual(['drained', 'applied', 'applied']);
    expect(d.pendingToPut).toEqual([]);
    expect(d.next?.version).toBe(3);
    expect(d.next?.state).toEqual(foldAll(history.slice(0, 3)));
  });

  it('treats a redelivered buffered event as a duplicate and a different one in its slot as a conflict', () => {
    const s = persist(undefined, decide(undefined, [ev(1), ev(3)]));
    const d = decide(s, [ev(3), { ...ev(3), eventId: 'other' }]);
    expect(d.outcomes[0]).toEqual({ decision: 'duplicate', verified: true });
    expect(d.outcomes[1]).toMatchObject({ decision: 'conflict', existingEventId: ev(3).eventId });
  });

  it('reports a gap older than maxGapAge as stalled, and not before', () => {
    const s = persist(undefined, decide(undefined, [ev(1), ev(4)]));
    expect(decide(s, [], new Date(t0.getTime() + 60_000)).stalled).toBeUndefined();
    const later = decide(s, [ev(5)], new Date(t0.getTime() + 60_001));
    expect(later.stalled).toEqual({
      missingFrom: 2,
      missingTo: 3,
      buffered: 2,
      since: t0.toISOString(),
      ageMs: 60_001,
    });
  });

  it('quarantines (rejects) an event whose apply throws and keeps the aggregate at its sequence', () => {
    const fragile = defineAggregate('fragile', () => 0)
      .event('Bump', { 1: z.object({ ok: z.boolean() }) }, (n, e) => {
        if (!e.data.ok) throw new Error('boom');
        return n + 1;
      })
      .build();
    const r = new AggregateRegistry([fragile]);
    const bump = (sequence: number, ok: boolean): Envelope => ({
      ...ev(1),
      aggregateType: 'fragile',
      type: 'Bump',
      eventId: `f-${sequence}`,
      sequence,
      data: { ok },
    });
    const d = decideAggregate(
      {
        key: { aggregateType: 'fragile', aggregateId: 'o-1' },
        loaded: undefined,
        records: [bump(1, true), bump(2, false), bump(3, true)],
        now: t0,
      },
      r,
      options,
    );
    expect(d.outcomes).toEqual([
      { decision: 'applied' },
      { decision: 'rejected', reason: 'apply-failed', detail: 'apply threw: boom' },
      { decision: 'buffered' },
    ]);
    expect(d.next).toMatchObject({ version: 1, state: 1 });
  });

  it('keeps a buffered event whose item went missing until it is redelivered', () => {
    const s = persist(undefined, decide(undefined, [ev(1), ev(3)])) as LoadedAggregate;
    const lost: LoadedAggregate = { snapshot: s.snapshot, pendingEvents: new Map() };
    const d = decide(lost, [ev(2)]);
    expect(d.drainFailures).toEqual([{ sequence: 3, detail: expect.stringMatching(/missing/) }]);
    expect(d.next?.version).toBe(2);
    const again = decide(persist(lost, d), [ev(3)]);
    expect(decisions(again)).toEqual(['applied']);
    expect(again.pendingToDelete).toEqual([3]);
    expect(again.next?.pending).toEqual([]);
  });
});

describe('skipGap', () => {
  it('skips missing sequences into the chain, records the skip and drains the buffer', () => {
    const s = persist(undefined, decide(undefined, [ev(1), ev(4), ev(5)])) as LoadedAggregate;
    const later = new Date(t0.getTime() + 5_000);
    const r = skipGap(s, registry, options, later, 'lost upstream');
    expect(r.skipped).toEqual({ from: 2, to: 3 });
    expect(r.pendingToDelete).toEqual([4, 5]);
    let chain = chainOf([ev(1).eventId]);
    for (const link of [skipRangeToken(2, 3), ev(4).eventId, ev(5).eventId])
      chain = nextChainLink(chain, link);
    const next = r.next as AggregateSnapshot;
    expect(next).toMatchObject({ version: 5, chain, pending: [], revision: s.snapshot.revision + 1 });
    expect(next.skips).toEqual([
      { from: 2, to: 3, at: later.toISOString(), reason: 'lost upstream', chainToken: 'range' },
    ]);
    expect(next.state).toEqual(foldAll([ev(1), ev(4), ev(5)]));
    // The skipped sequence's late arrival is a conflict, never silently applied.
    const late = decide({ snapshot: next, pendingEvents: new Map() }, [ev(2)]);
    expect(late.outcomes[0]).toMatchObject({
      decision: 'conflict',
      detail: expect.stringMatching(/skipped/),
    });
  });

  it('refuses when there is no gap', () => {
    const s = persist(undefined, decide(undefined, [ev(1)])) as LoadedAggregate;
    expect(() => skipGap(s, registry, options, t0, 'x')).toThrow(NoGapError);
  });
});

describe('resolveEngineOptions', () => {
  it('applies defaults and rejects nonsense', () => {
    // The processor's MAX_GAP_AGE_SECONDS default (300 s) is this default: one value for every stack.
    expect(resolveEngineOptions()).toEqual({
      maxSnapshotBytes: 360_000,
      maxBufferedEvents: 1_000,
      recentWindow: 64,
      maxGapAgeMs: 300_000,
    });
    expect(() => resolveEngineOptions({ recentWindow: 0 })).toThrow(/recentWindow/);
    expect(() => resolveEngineOptions({ maxGapAgeMs: -1 })).toThrow(/maxGapAgeMs/);
  });
});
