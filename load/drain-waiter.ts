import type { EventCounter } from './event-counter.js';
import type { RunLedger } from './ledger.js';
import type { ProjectionSnapshot } from './projection-reader.js';

/** Progress of the drain: accepted events seen in each place. */
export interface DrainProgress {
  readonly accepted: number;
  readonly applied: number;
  readonly archived: number | undefined;
  readonly bridged: number | undefined;
  readonly elapsedMs: number;
}

/** Reads one place (the archive, a bus queue) incrementally into its counter (ArchiveReader, BusReader). */
export interface PlaceReader {
  poll(): Promise<void>;
}

/** Options of {@link waitForDrain}. */
export interface DrainOptions {
  readonly ledger: RunLedger;
  readonly readProjections: (aggregateIds: readonly string[]) => Promise<Map<string, ProjectionSnapshot>>;
  readonly archive: { readonly reader: PlaceReader; readonly counter: EventCounter } | undefined;
  readonly bus: { readonly reader: PlaceReader; readonly counter: EventCounter } | undefined;
  readonly timeoutMs: number;
  /** @default 1000 */
  readonly intervalMs?: number;
  readonly onProgress?: (progress: DrainProgress) => void;
  /** Told about a failed poll (the drain keeps polling until its timeout). */
  readonly onError?: (error: unknown) => void;
}

/** When the drain ended, per stage (ms after the wait began; undefined = not reached). */
export interface DrainResult {
  readonly drained: boolean;
  readonly elapsedMs: number;
  readonly appliedMs: number | undefined;
  readonly archivedMs: number | undefined;
  readonly bridgedMs: number | undefined;
  readonly projections: Map<string, ProjectionSnapshot>;
  readonly last: DrainProgress;
}

/**
 * Polls the projection, the archive and the bus until every accepted event is applied (version reached),
 * archived and bridged, or the timeout passes. Bounded by `timeoutMs`.
 */
export async function waitForDrain(options: DrainOptions): Promise<DrainResult> {
  const began = performance.now();
  const interval = options.intervalMs ?? 1000;
  const ids = [...options.ledger.aggregates.keys()];
  const expectedVersion = new Map<string, number>();
  const acceptedIds: string[] = [];
  for (const [aggregateId, events] of options.ledger.aggregates) {
    const accepted = events.filter((e) => e.outcome === 'accepted');
    expectedVersion.set(aggregateId, accepted.length);
    for (const event of accepted) acceptedIds.push(event.eventId);
  }
  const accepted = acceptedIds.length;
  const { archive, bus } = options;
  let appliedMs: number | undefined;
  let archivedMs: number | undefined;
  let bridgedMs: number | undefined;
  let projections = new Map<string, ProjectionSnapshot>();
  let last: DrainProgress = { accepted, applied: 0, archived: undefined, bridged: undefined, elapsedMs: 0 };
  for (let round = 0; round < 1_000_000; round++) {
    // Each place on its own: a failing archive read must not keep the bus (or the table) from being read.
    const attempt = async (read: () => Promise<unknown>) => {
      try {
        await read();
      } catch (error) {
        options.onError?.(error);
      }
    };
    if (appliedMs === undefined)
      await attempt(async () => {
        projections = await options.readProjections(ids);
      });
    if (archivedMs === undefined && archive !== undefined) await attempt(() => archive.reader.poll());
    if (bridgedMs === undefined && bus !== undefined) await attempt(() => bus.reader.poll());
    const elapsedMs = performance.now() - began;
    let applied = 0;
    for (const [aggregateId, expected] of expectedVersion)
      applied += Math.min(expected, projections.get(aggregateId)?.version ?? 0);
    const archived = options.archive?.counter.seenOf(acceptedIds);
    const bridged = options.bus?.counter.seenOf(acceptedIds);
    if (appliedMs === undefined && applied >= accepted) appliedMs = elapsedMs;
    if (archivedMs === undefined && (archived === undefined || archived >= accepted)) archivedMs = elapsedMs;
    if (bridgedMs === undefined && (bridged === undefined || bridged >= accepted)) bridgedMs = elapsedMs;
    last = { accepted, applied, archived, bridged, elapsedMs };
    options.onProgress?.(last);
    const drained = appliedMs !== undefined && archivedMs !== undefined && bridgedMs !== undefined;
    if (drained || elapsedMs >= options.timeoutMs) {
      // One final read so the verifier and the lag see the latest projection state.
      if (!drained) projections = await options.readProjections(ids).catch(() => projections);
      return {
        drained,
        elapsedMs,
        appliedMs,
        archivedMs: options.archive === undefined ? undefined : archivedMs,
        bridgedMs: options.bus === undefined ? undefined : bridgedMs,
        projections,
        last,
      };
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
  throw new Error('drain loop bound reached');
}
