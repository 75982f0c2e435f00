/**
 * Why the batch's snapshot read may be eventually consistent (docs/design.md §3, "Read consistency"): deciding a
 * batch against any earlier snapshot of the aggregate either leads to a write, which the stored revision refuses
 * (the retry reads strongly consistent), or decides every record as the latest snapshot does, except that an old
 * redelivery the latest window no longer covers may be told exactly (a duplicate or a conflict) instead of counted
 * as an unverified duplicate.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AggregateRegistry, orderAggregate } from '../../processors/aggregates/index.js';
import {
  type AggregateDecision,
  decideAggregate,
  type LoadedAggregate,
  type RecordOutcome,
  resolveEngineOptions,
} from '../../processors/engine/index.js';
import type { Envelope } from '../../processors/envelope/index.js';
import { orderHistory } from '../support/order-events.js';
import { persist } from './persist-decision.js';

const registry = new AggregateRegistry([orderAggregate]);
const options = resolveEngineOptions({ recentWindow: 8 });
const key = { aggregateType: 'order', aggregateId: 'stale' };
const t0 = new Date('2026-11-23T10:00:00.000Z');

const decide = (loaded: LoadedAggregate | undefined, records: readonly Envelope[]): AggregateDecision =>
  decideAggregate({ key, loaded, records, now: t0 }, registry, options);

/** Equal, or the stale read tells exactly an old redelivery the fresh window counts as unverified. */
function sameOrMoreExact(stale: RecordOutcome, fresh: RecordOutcome): boolean {
  if (stale.decision === fresh.decision) return true;
  return (
    fresh.decision === 'duplicate' &&
    !fresh.verified &&
    (stale.decision === 'duplicate' || stale.decision === 'conflict')
  );
}

describe('a stale snapshot read', () => {
  it('writes (and so fails the revision condition) or decides like the latest snapshot', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 12 }),
        fc.array(fc.record({ sequence: fc.integer({ min: 1, max: 46 }), rival: fc.boolean() }), {
          minLength: 1,
          maxLength: 6,
        }),
        (length, batchSizes, picks) => {
          const history = orderHistory('stale', length + 6);
          // The stored history: snapshots after each batch of the first `length` events, in order.
          const snapshots: (LoadedAggregate | undefined)[] = [undefined];
          let applied = 0;
          for (let b = 0; applied < length; b++) {
            const size = Math.min(batchSizes[b % batchSizes.length] as number, length - applied);
            const last = snapshots.at(-1);
            snapshots.push(persist(last, decide(last, history.slice(applied, applied + size))));
            applied += size;
          }
          const records = picks.map(({ sequence: pick, rival }) => {
            // Up to 6 sequences past the stored version: buffered or applied by the batch.
            const sequence = 1 + ((pick - 1) % history.length);
            const event = history[sequence - 1] as Envelope;
            return rival ? { ...event, eventId: `rival-${sequence}` } : event;
          });
          const fresh = decide(snapshots.at(-1), records);
          for (const stale of snapshots.slice(0, -1)) {
            const decision = decide(stale, records);
            if (decision.next !== undefined) {
              // The write is conditional on the revision read, older than the stored one: it is refused.
              expect(decision.expectedRevision).toBeLessThan(snapshots.at(-1)?.snapshot.revision ?? 0);
              continue;
            }
            expect(decision.pendingToPut).toEqual([]);
            decision.outcomes.forEach((outcome, i) => {
              expect(
                sameOrMoreExact(outcome, fresh.outcomes[i] as RecordOutcome),
                JSON.stringify({ outcome, fresh: fresh.outcomes[i] }),
              ).toBe(true);
            });
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
