/**
 * The stream processor: the aggregate table, the dead-letter bucket (quarantine prefix and the event source
 * mapping's S3 on-failure destination), the bundled function and its Kinesis event source mapping.
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { deadLetterLifecycleRules } from '../config/archive-layout.js';
import { PROCESSOR_MAPPING_BEHAVIOUR, PROCESSOR_MAPPING_DEFAULTS } from '../config/event-source-mapping.js';
import { GAP_INDEX_NAME } from '../processors/store/table-definition.js';
import { PROCESSOR_DEFAULTS, type ProcessorEnvironment } from '../processors/stream-processor/config.js';
import { aggregateTableArgs } from './aggregate-table-args.js';
import { checkIntRange, checkPattern } from './arg-checks.js';
import { ComponentArgsError } from './errors.js';
import type { FunctionTracing } from './function-tracing.js';
import type { BundledHandler } from './handler-bundle.js';
import { streamProcessorStatements } from './iam-policies.js';
import { NodeFunction } from './node-function.js';
import { SecureBucket } from './secure-bucket.js';

/** Arguments of {@link StreamProcessor}. */
export interface StreamProcessorArgs {
  readonly streamArn: pulumi.Input<string>;
  readonly streamKeyArn: pulumi.Input<string>;
  /** Read through this enhanced fan-out consumer instead of polling the shared shard throughput. */
  readonly consumerArn?: pulumi.Input<string>;
  /**
   * Where a new or replaced mapping starts. A replacement (a changed source ARN, e.g. a fan-out toggle) deletes the
   * old mapping first, so the new one starts here. @default 'TRIM_HORIZON'
   */
  readonly startingPosition?: 'TRIM_HORIZON' | 'AT_TIMESTAMP';
  /** RFC 3339 instant, with `AT_TIMESTAMP` only. */
  readonly startingPositionTimestamp?: string;
  /** The bundled `processors/stream-processor/handler.ts`. */
  readonly code: BundledHandler;
  /** KMS key of the table and the dead-letter bucket. */
  readonly dataKeyArn: pulumi.Input<string>;
  /** @default 100 */
  readonly batchSize?: pulumi.Input<number>;
  /** @default 1 */
  readonly batchingWindowSeconds?: pulumi.Input<number>;
  /** 1–10. @default 1 */
  readonly parallelizationFactor?: pulumi.Input<number>;
  /** @default 10 */
  readonly maximumRetryAttempts?: pulumi.Input<number>;
  /** @default 86400 */
  readonly maximumRecordAgeSeconds?: pulumi.Input<number>;
  /** @default 300 */
  readonly maxGapAgeSeconds?: pulumi.Input<number>;
  /** @default 16 */
  readonly writeConcurrency?: pulumi.Input<number>;
  /** @default 5 */
  readonly maxWriteAttempts?: pulumi.Input<number>;
  /** Snapshot item size budget in bytes. @default the processor's `MAX_SNAPSHOT_BYTES` */
  readonly maxSnapshotBytes?: pulumi.Input<number>;
  /** @default the processor's `MAX_BUFFERED_EVENTS` */
  readonly maxBufferedEvents?: pulumi.Input<number>;
  /** @default 512 */
  readonly memoryMb?: pulumi.Input<number>;
  /** @default 60 */
  readonly timeoutSeconds?: pulumi.Input<number>;
  /** @default 'INFO' */
  readonly logLevel?: pulumi.Input<string>;
  /** @default 14 */
  readonly logRetentionDays?: pulumi.Input<number>;
  /** The stack's tracing (docs/deploy.md, Tracing); absent, the function's tracing stays off. */
  readonly tracing?: FunctionTracing | undefined;
  /** EMF namespace; alarms read the same one. */
  readonly metricsNamespace: pulumi.Input<string>;
  /** Powertools service name: the `service` dimension of every metric. */
  readonly serviceName: pulumi.Input<string>;
  /** @default 'quarantine/' */
  readonly quarantinePrefix?: pulumi.Input<string>;
  /** @default 30 */
  readonly noncurrentVersionExpirationDays?: number;
  /** Disposable stack: no deletion protection on the table, `forceDestroy` on the bucket. @default false */
  readonly disposable?: boolean;
}

/** The ordered, idempotent projection writer. */
export class StreamProcessor extends pulumi.ComponentResource {
  readonly table: aws.dynamodb.Table;
  readonly deadLetters: SecureBucket;
  readonly fn: NodeFunction;
  readonly eventSourceMapping: aws.lambda.EventSourceMapping;
  readonly tableName: pulumi.Output<string>;
  readonly tableArn: pulumi.Output<string>;
  /** The sparse gap index's ARN (`<tableArn>/index/gaps`), scanned by the stalled check. */
  readonly gapIndexArn: pulumi.Output<string>;
  readonly functionName: pulumi.Output<string>;
  readonly deadLetterBucketName: pulumi.Output<string>;
  readonly quarantinePrefix: pulumi.Output<string>;

  constructor(name: string, args: StreamProcessorArgs, opts?: pulumi.ComponentResourceOptions) {
    super('pipeline:processor:StreamProcessor', name, {}, opts);
    const c = 'StreamProcessor';
    checkIntRange(c, 'batchSize', args.batchSize, 1, 10_000);
    checkIntRange(c, 'batchingWindowSeconds', args.batchingWindowSeconds, 0, 300);
    checkIntRange(c, 'parallelizationFactor', args.parallelizationFactor, 1, 10);
    checkIntRange(c, 'maximumRetryAttempts', args.maximumRetryAttempts, -1, 10_000);
    checkIntRange(c, 'maximumRecordAgeSeconds', args.maximumRecordAgeSeconds, -1, 604_800);
    const startingPosition = args.startingPosition ?? 'TRIM_HORIZON';
    if ((startingPosition === 'AT_TIMESTAMP') !== (args.startingPositionTimestamp !== undefined)) {
      throw new ComponentArgsError(
        c,
        'startingPositionTimestamp',
        'is required with AT_TIMESTAMP, and only then',
      );
    }
    checkPattern(
      c,
      'quarantinePrefix',
      args.quarantinePrefix,
      /^[^/].*\/$/,
      'must be a relative prefix ending in /',
    );
    const parent = { parent: this };

    this.table = new aws.dynamodb.Table(
      `${name}-aggregates`,
      // Keys and the sparse gap index come from processors/store/table-definition.ts.
      aggregateTableArgs({ kmsKeyArn: args.dataKeyArn, disposable: args.disposable ?? false }),
      parent,
    );
    this.deadLetters = new SecureBucket(
      `${name}-dead-letters`,
      {
        kmsKeyArn: args.dataKeyArn,
        lifecycleRules: deadLetterLifecycleRules(args.noncurrentVersionExpirationDays ?? 30),
        forceDestroy: args.disposable ?? false,
      },
      parent,
    );
    const quarantinePrefix = pulumi.output(args.quarantinePrefix ?? PROCESSOR_DEFAULTS.quarantinePrefix);
    // Written through the processor's config contract (processors/stream-processor/config.ts): a misspelt or
    // missing variable is a type error; defaults come from that schema.
    const numberVariable = (value: pulumi.Input<number> | undefined, fallback: number) =>
      pulumi.output(value ?? fallback).apply(String);
    const variables: ProcessorEnvironment<pulumi.Input<string>> = {
      TABLE_NAME: this.table.name,
      QUARANTINE_BUCKET: this.deadLetters.bucketName,
      QUARANTINE_PREFIX: quarantinePrefix,
      MAX_GAP_AGE_SECONDS: numberVariable(args.maxGapAgeSeconds, PROCESSOR_DEFAULTS.maxGapAgeSeconds),
      WRITE_CONCURRENCY: numberVariable(args.writeConcurrency, PROCESSOR_DEFAULTS.writeConcurrency),
      MAX_WRITE_ATTEMPTS: numberVariable(args.maxWriteAttempts, PROCESSOR_DEFAULTS.maxWriteAttempts),
      MAX_SNAPSHOT_BYTES: numberVariable(args.maxSnapshotBytes, PROCESSOR_DEFAULTS.maxSnapshotBytes),
      MAX_BUFFERED_EVENTS: numberVariable(args.maxBufferedEvents, PROCESSOR_DEFAULTS.maxBufferedEvents),
      PROCESSOR_VERSION: args.code.sha256.slice(0, 12),
    };
    this.fn = new NodeFunction(
      name,
      {
        description: 'Applies each aggregate’s events exactly once, in sequence order',
        code: args.code,
        memoryMb: args.memoryMb ?? 512,
        timeoutSeconds: args.timeoutSeconds ?? 60,
        logRetentionDays: args.logRetentionDays,
        tracing: args.tracing,
        policyStatements: pulumi
          .all([
            args.streamArn,
            args.streamKeyArn,
            args.consumerArn,
            this.table.arn,
            this.deadLetters.bucketArn,
            args.dataKeyArn,
          ])
          .apply(([streamArn, streamKeyArn, consumerArn, tableArn, deadLetterBucketArn, dataKeyArn]) =>
            streamProcessorStatements({
              streamArn,
              streamKeyArn,
              ...(consumerArn === undefined ? {} : { consumerArn }),
              tableArn,
              deadLetterBucketArn,
              dataKeyArn,
            }),
          ),
        environment: variables,
        powertools: {
          serviceName: args.serviceName,
          metricsNamespace: args.metricsNamespace,
          logLevel: args.logLevel,
        },
      },
      { parent: this, dependsOn: this.deadLetters.ready },
    );
    this.eventSourceMapping = new aws.lambda.EventSourceMapping(
      `${name}-source`,
      {
        eventSourceArn: args.consumerArn ?? args.streamArn,
        functionName: this.fn.functionArn,
        // TRIM_HORIZON: a new stack processes everything already on the stream; a replacement re-reads the
        // retention and skips what it applied (processors/engine/decide.ts). AT_TIMESTAMP: docs/deploy.md.
        startingPosition,
        ...(args.startingPositionTimestamp === undefined
          ? {}
          : { startingPositionTimestamp: args.startingPositionTimestamp }),
        batchSize: args.batchSize ?? PROCESSOR_MAPPING_DEFAULTS.batchSize,
        maximumBatchingWindowInSeconds:
          args.batchingWindowSeconds ?? PROCESSOR_MAPPING_DEFAULTS.maximumBatchingWindowInSeconds,
        parallelizationFactor: args.parallelizationFactor ?? PROCESSOR_MAPPING_DEFAULTS.parallelizationFactor,
        // The same behaviour as the local stack's emulated mapping (config/event-source-mapping.ts).
        functionResponseTypes: [...PROCESSOR_MAPPING_BEHAVIOUR.functionResponseTypes],
        bisectBatchOnFunctionError: PROCESSOR_MAPPING_BEHAVIOUR.bisectBatchOnFunctionError,
        maximumRetryAttempts: args.maximumRetryAttempts ?? PROCESSOR_MAPPING_DEFAULTS.maximumRetryAttempts,
        maximumRecordAgeInSeconds:
          args.maximumRecordAgeSeconds ?? PROCESSOR_MAPPING_DEFAULTS.maximumRecordAgeInSeconds,
        // S3 keeps the whole discarded batch (SQS/SNS would keep only its metadata), so it can be replayed.
        destinationConfig: { onFailure: { destinationArn: this.deadLetters.bucketArn } },
        // Records discarded to the destination (or dropped) are neither Lambda Errors nor visible otherwise: the
        // mapping publishes OnFailureDestinationDeliveredEventCount and DroppedEventCount only with EventCount on.
        // https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html#event-source-mapping-metrics
        metricsConfig: { metrics: ['EventCount'] },
      },
      {
        parent: this,
        dependsOn: [this.fn.rolePolicy],
        // A changed source ARN (enhanced fan-out on or off) or starting position replaces the mapping. Pulumi's
        // default creates the new one first: two mappings would feed the same keys to the processor at once.
        // https://www.pulumi.com/docs/iac/concepts/options/deletebeforereplace/
        deleteBeforeReplace: true,
      },
    );
    this.tableName = this.table.name;
    this.tableArn = this.table.arn;
    this.gapIndexArn = pulumi.interpolate`${this.table.arn}/index/${GAP_INDEX_NAME}`;
    this.functionName = this.fn.functionName;
    this.deadLetterBucketName = this.deadLetters.bucketName;
    this.quarantinePrefix = quarantinePrefix;
    this.registerOutputs({
      tableName: this.tableName,
      tableArn: this.tableArn,
      functionName: this.functionName,
      deadLetterBucketName: this.deadLetterBucketName,
      quarantinePrefix: this.quarantinePrefix,
    });
  }
}
