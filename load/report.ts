import type { FaultCounts } from '../local/faults/index.js';
import type { LagSummary } from './lag.js';
import type { RunOutcome } from './load-run.js';
import { type Distribution, distribution } from './percentiles.js';
import type { DeliveryFigures } from './report-delivery-figures.js';
import type { HopLatencyReport } from './report-hop-latency.js';
import type { KinesisThrottleReport } from './report-kinesis-throttles.js';
import type { LoadTarget } from './target.js';
import type { TimelinePoint } from './timeline.js';
import type { VerificationResult } from './verifier.js';

/** Most mismatches written to a report; the count is always exact. */
export const MAX_REPORTED_MISMATCHES = 500;

/** One phase in the report. */
export interface PhaseReport {
  readonly label: string;
  readonly targetRate: number;
  readonly plannedRate: number;
  readonly requestRate: number;
  readonly connections: number;
  readonly durationSeconds: number;
  readonly achievedRate: number;
  readonly latencyCorrected: {
    readonly p50: number;
    readonly p90: number;
    readonly p99: number;
    readonly max: number;
  };
}

/** The report of one run (`report.json`). */
export interface RunReport {
  readonly runId: string;
  readonly aggregatePrefix: string;
  readonly startedAt: string;
  readonly sendingSeconds: number;
  readonly settings: {
    readonly aggregates: number;
    readonly eventsPerRequest: number;
    readonly connections: number;
    readonly seed: number;
  };
  readonly events: {
    readonly sent: number;
    readonly accepted: number;
    readonly rejected: number;
    readonly uncertain: number;
  };
  readonly targetRate: number;
  readonly achievedRate: number;
  readonly requests: {
    readonly total: number;
    readonly retries: number;
    readonly byStatus: Record<string, number>;
  };
  /** Raw per-request latency (send to answer), ms. */
  readonly latency: Distribution;
  readonly phases: readonly PhaseReport[];
  readonly timeline: readonly TimelinePoint[];
  readonly drain:
    | {
        readonly drained: boolean;
        readonly seconds: number;
        readonly appliedSeconds: number | undefined;
        readonly archivedSeconds: number | undefined;
        readonly bridgedSeconds: number | undefined;
      }
    | undefined;
  readonly lag: LagSummary | undefined;
  /** The verifier's result; `mismatches` may be cut short in the report, `mismatchCount` counts them all. */
  readonly verification: (VerificationResult & { readonly mismatchCount: number }) | undefined;
  readonly verificationSkipped: string | undefined;
  /** Acknowledged, applied, lost, applied twice, out of order (projection); undefined when not verified. */
  readonly delivery: DeliveryFigures | undefined;
  /** Faults the local stack injected during the run, by kind (`--scenario chaos`); undefined otherwise. */
  readonly faults: FaultCounts | undefined;
  /** Kinesis throttles per shard under AWS's limits (`--scenario shard-limits`); absent otherwise. */
  readonly kinesisThrottles?: KinesisThrottleReport;
  /** Per-hop latency from the local span store (a local target); a note says why when not measured. */
  readonly hopLatency?: HopLatencyReport;
  /** Hints about why the run fell short (pure reasoning over the figures). */
  readonly notes: readonly string[];
  readonly ok: boolean;
}

/** Builds the report of a run (pure). */
export function buildRunReport(
  outcome: RunOutcome,
  settings: { aggregates: number; eventsPerRequest: number; connections: number; seed: number },
): RunReport {
  const { ledger } = outcome;
  const counts = ledger.counts();
  const byStatus: Record<string, number> = {};
  for (const request of ledger.requests)
    byStatus[String(request.status)] = (byStatus[String(request.status)] ?? 0) + 1;
  const sendingSeconds = (outcome.sendingEndedAt - outcome.startedAt) / 1000;
  const phaseSeconds = outcome.phases.reduce((sum, p) => sum + (p.endedAt - p.startedAt) / 1000, 0);
  const plannedSeconds = outcome.phases.reduce((sum, p) => sum + p.plan.requests / p.plan.requestRate, 0);
  const targetRate =
    outcome.phases.reduce((sum, p) => sum + p.plan.eventRate * (p.plan.requests / p.plan.requestRate), 0) /
    Math.max(plannedSeconds, 0.001);
  const verification = outcome.verification;
  const notes: string[] = [];
  const achievedRate = counts.accepted / Math.max(phaseSeconds, 0.001);
  const latency = distribution(ledger.requests.map((r) => r.respondedAt - r.sentAt));
  for (const phase of outcome.phases) {
    const perConnection = phase.plan.requestRate / phase.plan.connections;
    if (phase.achievedRate < 0.95 * phase.plan.eventRate && latency.p50 * perConnection > 800)
      notes.push(
        `${phase.label}: each connection must answer ${perConnection.toFixed(1)} requests/s but a request takes ${latency.p50.toFixed(0)} ms (p50): the client, not only the pipeline, limits the rate; raise --connections or --events-per-request`,
      );
    if (phase.stoppedEarly) notes.push(`${phase.label}: stopped early (hard time bound or 401)`);
  }
  if (counts.uncertain > 0)
    notes.push(
      `${counts.uncertain} event(s) were given up after retries with an unknown outcome; their aggregates were checked as prefixes`,
    );
  if (outcome.lag !== undefined && outcome.lag.coverage < 0.99)
    notes.push(
      `lag measured for ${(outcome.lag.coverage * 100).toFixed(0)}% of accepted events: the projection keeps applied times for the last 64 sequences per aggregate`,
    );
  if (outcome.drain !== undefined && !outcome.drain.drained)
    notes.push('the pipeline did not drain before --drain-timeout');
  return {
    runId: outcome.runId,
    aggregatePrefix: outcome.aggregatePrefix,
    startedAt: new Date(outcome.startedAt).toISOString(),
    sendingSeconds,
    settings,
    events: counts,
    targetRate,
    achievedRate,
    requests: {
      total: ledger.requests.length,
      retries: ledger.requests.filter((r) => r.attempt > 1).length,
      byStatus,
    },
    latency,
    phases: outcome.phases.map((p) => ({
      label: p.label,
      targetRate: p.targetRate,
      plannedRate: p.plan.eventRate,
      requestRate: p.plan.requestRate,
      connections: p.plan.connections,
      durationSeconds: (p.endedAt - p.startedAt) / 1000,
      achievedRate: p.achievedRate,
      latencyCorrected: p.latency,
    })),
    timeline: outcome.timeline,
    drain:
      outcome.drain === undefined
        ? undefined
        : {
            drained: outcome.drain.drained,
            seconds: outcome.drain.elapsedMs / 1000,
            appliedSeconds: seconds(outcome.drain.appliedMs),
            archivedSeconds: seconds(outcome.drain.archivedMs),
            bridgedSeconds: seconds(outcome.drain.bridgedMs),
          },
    lag: outcome.lag,
    verification:
      verification === undefined
        ? undefined
        : {
            ok: verification.ok,
            aggregates: verification.aggregates,
            acceptedEvents: verification.acceptedEvents,
            projection: verification.projection,
            archive: verification.archive,
            bus: verification.bus,
            mismatchCount: verification.mismatches.length,
            mismatches: verification.mismatches.slice(0, MAX_REPORTED_MISMATCHES),
          },
    verificationSkipped: outcome.verificationSkipped,
    delivery: outcome.delivery,
    faults: undefined,
    notes,
    ok:
      !outcome.unauthorized &&
      (verification?.ok ?? outcome.verificationSkipped !== undefined) &&
      counts.accepted > 0,
  };
}

function seconds(ms: number | undefined): number | undefined {
  return ms === undefined ? undefined : ms / 1000;
}

/** The whole `report.json`: one run, or a find-max search. */
export interface LoadReport {
  readonly kind: 'run' | 'find-max';
  readonly createdAt: string;
  readonly target: {
    readonly kind: LoadTarget['kind'];
    readonly description: string;
    readonly eventsUrl: string;
  };
  readonly scenario: string | undefined;
  readonly run: RunReport | undefined;
  readonly findMax: FindMaxReport | undefined;
  readonly ok: boolean;
}

/** Raw ceilings of the emulators measured in the same run. */
export interface CeilingReport {
  readonly kinesisPutRecordsPerSecond: number;
  readonly kinesisGetRecordsPerSecond: number;
  readonly dynamodbConditionalWritesPerSecond: number;
  readonly slowestStage: string;
  readonly slowestPerSecond: number;
}

/** One step of the search. */
export interface FindMaxStep {
  readonly targetRate: number;
  readonly achievedRate: number;
  readonly verified: boolean;
  readonly lagP50: number;
  readonly lagP99: number;
  readonly earlyLagP50: number;
  readonly lateLagP50: number;
  readonly appliedDrainSeconds: number | undefined;
  readonly sustained: boolean;
  readonly reason: string;
  readonly report: RunReport;
}

/** The result of `--find-max`. */
export interface FindMaxReport {
  readonly steps: readonly FindMaxStep[];
  /** Highest achieved rate of a sustained step (events/s), 0 when none. */
  readonly maxSustainedRate: number;
  /** Target rate of the first step that was not sustained: where lag starts to grow. */
  readonly kneeRate: number | undefined;
  readonly ceiling: CeilingReport | undefined;
  /** maxSustainedRate / slowest stage's raw ceiling. */
  readonly ratioToSlowestStage: number | undefined;
}
