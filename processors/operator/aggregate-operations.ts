import type { AggregateRegistry } from '../aggregates/registry.js';
import {
  type AggregateKey,
  type AggregateSnapshot,
  type BlockRecord,
  type LoadedAggregate,
  type ResolvedEngineOptions,
  type SkipGapResult,
  type StalledGap,
  skipGap,
  stalledGap,
} from '../engine/index.js';
import type { AggregateStore } from '../store/aggregate-store.js';

/** An aggregate with a gap, as the `stalled` listing shows it. */
export interface GapListing extends AggregateKey {
  readonly version: number;
  readonly missingFrom: number;
  readonly missingTo: number;
  readonly buffered: number;
  readonly since: string;
  readonly ageMs: number;
  /** True when the gap is older than the max gap age, or the aggregate is blocked on a refused event. */
  readonly stalled: boolean;
  /** The refused event the aggregate waits on, with the reason (docs/design.md §3, "Bounded aggregates"). */
  readonly blocked?: BlockRecord;
}

/**
 * Lists aggregates whose gap is older than `maxGapAgeMs` (or every gap when `all`). The store reads only aggregates
 * with a gap (the table's sparse gap index on DynamoDB), and only those past the threshold unless `all`.
 */
export async function listGaps(
  store: AggregateStore,
  options: { readonly now: Date; readonly maxGapAgeMs: number; readonly all?: boolean },
): Promise<GapListing[]> {
  const listings: GapListing[] = [];
  const olderThan = new Date(options.now.getTime() - options.maxGapAgeMs);
  for await (const snapshot of store.listWithGaps(options.all ? {} : { olderThan })) {
    // No threshold: every gap's figures; `stalled` then compares against the real one.
    const gap = stalledGap(snapshot, options.now, Number.NEGATIVE_INFINITY) as StalledGap;
    // A block never resolves by waiting: it is stalled at once, whatever its age.
    const stalled = gap.blocked !== undefined || gap.ageMs > options.maxGapAgeMs;
    if (!stalled && !options.all) continue;
    listings.push({
      aggregateType: snapshot.aggregateType,
      aggregateId: snapshot.aggregateId,
      version: snapshot.version,
      missingFrom: gap.missingFrom,
      missingTo: gap.missingTo,
      buffered: gap.buffered,
      since: gap.since,
      ageMs: gap.ageMs,
      stalled,
      ...(gap.blocked === undefined ? {} : { blocked: gap.blocked }),
    });
  }
  return listings.sort((a, b) => b.ageMs - a.ageMs);
}

/** Thrown when an operator names an aggregate that does not exist. */
export class AggregateNotFoundError extends Error {
  override readonly name = 'AggregateNotFoundError';
}

/** Loads an aggregate for `show`, failing clearly when it is not there. */
export async function loadForOperator(store: AggregateStore, key: AggregateKey): Promise<LoadedAggregate> {
  const loaded = await store.load(key);
  if (loaded === undefined) {
    throw new AggregateNotFoundError(`no aggregate ${key.aggregateType} ${key.aggregateId} in the table`);
  }
  return loaded;
}

/** Plans a skip of the aggregate's gap without writing (for the confirmation prompt). */
export function planSkip(
  loaded: LoadedAggregate,
  registry: AggregateRegistry,
  engine: ResolvedEngineOptions,
  now: Date,
  reason: string,
): SkipGapResult {
  return skipGap(loaded, registry, engine, now, reason);
}

/** Writes a planned skip (conditional on the revision it was planned from). */
export async function applySkip(
  store: AggregateStore,
  key: AggregateKey,
  plan: SkipGapResult,
): Promise<AggregateSnapshot> {
  await store.write({
    key,
    next: plan.next,
    expectedRevision: plan.expectedRevision,
    pendingToPut: [],
    pendingToDelete: plan.pendingToDelete,
  });
  return plan.next;
}
