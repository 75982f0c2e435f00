/** Wires the components into one pipeline from a stack's validated config. */

import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { ARCHIVE_EVENTS_ROOT, FAILED_BATCHES_ROOT } from '../config/archive-layout.js';
import type { PipelineConfig } from '../config/config-schema.js';
import { Archive } from './archive.js';
import { BusBridge } from './bus-bridge.js';
import { DataKey } from './data-key.js';
import { EventStream } from './event-stream.js';
import { esbuildBundler, type HandlerBundler } from './handler-bundle.js';
import { IngestApi } from './ingest-api.js';
import { Observability } from './observability.js';
import { ReplayBackfill } from './replay-backfill.js';
import { StalledCheck } from './stalled-check.js';
import { StreamProcessor } from './stream-processor.js';

/** The Lambda entries the program bundles. */
export const HANDLER_ENTRIES = {
  streamProcessor: 'processors/stream-processor/handler.ts',
  ingest: 'processors/ingest/handler.ts',
  replay: 'processors/replay/lambda-handler.ts',
  stalledCheck: 'processors/operator/stalled-check-handler.ts',
  busEnrichment: 'processors/bus-bridge/handler.ts',
} as const;

/** Powertools service name of the stream processor: the `service` dimension its alarms select. */
export const PROCESSOR_SERVICE_NAME = 'stream-processor';

/** Options of {@link createPipeline}. */
export interface PipelineOptions {
  /** @default esbuildBundler() — tests pass a stub. */
  readonly bundler?: HandlerBundler;
}

/** The stack outputs: what `pulumi stack output --json` gives load tests, replay and operators. */
export interface PipelineOutputs {
  readonly region: pulumi.Output<string>;
  readonly streamName: pulumi.Output<string>;
  readonly streamArn: pulumi.Output<string>;
  readonly ingestUrl: pulumi.Output<string>;
  readonly ingestTokenSecretArn: pulumi.Output<string>;
  readonly ingestToken: pulumi.Output<string>;
  readonly tableName: pulumi.Output<string>;
  readonly bucketName: pulumi.Output<string>;
  readonly archivePrefix: string;
  readonly deadLetterBucketName: pulumi.Output<string>;
  readonly quarantinePrefix: pulumi.Output<string>;
  readonly failedBatchesPrefix: string;
  readonly busName: pulumi.Output<string>;
  readonly busArn: pulumi.Output<string>;
  readonly eventSourcePrefix: string;
  readonly queues: pulumi.Output<Record<string, string>>;
  readonly processorFunctionName: pulumi.Output<string>;
  readonly deliveryStreamName: pulumi.Output<string>;
  readonly alarmTopicArn: pulumi.Output<string>;
  readonly dashboardUrl: pulumi.Output<string>;
  /** The distributed backfill (Step Functions Distributed Map over the archive). */
  readonly backfillStateMachineArn: pulumi.Output<string>;
}

/**
 * Declares the whole pipeline for one stack.
 *
 * @example
 * const outputs = createPipeline(loadPipelineConfig());
 * export const streamName = outputs.streamName;
 */
export function createPipeline(config: PipelineConfig, options: PipelineOptions = {}): PipelineOutputs {
  const bundle = options.bundler ?? esbuildBundler();
  const stack = pulumi.getStack();
  const identity = aws.getCallerIdentityOutput();
  const partition = aws.getPartitionOutput();
  const region = aws.getRegionOutput().region;
  const disposable = config.archive.forceDestroy;
  const logRetentionDays = config.logs.retentionDays;

  const dataKey = new DataKey('data', { accountId: identity.accountId, partition: partition.partition });
  const stream = new EventStream('events', {
    capacity: config.stream,
    retentionHours: config.stream.retentionHours,
    enhancedFanOut: config.processor.enhancedFanOut,
  });
  const archive = new Archive('archive', {
    streamArn: stream.streamArn,
    streamKeyArn: stream.keyArn,
    dataKeyArn: dataKey.keyArn,
    accountId: identity.accountId,
    bufferSizeMiB: config.archive.bufferSizeMiB,
    bufferIntervalSeconds: config.archive.bufferIntervalSeconds,
    lifecycle: config.archive,
    logRetentionDays,
    forceDestroy: config.archive.forceDestroy,
  });
  // Firehose reads its source stream from LATEST when it is created
  // (https://docs.aws.amazon.com/firehose/latest/dev/writing-with-kinesis-streams.html): whatever is written to the
  // stream before the delivery stream exists never reaches the archive. The writers this program deploys get the
  // stream's name only once the delivery stream is created, so on a new stack they cannot write before it.
  const streamNameForWriters = pulumi
    .all([stream.streamName, archive.deliveryStream.arn])
    .apply(([streamName]) => streamName);
  const p = config.processor;
  const processor = new StreamProcessor('processor', {
    streamArn: stream.streamArn,
    streamKeyArn: stream.keyArn,
    ...(stream.consumerArn === undefined ? {} : { consumerArn: stream.consumerArn }),
    startingPosition: p.startingPosition,
    ...(p.startingPositionTimestamp === undefined
      ? {}
      : { startingPositionTimestamp: p.startingPositionTimestamp }),
    code: bundle({ entry: HANDLER_ENTRIES.streamProcessor }),
    dataKeyArn: dataKey.keyArn,
    batchSize: p.batchSize,
    batchingWindowSeconds: p.batchingWindowSeconds,
    parallelizationFactor: p.parallelizationFactor,
    maximumRetryAttempts: p.maximumRetryAttempts,
    maximumRecordAgeSeconds: p.maximumRecordAgeSeconds,
    maxGapAgeSeconds: p.maxGapAgeSeconds,
    writeConcurrency: p.writeConcurrency,
    maxWriteAttempts: p.maxWriteAttempts,
    maxSnapshotBytes: p.maxSnapshotBytes,
    maxBufferedEvents: p.maxBufferedEvents,
    memoryMb: p.memoryMb,
    timeoutSeconds: p.timeoutSeconds,
    logLevel: p.logLevel,
    logRetentionDays,
    metricsNamespace: p.metricsNamespace,
    serviceName: PROCESSOR_SERVICE_NAME,
    quarantinePrefix: p.quarantinePrefix,
    tracing: config.tracing,
    noncurrentVersionExpirationDays: config.archive.noncurrentVersionExpirationDays,
    disposable,
  });
  const stalledCheck = new StalledCheck('stalled-check', {
    code: bundle({ entry: HANDLER_ENTRIES.stalledCheck }),
    tableName: processor.tableName,
    tableArn: processor.tableArn,
    gapIndexArn: processor.gapIndexArn,
    dataKeyArn: dataKey.keyArn,
    maxGapAgeSeconds: p.maxGapAgeSeconds,
    serviceName: PROCESSOR_SERVICE_NAME,
    metricsNamespace: p.metricsNamespace,
    logLevel: p.logLevel,
    logRetentionDays,
  });
  const b = config.bus;
  const bus = new BusBridge('bus', {
    streamArn: stream.streamArn,
    streamKeyArn: stream.keyArn,
    accountId: identity.accountId,
    busName: b.name ?? `ordered-events-${stack}`,
    sourcePrefix: b.sourcePrefix,
    aggregateTypes: b.aggregateTypes,
    enrichmentCode: bundle({ entry: HANDLER_ENTRIES.busEnrichment }),
    logLevel: p.logLevel,
    logRetentionDays,
    archiveRetentionDays: b.archiveRetentionDays,
    batchSize: b.pipeBatchSize,
    batchingWindowSeconds: b.pipeBatchingWindowSeconds,
    maximumRetryAttempts: b.pipeMaximumRetryAttempts,
    maximumRecordAgeSeconds: b.pipeMaximumRecordAgeSeconds,
    consumerMaxReceiveCount: b.consumerMaxReceiveCount,
    tracing: config.tracing,
  });
  const ingest = new IngestApi('ingest', {
    streamName: streamNameForWriters,
    streamArn: stream.streamArn,
    streamKeyArn: stream.keyArn,
    dataKeyArn: dataKey.keyArn,
    code: bundle({ entry: HANDLER_ENTRIES.ingest }),
    throttleRateLimit: config.ingest.throttleRateLimit,
    throttleBurstLimit: config.ingest.throttleBurstLimit,
    memoryMb: config.ingest.memoryMb,
    timeoutSeconds: config.ingest.timeoutSeconds,
    logRetentionDays,
    logLevel: p.logLevel,
    secretRecoveryWindowInDays: disposable ? 0 : 7,
    tracing: config.tracing,
  });
  const r = config.replay;
  const backfill = new ReplayBackfill('backfill', {
    code: bundle({ entry: HANDLER_ENTRIES.replay }),
    bucketName: archive.bucketName,
    bucketArn: archive.bucketArn,
    archivePrefix: ARCHIVE_EVENTS_ROOT,
    dataKeyArn: dataKey.keyArn,
    streamName: streamNameForWriters,
    streamArn: stream.streamArn,
    streamKeyArn: stream.keyArn,
    tableName: processor.tableName,
    tableArn: processor.tableArn,
    busName: bus.busName,
    busArn: bus.busArn,
    sourcePrefix: b.sourcePrefix,
    archiveObjectMiB: config.archive.bufferSizeMiB,
    targetRate: r.backfillTargetRate,
    perInvocationRate: r.backfillPerInvocationRate,
    eventBytes: r.backfillEventBytes,
    ...(r.backfillObjectsPerBatch === undefined ? {} : { objectsPerBatch: r.backfillObjectsPerBatch }),
    projectionTables: r.projectionTables,
    disposable,
    memoryMb: r.backfillMemoryMb,
    timeoutSeconds: r.backfillTimeoutSeconds,
    tracing: config.tracing,
    logRetentionDays,
  });
  const a = config.alarms;
  const observability = new Observability('observability', {
    targets: {
      processorFunctionName: processor.functionName,
      eventSourceMappingUuid: processor.eventSourceMapping.uuid,
      ingestFunctionName: ingest.functionName,
      stalledCheckFunctionName: stalledCheck.fn.functionName,
      streamName: stream.streamName,
      deliveryStreamName: archive.deliveryStreamName,
      deadLetterQueueNames: {
        pipe: bus.pipeDeadLetterQueue.name,
        delivery: bus.deliveryDeadLetterQueue.name,
        consumer: bus.consumerDeadLetterQueue.name,
      },
      metricsNamespace: p.metricsNamespace,
      serviceName: PROCESSOR_SERVICE_NAME,
    },
    apiId: ingest.apiId,
    tableName: processor.tableName,
    region,
    // Only the thresholds: the alarms block also holds notificationEmail, which is no threshold.
    thresholds: {
      iteratorAgeMs: a.iteratorAgeMs,
      dlqDepth: a.dlqDepth,
      errors: a.errors,
      throttles: a.throttles,
      quarantineWrites: a.quarantineWrites,
      stalled: a.stalled,
      firehoseFreshnessSeconds: a.firehoseFreshnessSeconds,
    },
    cadence: {
      processorTimeoutSeconds: p.timeoutSeconds,
      stalledCheckEveryMinutes: stalledCheck.everyMinutes,
    },
    ...(a.notificationEmail === undefined ? {} : { notificationEmail: a.notificationEmail }),
    topicKeyArn: dataKey.keyArn,
  });

  return {
    region,
    streamName: stream.streamName,
    streamArn: stream.streamArn,
    ingestUrl: ingest.url,
    ingestTokenSecretArn: ingest.tokenSecretArn,
    ingestToken: ingest.token,
    tableName: processor.tableName,
    bucketName: archive.bucketName,
    archivePrefix: ARCHIVE_EVENTS_ROOT,
    deadLetterBucketName: processor.deadLetterBucketName,
    quarantinePrefix: processor.quarantinePrefix,
    failedBatchesPrefix: FAILED_BATCHES_ROOT,
    busName: bus.busName,
    busArn: bus.busArn,
    eventSourcePrefix: b.sourcePrefix,
    queues: bus.queueUrls,
    processorFunctionName: processor.functionName,
    deliveryStreamName: archive.deliveryStreamName,
    alarmTopicArn: observability.topicArn,
    dashboardUrl: observability.dashboardUrl,
    backfillStateMachineArn: backfill.stateMachineArn,
  };
}
