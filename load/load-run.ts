import { createSeededRandom } from '../processors/aggregates/seeded-random.js';
import { S3ArchiveSource } from '../processors/replay/s3-archive-source.js';
import { ArchiveReader } from './archive-reader.js';
import { drivePhase } from './autocannon-driver.js';
import { FileQueueReader, SqsQueueReader } from './bus-reader.js';
import { type DrainResult, waitForDrain } from './drain-waiter.js';
import { EventCounter } from './event-counter.js';
import { type LagSummary, lagSamples, summarizeLag } from './lag.js';
import { type AttemptStatus, Lane, type LaneListener } from './lane.js';
import { RunLedger } from './ledger.js';
import type { LoadOptions } from './options.js';
import { loadOrderStream } from './order-stream.js';
import { settlePendingRequests } from './pending-settler.js';
import { formatBar, type ProgressLine } from './progress-bar.js';
import { readProjections } from './projection-reader.js';
import { type DeliveryFigures, deliveryFigures } from './report-delivery-figures.js';
import { planPhase, type RequestPlan } from './request-plan.js';
import { RunFile } from './run-file.js';
import type { StoreClients } from './store-clients.js';
import type { LoadTarget } from './target.js';
import { buildTimeline, type TimelinePoint } from './timeline.js';
import { type VerificationResult, verifyRun } from './verifier.js';

/** Settings of one run (a whole load run, or one find-max step). */
export interface RunSettings
  extends Pick<
    LoadOptions,
    | 'phases'
    | 'aggregates'
    | 'eventsPerRequest'
    | 'connections'
    | 'seed'
    | 'mix'
    | 'maxAttempts'
    | 'requestTimeoutSeconds'
    | 'drainTimeoutSeconds'
    | 'verify'
  > {
  readonly runId: string;
  /** The NDJSON run file. */
  readonly runFile: string;
}

/** What one phase achieved. */
export interface PhaseOutcome {
  readonly label: string;
  readonly targetRate: number;
  readonly plan: RequestPlan;
  readonly startedAt: number;
  readonly endedAt: number;
  /** Events accepted in the phase / its wall time. */
  readonly achievedRate: number;
  /** autocannon's latency, corrected for coordinated omission. */
  readonly latency: {
    readonly p50: number;
    readonly p90: number;
    readonly p99: number;
    readonly max: number;
  };
  readonly stoppedEarly: boolean;
}

/** Everything one run measured and checked. */
export interface RunOutcome {
  readonly runId: string;
  readonly aggregatePrefix: string;
  readonly startedAt: number;
  readonly sendingEndedAt: number;
  readonly phases: readonly PhaseOutcome[];
  readonly ledger: RunLedger;
  readonly timeline: readonly TimelinePoint[];
  readonly drain: Omit<DrainResult, 'projections'> | undefined;
  readonly lag: LagSummary | undefined;
  readonly verification: VerificationResult | undefined;
  /** Acknowledged, applied, lost, applied twice, out of order; undefined when verification did not run. */
  readonly delivery: DeliveryFigures | undefined;
  /** Why verification did not run, when it did not. */
  readonly verificationSkipped: string | undefined;
  readonly unauthorized: boolean;
}

/** I/O of a run. */
export interface RunIo {
  readonly target: LoadTarget;
  readonly clients: StoreClients | undefined;
  readonly progress: ProgressLine;
  readonly onError?: (error: unknown) => void;
}

/**
 * Sends the phases with autocannon (each aggregate pinned to one lane and connection), settles unanswered
 * requests, then waits for the drain and verifies projection, archive and bus against the ledger.
 */
export async function executeRun(settings: RunSettings, io: RunIo): Promise<RunOutcome> {
  const random = createSeededRandom(settings.seed);
  const aggregatePrefix = `load-${settings.runId}`;
  let created = 0;
  const newStream = () =>
    loadOrderStream(`${aggregatePrefix}-${String(created++).padStart(6, '0')}`, settings.mix, random);
  const plans = settings.phases.map((phase) =>
    planPhase(phase, settings.eventsPerRequest, settings.connections),
  );
  const laneCount = Math.max(...plans.map((p) => p.connections));
  const streams = Array.from({ length: settings.aggregates }, newStream);
  const ledger = new RunLedger();
  const runFile = new RunFile(settings.runFile);
  const listener: LaneListener = {
    onAttempt: (attempt) => {
      ledger.onAttempt(attempt);
      runFile.onAttempt(attempt);
    },
    onFinal: (final) => {
      ledger.onFinal(final);
      runFile.onFinal(final);
    },
  };
  // Aggregates are dealt round-robin: lane i (connection i) alone ever sends aggregate j when j % lanes = i.
  const lanes = Array.from(
    { length: laneCount },
    (_, index) =>
      new Lane({
        index,
        streams: streams.filter((_, j) => j % laneCount === index),
        eventsPerRequest: settings.eventsPerRequest,
        maxAttempts: settings.maxAttempts,
        random,
        newStream,
        listener,
      }),
  );

  const startedAt = Date.now();
  const phases: PhaseOutcome[] = [];
  let unauthorized = false;
  try {
    for (const [index, phase] of settings.phases.entries()) {
      const plan = plans[index] as RequestPlan;
      const label = phase.label ?? `phase ${index + 1}`;
      const phaseStart = Date.now();
      const result = await drivePhase({
        eventsUrl: io.target.eventsUrl,
        token: io.target.token,
        plan,
        lanes,
        requestTimeoutSeconds: settings.requestTimeoutSeconds,
        maxSeconds: phase.durationSeconds * 3 + 30,
        onUnauthorized: () => {
          unauthorized = true;
        },
        onTick: (answered) => {
          const seconds = (Date.now() - phaseStart) / 1000;
          io.progress.update(
            `send ${label} ${formatBar(answered / plan.requests)} ${plan.eventRate} ev/s target, ${Math.round((answered * settings.eventsPerRequest) / Math.max(seconds, 0.001))} ev/s answered, ${seconds.toFixed(0)}s`,
          );
        },
      });
      const phaseEnd = Date.now();
      let accepted = 0;
      for (const request of ledger.requests)
        if (request.respondedAt >= phaseStart && request.respondedAt <= phaseEnd && isOk(request.status))
          accepted += request.events;
      const latency = result.autocannon.latency;
      phases.push({
        label,
        targetRate: phase.rate,
        plan,
        startedAt: phaseStart,
        endedAt: phaseEnd,
        achievedRate: accepted / Math.max(0.001, (phaseEnd - phaseStart) / 1000),
        latency: { p50: latency.p50, p90: latency.p90, p99: latency.p99, max: latency.max },
        stoppedEarly: result.stoppedEarly,
      });
      if (unauthorized) break;
    }
    io.progress.update('send: settling unanswered requests');
    if (!unauthorized)
      await settlePendingRequests(lanes, {
        eventsUrl: io.target.eventsUrl,
        token: io.target.token,
        timeoutSeconds: settings.requestTimeoutSeconds,
      });
    for (const lane of lanes) lane.abandon(Date.now());
  } finally {
    await runFile.close();
  }
  const sendingEndedAt = Date.now();
  io.progress.done();
  const timeline = buildTimeline(ledger.requests, startedAt);
  const base = {
    runId: settings.runId,
    aggregatePrefix,
    startedAt,
    sendingEndedAt,
    phases,
    ledger,
    timeline,
    unauthorized,
  };

  const stores = io.target.stores;
  if (unauthorized) return { ...base, ...skipped('ingest rejected the token (HTTP 401)') };
  if (!settings.verify) return { ...base, ...skipped('--no-verify') };
  if (stores === undefined || io.clients === undefined)
    return {
      ...base,
      ...skipped(
        '--url target: the tool cannot read the table, archive or bus (use --target local or --stack)',
      ),
    };

  const clients = io.clients;
  const belongs = (aggregateId: string) => aggregateId.startsWith(`${aggregatePrefix}-`);
  const archiveCounter = new EventCounter(belongs);
  const busCounter = new EventCounter(belongs);
  const busQueue = stores.busQueue;
  const drain = await waitForDrain({
    ledger,
    readProjections: (ids) => readProjections(clients.dynamodb, stores.table, ids),
    archive: {
      reader: new ArchiveReader({
        source: new S3ArchiveSource({ client: clients.s3, bucket: stores.bucket }),
        prefix: stores.archivePrefix,
        since: new Date(startedAt),
        counter: archiveCounter,
      }),
      counter: archiveCounter,
    },
    bus:
      busQueue === undefined
        ? undefined
        : {
            reader:
              busQueue.kind === 'file'
                ? new FileQueueReader(busQueue.path, busQueue.startOffset, busCounter)
                : new SqsQueueReader(clients.sqs, busQueue.url, busCounter),
            counter: busCounter,
          },
    timeoutMs: settings.drainTimeoutSeconds * 1000,
    ...(io.onError === undefined ? {} : { onError: io.onError }),
    onProgress: (p) => {
      const parts = [p.applied, p.archived ?? p.accepted, p.bridged ?? p.accepted];
      const fraction = parts.reduce((a, b) => a + b, 0) / Math.max(1, 3 * p.accepted);
      io.progress.update(
        `drain ${formatBar(fraction)} applied ${p.applied}/${p.accepted} archived ${p.archived ?? '-'} bridged ${p.bridged ?? '-'} ${(p.elapsedMs / 1000).toFixed(0)}s`,
      );
    },
  });
  io.progress.done();
  const verification = verifyRun(ledger, {
    projections: drain.projections,
    archive: archiveCounter,
    bus: busQueue === undefined ? undefined : busCounter,
  });
  const { projections, ...drainSummary } = drain;
  const lag = summarizeLag(lagSamples(ledger, projections), verification.acceptedEvents);
  const delivery = deliveryFigures(ledger.aggregates, projections);
  return { ...base, drain: drainSummary, lag, verification, delivery, verificationSkipped: undefined };
}

function skipped(reason: string) {
  return {
    drain: undefined,
    lag: undefined,
    verification: undefined,
    delivery: undefined,
    verificationSkipped: reason,
  };
}

function isOk(status: AttemptStatus): boolean {
  return typeof status === 'number' && status >= 200 && status < 300;
}
