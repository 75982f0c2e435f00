/** The pipeline's alarms as data: which metric, which statistic, which threshold. Pure, so tests read it. */

/** The processor's EMF metric names (DESIGN §3; emitted with dimension `service`). */
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
  BatchDurationMs: 'BatchDurationMs',
} as const;

/** One alarm: `statistic(metric) > threshold` over `periodSeconds`. */
export interface AlarmSpec<T> {
  /** Stable id, used in the resource name. */
  readonly id: string;
  readonly description: string;
  readonly namespace: T | string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, T>>;
  readonly statistic: 'Maximum' | 'Sum';
  readonly threshold: number;
}

/** What the alarms watch: resource names (plain strings in tests, Pulumi outputs in the program). */
export interface AlarmTargets<T> {
  readonly processorFunctionName: T;
  readonly ingestFunctionName: T;
  readonly streamName: T;
  readonly deliveryStreamName: T;
  /** Dead-letter queue names by role, e.g. `pipe`, `delivery`, `consumer`. */
  readonly deadLetterQueueNames: Readonly<Record<string, T>>;
  readonly metricsNamespace: T;
  readonly serviceName: T;
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

/** Every alarm of the pipeline. */
export function alarmSpecs<T>(t: AlarmTargets<T>, th: AlarmThresholds): AlarmSpec<T>[] {
  const lambda = (fn: T, id: string, who: string): AlarmSpec<T>[] => [
    {
      id: `${id}-errors`,
      description: `${who} function errors above ${th.errors}`,
      namespace: 'AWS/Lambda',
      metricName: 'Errors',
      dimensions: { FunctionName: fn },
      statistic: 'Sum',
      threshold: th.errors,
    },
    {
      id: `${id}-throttles`,
      description: `${who} function throttles above ${th.throttles}`,
      namespace: 'AWS/Lambda',
      metricName: 'Throttles',
      dimensions: { FunctionName: fn },
      statistic: 'Sum',
      threshold: th.throttles,
    },
  ];
  return [
    {
      id: 'processor-iterator-age',
      description: `Stream processor is more than ${th.iteratorAgeMs} ms behind the stream`,
      namespace: 'AWS/Lambda',
      metricName: 'IteratorAge',
      dimensions: { FunctionName: t.processorFunctionName },
      statistic: 'Maximum',
      threshold: th.iteratorAgeMs,
    },
    {
      id: 'stream-iterator-age',
      description: `A polling reader (Firehose, Pipe) is more than ${th.iteratorAgeMs} ms behind the stream`,
      namespace: 'AWS/Kinesis',
      metricName: 'GetRecords.IteratorAgeMilliseconds',
      dimensions: { StreamName: t.streamName },
      statistic: 'Maximum',
      threshold: th.iteratorAgeMs,
    },
    ...lambda(t.processorFunctionName, 'processor', 'Stream processor'),
    ...lambda(t.ingestFunctionName, 'ingest', 'Ingest'),
    {
      id: 'quarantine-writes',
      description: `More than ${th.quarantineWrites} records quarantined (poison or conflicting versions)`,
      namespace: t.metricsNamespace,
      metricName: PROCESSOR_METRICS.QuarantineWrites,
      dimensions: { service: t.serviceName },
      statistic: 'Sum',
      threshold: th.quarantineWrites,
    },
    {
      id: 'stalled-aggregates',
      description: `More than ${th.stalled} aggregates stalled on a sequence gap; run the aggregates command`,
      namespace: t.metricsNamespace,
      metricName: PROCESSOR_METRICS.Stalled,
      dimensions: { service: t.serviceName },
      statistic: 'Sum',
      threshold: th.stalled,
    },
    {
      id: 'archive-freshness',
      description: `Archive delivery is more than ${th.firehoseFreshnessSeconds} s behind`,
      namespace: 'AWS/Firehose',
      metricName: 'DeliveryToS3.DataFreshness',
      dimensions: { DeliveryStreamName: t.deliveryStreamName },
      statistic: 'Maximum',
      threshold: th.firehoseFreshnessSeconds,
    },
    ...Object.entries(t.deadLetterQueueNames).map(
      ([role, queueName]): AlarmSpec<T> => ({
        id: `${role}-dlq-depth`,
        description: `The ${role} dead-letter queue holds more than ${th.dlqDepth} messages`,
        namespace: 'AWS/SQS',
        metricName: 'ApproximateNumberOfMessagesVisible',
        dimensions: { QueueName: queueName },
        statistic: 'Maximum',
        threshold: th.dlqDepth,
      }),
    ),
  ];
}
