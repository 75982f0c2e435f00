/**
 * The pipeline's alarms as data: which metric, and how CloudWatch must evaluate it to be able to fire. Pure, so
 * tests read it (and replay the evaluation, test/infra/cloudwatch-alarm-evaluator.ts).
 *
 * How an alarm evaluates, and how it treats missing data:
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-evaluation.html
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html#alarms-and-missing-data
 */
import { ComponentArgsError } from './errors.js';

/** The processor's EMF metric names (emitted with dimension `service`). */
export const PROCESSOR_METRICS = {
  Applied: 'Applied',
  Duplicates: 'Duplicates',
  Conflicts: 'Conflicts',
  Buffered: 'Buffered',
  Drained: 'Drained',
  Poison: 'Poison',
  Stalled: 'Stalled',
  WriteRetries: 'WriteRetries',
  QuarantineWrites: 'QuarantineWrites',
  QuarantineWriteFailures: 'QuarantineWriteFailures',
  BatchDurationMs: 'BatchDurationMs',
} as const;

/**
 * Lambda event source mapping metrics (namespace `AWS/Lambda`, dimension `EventSourceMappingUUID`), emitted only
 * when the mapping's `metricsConfig` asks for `EventCount`; both exist for Kinesis sources.
 * https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html#event-source-mapping-metrics
 * https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-view.html
 */
export const EVENT_SOURCE_MAPPING_METRICS = {
  /** Records sent to the on-failure destination after retries or record age ran out: not applied. */
  OnFailureDestinationDelivered: 'OnFailureDestinationDeliveredEventCount',
  /** Records dropped on retry or age exhaustion without reaching the destination (its delivery failed). */
  Dropped: 'DroppedEventCount',
} as const;

/**
 * What a metric is, which decides how its alarm is evaluated:
 * - `failureCount`: a count of bad events that should stay zero, reported only when something happens (Lambda
 *   `Errors`, quarantine writes, discarded records). One datapoint above the threshold is the failure.
 * - `lag`: an age or delay that is normally low and reported at least every `reportEverySeconds` while there is
 *   traffic (iterator age, archive freshness). Only a sustained breach counts; one spike does not.
 * - `backlog`: a depth that should stay at zero (dead-letter queues). One datapoint above the threshold is the failure.
 * - `scheduledGauge`: a level reported by a scheduled job every `reportEverySeconds` (the stalled check).
 */
export type MetricShape =
  | { readonly kind: 'failureCount' }
  | { readonly kind: 'lag'; readonly reportEverySeconds: number }
  | { readonly kind: 'backlog' }
  | { readonly kind: 'scheduledGauge'; readonly reportEverySeconds: number };

/** How CloudWatch evaluates one alarm: `statistic` per `periodSeconds`, ALARM on M of the last N datapoints. */
export interface AlarmEvaluation {
  readonly statistic: 'Maximum' | 'Sum';
  readonly periodSeconds: number;
  /** N. */
  readonly evaluationPeriods: number;
  /** M: breaching datapoints among the last N that set ALARM. */
  readonly datapointsToAlarm: number;
  readonly treatMissingData: 'notBreaching';
  readonly comparisonOperator: 'GreaterThanThreshold';
}

/** The smallest standard-resolution period (a multiple of 60 s) that holds one report every `seconds`. */
function periodCovering(seconds: number, shape: string): number {
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 86_400) {
    throw new ComponentArgsError(
      'Observability',
      `${shape}.reportEverySeconds`,
      'must be an integer 1–86400',
    );
  }
  return Math.ceil(seconds / 60) * 60;
}

/**
 * The evaluation an alarm on a metric of this shape needs so that a real failure makes it fire and noise does not.
 * Missing data is `notBreaching` for every shape: each of these metrics is absent exactly when nothing happens
 * (no invocations, no traffic, an inactive empty queue), so absence is not a failure; a `scheduledGauge` alarm's
 * period covers the job's interval, so a healthy job never leaves a period empty.
 */
export function alarmEvaluation(shape: MetricShape): AlarmEvaluation {
  const common = { treatMissingData: 'notBreaching', comparisonOperator: 'GreaterThanThreshold' } as const;
  switch (shape.kind) {
    case 'failureCount':
      // Lambda publishes its metrics per minute; one failing minute is enough.
      return { ...common, statistic: 'Sum', periodSeconds: 60, evaluationPeriods: 1, datapointsToAlarm: 1 };
    case 'backlog':
      // SQS publishes at one-minute intervals while the queue holds messages.
      return {
        ...common,
        statistic: 'Maximum',
        periodSeconds: 60,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
      };
    case 'lag':
      // Each period holds at least one report while there is traffic; 2 of 3 ignores a single spike.
      return {
        ...common,
        statistic: 'Maximum',
        periodSeconds: periodCovering(shape.reportEverySeconds, 'lag'),
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
      };
    case 'scheduledGauge':
      return {
        ...common,
        statistic: 'Maximum',
        periodSeconds: periodCovering(shape.reportEverySeconds, 'scheduledGauge'),
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
      };
    default: {
      const never: never = shape;
      throw new ComponentArgsError('Observability', 'shape', `unknown metric shape ${JSON.stringify(never)}`);
    }
  }
}

/** One alarm: `statistic(metric) > threshold`, evaluated as its metric's shape requires. */
export interface AlarmSpec<T> {
  /** Stable id, used in the resource name. */
  readonly id: string;
  readonly description: string;
  readonly namespace: T | string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, T>>;
  readonly shape: MetricShape;
  readonly evaluation: AlarmEvaluation;
  readonly threshold: number;
}

/** What the alarms watch: resource names (plain strings in tests, Pulumi outputs in the program). */
export interface AlarmTargets<T> {
  readonly processorFunctionName: T;
  /** The processor's event source mapping (its `uuid`): the dimension of the mapping's own metrics. */
  readonly eventSourceMappingUuid: T;
  readonly ingestFunctionName: T;
  readonly stalledCheckFunctionName: T;
  readonly streamName: T;
  readonly deliveryStreamName: T;
  /** Dead-letter queue names by role, e.g. `pipe`, `delivery`, `consumer`. */
  readonly deadLetterQueueNames: Readonly<Record<string, T>>;
  readonly metricsNamespace: T;
  readonly serviceName: T;
}

/** How often the pipeline's own reporters publish, which sets the periods of their alarms. */
export interface ReportingCadence {
  /**
   * Longest gap between two processor invocations while it is behind: its timeout (Lambda publishes `IteratorAge`
   * per invocation).
   */
  readonly processorTimeoutSeconds: number;
  /** The stalled check's schedule: it publishes `Stalled` once a run. */
  readonly stalledCheckEveryMinutes: number;
}

/** Thresholds, as in the `alarms` config. */
export interface AlarmThresholds {
  readonly iteratorAgeMs: number;
  readonly dlqDepth: number;
  readonly errors: number;
  readonly throttles: number;
  readonly quarantineWrites: number;
  readonly stalled: number;
  readonly firehoseFreshnessSeconds: number;
}

/** Every alarm of the pipeline, each with the evaluation its metric needs. */
export function alarmSpecs<T>(
  t: AlarmTargets<T>,
  th: AlarmThresholds,
  cadence: ReportingCadence,
): AlarmSpec<T>[] {
  const spec = (s: Omit<AlarmSpec<T>, 'evaluation'>): AlarmSpec<T> => ({
    ...s,
    evaluation: alarmEvaluation(s.shape),
  });
  const failureCount = { kind: 'failureCount' } as const;
  const lambda = (fn: T, id: string, who: string): AlarmSpec<T>[] => [
    spec({
      id: `${id}-errors`,
      description: `${who} function errors above ${th.errors} in a minute`,
      namespace: 'AWS/Lambda',
      metricName: 'Errors',
      dimensions: { FunctionName: fn },
      shape: failureCount,
      threshold: th.errors,
    }),
    spec({
      id: `${id}-throttles`,
      description: `${who} function throttles above ${th.throttles} in a minute`,
      namespace: 'AWS/Lambda',
      metricName: 'Throttles',
      dimensions: { FunctionName: fn },
      shape: failureCount,
      threshold: th.throttles,
    }),
  ];
  const mapping = { EventSourceMappingUUID: t.eventSourceMappingUuid };
  return [
    spec({
      id: 'processor-iterator-age',
      description: `Stream processor is more than ${th.iteratorAgeMs} ms behind the stream`,
      namespace: 'AWS/Lambda',
      metricName: 'IteratorAge',
      dimensions: { FunctionName: t.processorFunctionName },
      shape: { kind: 'lag', reportEverySeconds: cadence.processorTimeoutSeconds },
      threshold: th.iteratorAgeMs,
    }),
    spec({
      id: 'stream-iterator-age',
      description: `A polling reader (Firehose, Pipe) is more than ${th.iteratorAgeMs} ms behind the stream`,
      namespace: 'AWS/Kinesis',
      metricName: 'GetRecords.IteratorAgeMilliseconds',
      dimensions: { StreamName: t.streamName },
      shape: { kind: 'lag', reportEverySeconds: 60 },
      threshold: th.iteratorAgeMs,
    }),
    ...lambda(t.processorFunctionName, 'processor', 'Stream processor'),
    spec({
      id: 'processor-discarded-records',
      description:
        'The processor’s event source mapping sent records to the S3 on-failure destination (retries or record age ' +
        'exhausted): they are not in the table; replay them (README, Replay)',
      namespace: 'AWS/Lambda',
      metricName: EVENT_SOURCE_MAPPING_METRICS.OnFailureDestinationDelivered,
      dimensions: mapping,
      shape: failureCount,
      threshold: 0,
    }),
    spec({
      id: 'processor-dropped-records',
      description:
        'The processor’s event source mapping dropped records it could not deliver to the on-failure destination: ' +
        'they are not in the table nor in the dead-letter bucket; replay them from the archive',
      namespace: 'AWS/Lambda',
      metricName: EVENT_SOURCE_MAPPING_METRICS.Dropped,
      dimensions: mapping,
      shape: failureCount,
      threshold: 0,
    }),
    ...lambda(t.ingestFunctionName, 'ingest', 'Ingest'),
    spec({
      id: 'stalled-check-errors',
      // It runs once per schedule: a per-minute error threshold could never be crossed, and one failed run is one
      // interval in which stalled aggregates went unreported.
      description: 'A scheduled stalled check failed: stalled aggregates may go unreported',
      namespace: 'AWS/Lambda',
      metricName: 'Errors',
      dimensions: { FunctionName: t.stalledCheckFunctionName },
      shape: failureCount,
      threshold: 0,
    }),
    spec({
      id: 'quarantine-writes',
      description: `More than ${th.quarantineWrites} records quarantined in a minute (poison or conflicting versions)`,
      namespace: t.metricsNamespace,
      metricName: PROCESSOR_METRICS.QuarantineWrites,
      dimensions: { service: t.serviceName },
      shape: failureCount,
      threshold: th.quarantineWrites,
    }),
    spec({
      id: 'quarantine-write-failures',
      // Any failure: the record is not in the dead-letter bucket, and its batch comes back until the write works.
      description:
        'A quarantine write to the dead-letter bucket failed (wrong bucket, missing permission, S3 errors): the ' +
        'record is retried and blocks its shard; see the processor log "quarantine write failed"',
      namespace: t.metricsNamespace,
      metricName: PROCESSOR_METRICS.QuarantineWriteFailures,
      dimensions: { service: t.serviceName },
      shape: failureCount,
      threshold: 0,
    }),
    spec({
      id: 'stalled-aggregates',
      description: `More than ${th.stalled} aggregates stalled on a sequence gap; run the aggregates command`,
      namespace: t.metricsNamespace,
      metricName: PROCESSOR_METRICS.Stalled,
      dimensions: { service: t.serviceName },
      // The check publishes how many are stalled now; the processor's per-batch counts never exceed it.
      shape: { kind: 'scheduledGauge', reportEverySeconds: cadence.stalledCheckEveryMinutes * 60 },
      threshold: th.stalled,
    }),
    spec({
      id: 'archive-freshness',
      description: `Archive delivery is more than ${th.firehoseFreshnessSeconds} s behind`,
      namespace: 'AWS/Firehose',
      metricName: 'DeliveryToS3.DataFreshness',
      dimensions: { DeliveryStreamName: t.deliveryStreamName },
      shape: { kind: 'lag', reportEverySeconds: 60 },
      threshold: th.firehoseFreshnessSeconds,
    }),
    ...Object.entries(t.deadLetterQueueNames).map(
      ([role, queueName]): AlarmSpec<T> =>
        spec({
          id: `${role}-dlq-depth`,
          description: `The ${role} dead-letter queue holds more than ${th.dlqDepth} messages`,
          namespace: 'AWS/SQS',
          metricName: 'ApproximateNumberOfMessagesVisible',
          dimensions: { QueueName: queueName },
          shape: { kind: 'backlog' },
          threshold: th.dlqDepth,
        }),
    ),
  ];
}
