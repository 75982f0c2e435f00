import type { AggregateRegistry } from '../aggregates/registry.js';
import {
  type AggregateDecision,
  decideAggregate,
  groupByAggregate,
  type LoadedAggregate,
  type ResolvedEngineOptions,
} from '../engine/index.js';
import type { Envelope } from '../envelope/schema.js';
import type { AggregateStore } from '../store/aggregate-store.js';
import { ConcurrentWriteError } from '../store/errors.js';
import { mapWithConcurrency } from '../store/map-with-concurrency.js';
import type { DeliveryOutcome, ReplayTarget } from './replay-target.js';

/** Options of {@link projectionTarget}. */
export interface ProjectionTargetOptions {
  readonly store: AggregateStore;
  readonly registry: AggregateRegistry;
  readonly engine: ResolvedEngineOptions;
  readonly description: string;
  /** Aggregates written at once. @default 16 */
  readonly writeConcurrency?: number;
  /** Attempts when a concurrent writer (the live processor) wins the conditional write. @default 5 */
  readonly maxWriteAttempts?: number;
  readonly now?: () => Date;
}

/**
 * Folds events straight into an aggregate table with the processor's own engine (`decideAggregate`) and store: one
 * load round and one conditional write per aggregate per chunk, as the processor does per batch. Into a fresh table
 * it rebuilds the projection; into the live one every already-applied event comes back as a duplicate.
 */
export function projectionTarget(options: ProjectionTargetOptions): ReplayTarget {
  const concurrency = options.writeConcurrency ?? 16;
  const maxAttempts = options.maxWriteAttempts ?? 5;
  const now = options.now ?? (() => new Date());
  return {
    description: options.description,
    async send(events: readonly Envelope[]): Promise<DeliveryOutcome[]> {
      const outcomes: DeliveryOutcome[] = new Array(events.length);
      // Validated again, as the processor does, so the fold sees the schema's output exactly as live.
      const valid: { envelope: Envelope; index: number }[] = [];
      events.forEach((envelope, index) => {
        try {
          valid.push({ envelope: options.registry.validate(envelope), index });
        } catch (error) {
          outcomes[index] = { status: 'failed', message: (error as Error).message };
        }
      });
      const groups = groupByAggregate(valid, (r) => r.envelope);
      let loaded: Map<
        string,
        { ok: true; aggregate: LoadedAggregate | undefined } | { ok: false; error: Error }
      >;
      try {
        loaded = await options.store.loadMany(groups.map((g) => g.key));
      } catch (error) {
        return events.map(() => ({ status: 'failed', message: (error as Error).message }));
      }
      await mapWithConcurrency(groups, concurrency, async (group) => {
        const initial = loaded.get(group.pk);
        const fail = (message: string) => {
          for (const item of group.items) outcomes[item.index] = { status: 'failed', message };
        };
        if (initial === undefined || !initial.ok) {
          fail(initial?.ok === false ? initial.error.message : 'aggregate was not loaded');
          return;
        }
        let decision: AggregateDecision;
        try {
          decision = await decideAndWrite(
            group.key,
            initial.aggregate,
            group.items.map((i) => i.envelope),
          );
        } catch (error) {
          fail((error as Error).message);
          return;
        }
        decision.outcomes.forEach((outcome, i) => {
          const index = (group.items[i] as { index: number }).index;
          switch (outcome.decision) {
            case 'applied':
            case 'drained':
            case 'buffered':
              outcomes[index] = { status: 'sent' };
              break;
            case 'duplicate':
              outcomes[index] = { status: 'duplicate' };
              break;
            case 'conflict':
            case 'rejected':
              outcomes[index] = { status: 'failed', message: `${outcome.decision}: ${outcome.detail}` };
              break;
            default: {
              const exhaustive: never = outcome;
              throw new Error(`unhandled outcome ${JSON.stringify(exhaustive)}`);
            }
          }
        });
      });
      return outcomes;
    },
  };

  async function decideAndWrite(
    key: { aggregateType: string; aggregateId: string },
    initial: LoadedAggregate | undefined,
    records: readonly Envelope[],
  ): Promise<AggregateDecision> {
    let loaded = initial;
    for (let attempt = 1; ; attempt++) {
      const decision = decideAggregate(
        { key, loaded, records, now: now() },
        options.registry,
        options.engine,
      );
      if (decision.next === undefined) return decision;
      try {
        await options.store.write({
          key,
          next: decision.next,
          expectedRevision: decision.expectedRevision,
          pendingToPut: decision.pendingToPut,
          pendingToDelete: decision.pendingToDelete,
        });
        return decision;
      } catch (error) {
        if (!(error instanceof ConcurrentWriteError) || attempt >= maxAttempts) throw error;
        loaded = await options.store.load(key);
      }
    }
  }
}
