import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AggregateRegistry, orderAggregate } from '../../processors/aggregates/index.js';
import {
  ChainHistoryError,
  type ChainSkip,
  chainOf,
  chainOfHistory,
  nextChainLink,
  skipRangeToken,
  skipToken,
} from '../../processors/engine/chain.js';
import {
  type AggregateDecision,
  type AggregateSnapshot,
  decideAggregate,
  type LoadedAggregate,
  recentKey,
  resolveEngineOptions,
  type SkipRecord,
  skipGap,
} from '../../processors/engine/index.js';
import type { Envelope } from '../../processors/envelope/index.js';
import { orderEvent } from '../support/order-events.js';

const registry = new AggregateRegistry([orderAggregate]);
const WINDOW = 4;
const options = resolveEngineOptions({ recentWindow: WINDOW, maxGapAgeMs: 60_000 });
const key = { aggregateType: 'order', aggregateId: 'o-1' };
const t0 = new Date('2026-11-23T10:00:00.000Z');
const later = new Date(t0.getTime() + 5_000);

function decide(loaded: LoadedAggregate | undefined, records: Envelope[]): AggregateDecision {
  return decideAggregate({ key, loaded, records, now: t0 }, registry, options);
}

function persist(previous: LoadedAggregate | undefined, decision: AggregateDecision): LoadedAggregate {
  const pendingEvents = new Map(previous?.pendingEvents ?? []);
  for (const e of decision.pendingToPut) pendingEvents.set(e.sequence, e);
  for (const s of decision.pendingToDelete) pendingEvents.delete(s);
  return { snapshot: decision.next as AggregateSnapshot, pendingEvents };
}

/** Event `sequence` of o-1 (OrderPlaced at 1, item/payment events after). */
const ev = (sequence: number) => orderEvent('o-1', sequence);

/** o-1 with events 1..applied applied and `buffered` waiting behind a gap. */
function withGap(applied: number, buffered: readonly number[]): LoadedAggregate {
  const events = [...Array.from({ length: applied }, (_, i) => ev(i + 1)), ...buffered.map(ev)];
  return persist(undefined, decide(undefined, events));
}

describe('skip-gap with one range token', () => {
  it('skips to a far-future sequence (10^9) at once: one link for the range, the window holds the tail', () => {
    const far = 1_000_000_000;
    const loaded = withGap(2, [far, far + 1]);
    const began = performance.now();
    const result = skipGap(loaded, registry, options, later, 'lost at source');
    // Without range tokens this is 10^9 hashes and a recent list of 10^9 entries: it never finishes.
    expect(performance.now() - began).toBeLessThan(1_000);
    expect(result.skipped).toEqual({ from: 3, to: far - 1 });
    const chain = [skipRangeToken(3, far - 1), ev(far).eventId, ev(far + 1).eventId].reduce(
      nextChainLink,
      chainOf([ev(1).eventId, ev(2).eventId]),
    );
    expect(result.next).toMatchObject({ version: far + 1, chain, pending: [] });
    expect(result.next.recent).toEqual(['', '', recentKey(ev(far).eventId), recentKey(ev(far + 1).eventId)]);
    expect(result.next.skips).toEqual([
      { from: 3, to: far - 1, at: later.toISOString(), reason: 'lost at source', chainToken: 'range' },
    ]);
    // Every reader recomputes the same chain from the applied events and the skip records.
    expect(chainOfHistory([1, 2, far, far + 1].map(ev), result.next.skips)).toBe(chain);
  });

  it('still detects a late arrival of a skipped sequence inside and far outside the recent window', () => {
    const loaded = withGap(1, [1_000]);
    const { next } = skipGap(loaded, registry, options, later, 'x');
    const stored: LoadedAggregate = { snapshot: next, pendingEvents: new Map() };
    // 998 is in the window (as ''), 5 only in the skip record: both are conflicts, never applied or dropped.
    for (const sequence of [998, 5]) {
      const late = decide(stored, [ev(sequence)]);
      expect(late.outcomes[0], `sequence ${sequence}`).toMatchObject({
        decision: 'conflict',
        detail: `sequence ${sequence} was skipped by an operator`,
      });
      expect(late.next).toBeUndefined();
    }
    // An applied event outside the window is still an (unverifiable) duplicate, as before.
    expect(decide(stored, [ev(1)]).outcomes[0]).toEqual({ decision: 'duplicate', verified: false });
  });

  it('leaves version and recent window exactly as skipping one sequence at a time did', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 3 }),
        (applied, gap, buffered) => {
          const first = applied + gap + 1;
          const loaded = withGap(
            applied,
            Array.from({ length: buffered }, (_, i) => first + i),
          );
          const { next } = skipGap(loaded, registry, options, later, 'x');
          // The reference: every sequence 1..n gets its recent entry ('' when skipped); the window keeps the last ones.
          const entries = Array.from({ length: first + buffered - 1 }, (_, i) =>
            i + 1 <= applied || i + 1 >= first ? recentKey(ev(i + 1).eventId) : '',
          );
          expect(next.version).toBe(first + buffered - 1);
          expect(next.recent).toEqual(entries.slice(-WINDOW));
          expect(next.recentAppliedAt).toHaveLength(next.recent.length);
        },
      ),
    );
  });
});

describe('chainOfHistory', () => {
  const legacy: SkipRecord = { from: 2, to: 4, at: t0.toISOString(), reason: 'before range tokens' };

  it('verifies a skip recorded before range tokens the old way (a token per sequence), a new one as one token', () => {
    const legacyChain = [skipToken(2), skipToken(3), skipToken(4), ev(5).eventId].reduce(
      nextChainLink,
      chainOf([ev(1).eventId]),
    );
    // An aggregate stored with the old rule (its chain has per-sequence skip links) gets a new gap and a skip.
    const old: LoadedAggregate = {
      snapshot: {
        ...withGap(1, []).snapshot,
        version: 5,
        chain: legacyChain,
        recent: ['', '', '', recentKey(ev(5).eventId)],
        recentAppliedAt: [0, 0, 0, 0],
        skips: [legacy],
      },
      pendingEvents: new Map(),
    };
    const buffered = persist(old, decide(old, [ev(9)]));
    const { next } = skipGap(buffered, registry, options, later, 'new');
    expect(next.skips.map((s) => (s as ChainSkip).chainToken)).toEqual([undefined, 'range']);
    expect(next.chain).toBe(nextChainLink(nextChainLink(legacyChain, skipRangeToken(6, 8)), ev(9).eventId));
    expect(chainOfHistory([1, 5, 9].map(ev), next.skips)).toBe(next.chain);
    // Read the other way round, each rule gives a different chain: the record decides.
    expect(
      chainOfHistory([1, 5, 9].map(ev), [{ ...legacy, chainToken: 'range' }, next.skips[1] as SkipRecord]),
    ).not.toBe(next.chain);
  });

  it('equals chainOf when nothing was skipped, and refuses a history with a hole or an overlap', () => {
    expect(chainOfHistory([2, 1, 3].map(ev), [])).toBe(chainOf([1, 2, 3].map((n) => ev(n).eventId)));
    expect(() => chainOfHistory([1, 3].map(ev), [])).toThrow(ChainHistoryError);
    expect(() => chainOfHistory([1, 2, 3].map(ev), [{ from: 2, to: 2 }])).toThrow(ChainHistoryError);
  });
});
