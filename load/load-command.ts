import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { measureCeilings } from './ceiling.js';
import { judgeStep, stepAggregates, stepConnections, stepRates } from './find-max.js';
import { localDataDirOf, readHopLatency } from './hop-latency-reader.js';
import { executeRun, type RunIo, type RunSettings } from './load-run.js';
import type { LoadOptions } from './options.js';
import { ProgressLine } from './progress-bar.js';
import {
  buildRunReport,
  type CeilingReport,
  type FindMaxReport,
  type FindMaxStep,
  type LoadReport,
} from './report.js';
import { hopLatencyNotMeasured } from './report-hop-latency.js';
import { writeReport } from './report-writer.js';
import { planPhase } from './request-plan.js';
import { newRunId } from './run-id.js';
import { createStoreClients, type StoreClients } from './store-clients.js';
import { type LoadTarget, preflight, resolveLoadTarget } from './target.js';

/** I/O of a load command. */
export interface LoadCommandIo {
  /** Progress bars; undefined = none. @default stderr */
  readonly progress?: ProgressLine;
  /** Status lines. @default console.error */
  readonly log?: (line: string) => void;
}

/** What a load command produced. */
export interface LoadCommandResult {
  readonly report: LoadReport;
  readonly reportDir: string;
  /** 0 = pass, 1 = the run failed verification or sent nothing. */
  readonly exitCode: 0 | 1;
}

/**
 * Runs `npm run load` with parsed options: resolves and preflights the target (errors here come before
 * any traffic), runs the phases or the find-max search, verifies, and writes the report folder.
 * @example const { exitCode } = await runLoadCommand(parseLoadOptions(['--scenario', 'smoke']));
 */
export async function runLoadCommand(
  options: LoadOptions,
  io: LoadCommandIo = {},
): Promise<LoadCommandResult> {
  const progress = io.progress ?? new ProgressLine();
  const log = io.log ?? ((line: string) => console.error(line));
  const target = await resolveLoadTarget(options.target);
  await preflight(target);
  const createdAt = new Date();
  const runId = newRunId(createdAt);
  const reportDir = resolve(options.reportRoot, runId);
  await mkdir(reportDir, { recursive: true });
  const clients = target.stores === undefined ? undefined : createStoreClients(target.stores);
  const runIo: RunIo = {
    target,
    clients,
    progress,
    onError: (error) => log(`drain: ${(error as Error).message}`),
  };
  try {
    const base = {
      kind: options.findMax === undefined ? ('run' as const) : ('find-max' as const),
      createdAt: createdAt.toISOString(),
      target: { kind: target.kind, description: target.description, eventsUrl: target.eventsUrl },
      scenario: options.scenario,
    };
    let report: LoadReport;
    if (options.findMax === undefined) {
      log(`load: ${target.description}, run ${runId}`);
      const settings = runSettings(options, runId, join(reportDir, 'run.ndjson'));
      const outcome = await executeRun(settings, runIo);
      const built = buildRunReport(outcome, settingsSummary(options, settings));
      const run = {
        ...built,
        hopLatency: await gatherHopLatency(options, built.aggregatePrefix, built.events.accepted, log),
      };
      report = { ...base, run, findMax: undefined, ok: run.ok };
    } else {
      const findMax = await findMaxRate(options, runId, reportDir, runIo, target, clients, log);
      report = { ...base, run: undefined, findMax, ok: findMax.maxSustainedRate > 0 };
    }
    await writeReport(reportDir, report);
    return { report, reportDir, exitCode: report.ok ? 0 : 1 };
  } finally {
    clients?.destroy();
  }
}

/** The per-hop breakdown from the local span store; a failure to read it is a note, never a failed run. */
async function gatherHopLatency(
  options: LoadOptions,
  aggregatePrefix: string,
  acceptedEvents: number,
  log: (line: string) => void,
) {
  try {
    return await readHopLatency(localDataDirOf(options.target.environment), aggregatePrefix, acceptedEvents);
  } catch (error) {
    log(`load: per-hop latency not read: ${(error as Error).message}`);
    return hopLatencyNotMeasured(`the span store could not be read: ${(error as Error).message}`);
  }
}

function runSettings(options: LoadOptions, runId: string, runFile: string): RunSettings {
  return {
    runId,
    phases: options.phases,
    aggregates: options.aggregates,
    eventsPerRequest: options.eventsPerRequest,
    connections: options.connections,
    seed: options.seed,
    mix: options.mix,
    maxAttempts: options.maxAttempts,
    requestTimeoutSeconds: options.requestTimeoutSeconds,
    drainTimeoutSeconds: options.drainTimeoutSeconds,
    verify: options.verify,
    runFile,
  };
}

function settingsSummary(options: LoadOptions, settings: RunSettings) {
  return {
    aggregates: settings.aggregates,
    eventsPerRequest: settings.eventsPerRequest,
    connections: settings.connections,
    seed: options.seed,
  };
}

/** Bisection steps after the first unsustained step. */
const FIND_MAX_REFINEMENTS = 2;

async function findMaxRate(
  options: LoadOptions,
  runId: string,
  reportDir: string,
  io: RunIo,
  target: LoadTarget,
  clients: StoreClients | undefined,
  log: (line: string) => void,
): Promise<FindMaxReport> {
  const search = options.findMax;
  const phase = options.phases[0];
  if (search === undefined || phase === undefined) throw new Error('find-max needs one phase');
  const steps: FindMaxStep[] = [];
  const runStep = async (rate: number): Promise<FindMaxStep> => {
    const index = steps.length;
    const aggregates = stepAggregates(options.aggregates, rate, phase.durationSeconds);
    const plan = planPhase(
      { rate, durationSeconds: phase.durationSeconds },
      options.eventsPerRequest,
      Number.MAX_SAFE_INTEGER,
    );
    const connections = stepConnections(options.connections, plan.requestRate, aggregates);
    log(
      `find-max: step ${index + 1} at ${rate} events/s (${aggregates} aggregates, ${connections} connections)`,
    );
    const settings: RunSettings = {
      ...runSettings(options, `${runId}-s${index + 1}`, join(reportDir, `step-${index + 1}.ndjson`)),
      phases: [{ rate, durationSeconds: phase.durationSeconds, label: `${rate} ev/s` }],
      aggregates,
      connections,
      verify: true,
    };
    const outcome = await executeRun(settings, io);
    const report = buildRunReport(outcome, settingsSummary(options, settings));
    const judged = judgeStep({
      targetRate: report.phases[0]?.plannedRate ?? rate,
      achievedRate: report.achievedRate,
      verified: report.verification?.ok ?? false,
      lag: report.lag,
      appliedDrainSeconds: report.drain?.appliedSeconds,
      stepSeconds: phase.durationSeconds,
    });
    const step: FindMaxStep = {
      targetRate: rate,
      achievedRate: report.achievedRate,
      verified: report.verification?.ok ?? false,
      lagP50: report.lag?.distribution.p50 ?? Number.NaN,
      lagP99: report.lag?.distribution.p99 ?? Number.NaN,
      earlyLagP50: report.lag?.earlyP50 ?? Number.NaN,
      lateLagP50: report.lag?.lateP50 ?? Number.NaN,
      appliedDrainSeconds: report.drain?.appliedSeconds,
      sustained: judged.sustained,
      reason: judged.reason,
      report,
    };
    steps.push(step);
    log(
      `find-max: step ${index + 1}: achieved ${Math.round(report.achievedRate)} ev/s, lag p50 ${Math.round(step.lagP50)} ms, ${judged.sustained ? 'sustained' : `not sustained: ${judged.reason}`}`,
    );
    return step;
  };
  let kneeRate: number | undefined;
  let lastSustained: number | undefined;
  for (const rate of stepRates(phase.rate, search.stepFactor, search.maxRate)) {
    if ((await runStep(rate)).sustained) lastSustained = rate;
    else {
      kneeRate = rate;
      break;
    }
  }
  // Bisect between the last sustained rate and the knee, so the answer is finer than one step factor.
  for (
    let round = 0;
    round < FIND_MAX_REFINEMENTS && kneeRate !== undefined && lastSustained !== undefined;
    round++
  ) {
    if (kneeRate / lastSustained < 1.1) break;
    const mid = Math.round((kneeRate + lastSustained) / 2);
    if ((await runStep(mid)).sustained) lastSustained = mid;
    else kneeRate = mid;
  }
  // After the steps, on the drained pipeline: the scratch writes (and kinesalite's background delete of
  // them) would otherwise slow the first steps.
  let ceiling: CeilingReport | undefined;
  if (clients?.kinesis !== undefined && target.stores?.endpoints !== undefined) {
    log('find-max: measuring raw ceilings of kinesalite and dynalite (scratch stream and table)');
    const raw = new DynamoDBClient({
      ...(target.stores.region === undefined ? {} : { region: target.stores.region }),
      endpoint: target.stores.endpoints.dynamodb,
      ...(target.stores.credentials === undefined ? {} : { credentials: target.stores.credentials }),
    });
    try {
      ceiling = await measureCeilings({
        kinesis: clients.kinesis,
        dynamodb: clients.dynamodb,
        dynamodbRaw: raw,
        id: runId.toLowerCase(),
      });
    } finally {
      raw.destroy();
    }
    log(
      `find-max: PutRecords ${Math.round(ceiling.kinesisPutRecordsPerSecond)}/s, GetRecords ${Math.round(ceiling.kinesisGetRecordsPerSecond)}/s, conditional writes ${Math.round(ceiling.dynamodbConditionalWritesPerSecond)}/s`,
    );
  }
  const maxSustainedRate = Math.max(0, ...steps.filter((s) => s.sustained).map((s) => s.achievedRate));
  return {
    steps,
    maxSustainedRate,
    kneeRate,
    ceiling,
    ratioToSlowestStage: ceiling === undefined ? undefined : maxSustainedRate / ceiling.slowestPerSecond,
  };
}
