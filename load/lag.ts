import { recentKey, SKIPPED_KEY } from '../processors/engine/recent-key.js';
import type { LedgerEvent, RunLedger } from './ledger.js';
import { type Distribution, distribution, type HistogramBucket, histogram } from './percentiles.js';
import type { ProjectionSnapshot } from './projection-reader.js';

/** One measured ingest-to-applied lag. */
export interface LagSample {
  readonly eventId: string;
  /** When the 202 arrived (epoch ms). */
  readonly acceptedAt: number;
  /** When the processor applied it (epoch ms, from the snapshot's applied times: docs/design.md §3). */
  readonly appliedAt: number;
  readonly lagMs: number;
}

/**
 * Lag of the accepted events among the last sequences each snapshot keeps an applied time for (at most 16 per
 * aggregate: `APPLIED_TIMES_WINDOW`; the earlier layout kept 64), by accept time. Each applied time belongs to a
 * sequence; it counts for the ledger's event at that sequence only when the window holds that event's key there.
 */
export function lagSamples(
  ledger: RunLedger,
  projections: ReadonlyMap<string, ProjectionSnapshot>,
): LagSample[] {
  const samples: LagSample[] = [];
  for (const snapshot of projections.values()) {
    const events = ledger.aggregates.get(snapshot.aggregateId);
    if (events === undefined) continue;
    const bySequence = new Map<number, LedgerEvent>(events.map((e) => [e.sequence, e]));
    const firstTimed = snapshot.version - snapshot.recentAppliedAt.length + 1;
    const firstKept = snapshot.version - snapshot.recent.length + 1;
    snapshot.recentAppliedAt.forEach((appliedAt, i) => {
      const sequence = firstTimed + i;
      const event = bySequence.get(sequence);
      const key = snapshot.recent[sequence - firstKept];
      if (appliedAt <= 0 || event?.acceptedAt === undefined || key === undefined || key === SKIPPED_KEY)
        return;
      if (key !== recentKey(event.eventId)) return;
      samples.push({
        eventId: event.eventId,
        acceptedAt: event.acceptedAt,
        appliedAt,
        lagMs: appliedAt - event.acceptedAt,
      });
    });
  }
  return samples.sort((a, b) => a.acceptedAt - b.acceptedAt);
}

/** The lag figures of a report. */
export interface LagSummary {
  readonly distribution: Distribution;
  /** Accepted events with a measured lag / accepted events. */
  readonly coverage: number;
  readonly histogram: readonly HistogramBucket[];
  /** Median lag of the first and last third of the samples (by accept time): growth means a backlog. */
  readonly earlyP50: number;
  readonly lateP50: number;
}

/**
 * Summarizes lag samples (pure). Lag can be slightly negative: the processor may apply an event before
 * its 202 reaches the client.
 */
export function summarizeLag(samples: readonly LagSample[], accepted: number): LagSummary {
  const values = samples.map((s) => s.lagMs);
  const third = Math.max(1, Math.floor(samples.length / 3));
  return {
    distribution: distribution(values),
    coverage: accepted === 0 ? 0 : samples.length / accepted,
    histogram: histogram(values, 24),
    earlyP50: distribution(values.slice(0, third)).p50,
    lateP50: distribution(values.slice(-third)).p50,
  };
}

/** True when lag grows across the run: the late median is above twice the early one plus `slackMs` (pure). */
export function lagIsGrowing(summary: LagSummary, slackMs = 250): boolean {
  if (!Number.isFinite(summary.earlyP50) || !Number.isFinite(summary.lateP50)) return false;
  return summary.lateP50 > 2 * Math.max(0, summary.earlyP50) + slackMs;
}
