import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import type { CheckpointStore } from '../kinesis/checkpoint-store.js';
import { StartingPosition } from '../kinesis/starting-position.js';
import { InvalidEventSourceMappingOptionsError } from './errors.js';
import type { OnFailureDestination } from './on-failure-destination.js';

/** A function with the Lambda signature for Kinesis events, as `aws-lambda`'s KinesisStreamHandler. */
export type KinesisStreamFunction = (
  event: KinesisStreamEvent,
  context: Context,
  // biome-ignore lint/suspicious/noConfusingVoidType: the aws-lambda handler return type, so real handlers type-check.
) => Promise<KinesisStreamBatchResponse | void>;

/** Options of the emulated Kinesis event source mapping; names and defaults follow CreateEventSourceMapping. */
export interface KinesisEventSourceMappingOptions {
  readonly client: KinesisClient;
  readonly streamName: string;
  /** @default `arn:aws:kinesis:<region>:<accountId>:stream/<streamName>` */
  readonly streamArn?: string;
  /** The function invoked with each batch. */
  readonly handler: KinesisStreamFunction;
  /** @default 'stream-processor' */
  readonly functionName?: string;
  /** Data directory: checkpoints and the default on-failure file live under it. */
  readonly dataDir: string;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** @default '000000000000' (kinesalite's account) */
  readonly accountId?: string;
  /** 1–10,000. @default 100 */
  readonly batchSize?: number;
  /** 0–300. @default 0 */
  readonly maximumBatchingWindowInSeconds?: number;
  /** @default 'TRIM_HORIZON' (Lambda requires one; this is the local stack's choice) */
  readonly startingPosition?: StartingPosition;
  /** Required with AT_TIMESTAMP. */
  readonly startingPositionTimestamp?: Date;
  /** `['ReportBatchItemFailures']` enables partial batch responses. @default [] */
  readonly functionResponseTypes?: readonly 'ReportBatchItemFailures'[];
  /** @default false */
  readonly bisectBatchOnFunctionError?: boolean;
  /** -1 (infinite) or 0–10,000. @default -1 */
  readonly maximumRetryAttempts?: number;
  /**
   * -1 (infinite) or a positive age. AWS accepts 60–604,800; shorter ages are allowed here so tests and
   * demos need not wait a minute. @default -1
   */
  readonly maximumRecordAgeInSeconds?: number;
  /** Only 1 is emulated: one batch in flight per shard. @default 1 */
  readonly parallelizationFactor?: 1;
  /**
   * Where discarded batches go; `false` discards them silently as Lambda does without a destination.
   * @default an NDJSON file `<dataDir>/lambda/<functionName>/on-failure.ndjson`
   */
  readonly onFailureDestination?: OnFailureDestination | false;
  /** Checkpoint consumer name. @default `lambda-<functionName>` */
  readonly consumerName?: string;
  /** Replaces the file checkpoint store (e.g. an in-memory one). */
  readonly checkpoints?: CheckpointStore;
  /** Pause between GetRecords calls on a caught-up shard. @default 250 */
  readonly pollIntervalMs?: number;
  /** First retry delay, doubled per retry up to `maxRetryDelayMs`. @default 200 */
  readonly retryDelayMs?: number;
  /** @default 5000 */
  readonly maxRetryDelayMs?: number;
  /** @default 5000 */
  readonly shardDiscoveryIntervalMs?: number;
  /** Only shown to the function through `context.getRemainingTimeInMillis()`. @default 60 */
  readonly timeoutSeconds?: number;
  /** @default 1024 */
  readonly memoryLimitInMB?: number;
  /** Told about function errors, destination failures and read errors. @default ignore */
  readonly onError?: (error: unknown, shardId: string | undefined) => void;
}

/** Options with every default applied. */
export interface ResolvedEventSourceMappingOptions {
  readonly client: KinesisClient;
  readonly streamName: string;
  readonly streamArn: string;
  readonly handler: KinesisStreamFunction;
  readonly functionName: string;
  readonly functionArn: string;
  readonly invokeIdentityArn: string;
  readonly dataDir: string;
  readonly region: string;
  readonly batchSize: number;
  readonly batchingWindowMs: number;
  readonly startingPosition: StartingPosition;
  readonly startingPositionTimestamp: Date | undefined;
  readonly reportBatchItemFailures: boolean;
  readonly bisectBatchOnFunctionError: boolean;
  readonly maximumRetryAttempts: number;
  readonly maximumRecordAgeMs: number;
  readonly onFailureDestination: OnFailureDestination | false | undefined;
  readonly consumerName: string;
  readonly checkpoints: CheckpointStore | undefined;
  readonly pollIntervalMs: number;
  readonly retryDelayMs: number;
  readonly maxRetryDelayMs: number;
  readonly shardDiscoveryIntervalMs: number;
  readonly timeoutMs: number;
  readonly memoryLimitInMB: number;
  readonly onError: (error: unknown, shardId: string | undefined) => void;
}

/** Applies defaults once and rejects values Lambda would reject, naming the option. */
export function resolveEventSourceMappingOptions(
  options: KinesisEventSourceMappingOptions,
): ResolvedEventSourceMappingOptions {
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '000000000000';
  const functionName = options.functionName ?? 'stream-processor';
  const batchSize = options.batchSize ?? 100;
  const window = options.maximumBatchingWindowInSeconds ?? 0;
  const retries = options.maximumRetryAttempts ?? -1;
  const age = options.maximumRecordAgeInSeconds ?? -1;
  const startingPosition = options.startingPosition ?? StartingPosition.TRIM_HORIZON;
  const fail = (message: string) => {
    throw new InvalidEventSourceMappingOptionsError(message);
  };
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000)
    fail(`batchSize must be an integer from 1 to 10000, got ${batchSize}`);
  if (!(window >= 0 && window <= 300)) fail(`maximumBatchingWindowInSeconds must be 0-300, got ${window}`);
  if (!Number.isInteger(retries) || retries < -1 || retries > 10_000)
    fail(`maximumRetryAttempts must be -1 or an integer from 0 to 10000, got ${retries}`);
  if (!(age === -1 || (age > 0 && age <= 604_800)))
    fail(`maximumRecordAgeInSeconds must be -1 or in (0, 604800], got ${age}`);
  if ((options.parallelizationFactor ?? 1) !== 1)
    fail('parallelizationFactor: only 1 is emulated (one batch in flight per shard)');
  if (startingPosition === 'AT_TIMESTAMP' && options.startingPositionTimestamp === undefined)
    fail('startingPosition AT_TIMESTAMP needs startingPositionTimestamp');
  const unknownTypes = (options.functionResponseTypes ?? []).filter(
    (type) => type !== 'ReportBatchItemFailures',
  );
  if (unknownTypes.length > 0) fail(`functionResponseTypes: unknown ${unknownTypes.join(', ')}`);
  return {
    client: options.client,
    streamName: options.streamName,
    streamArn: options.streamArn ?? `arn:aws:kinesis:${region}:${accountId}:stream/${options.streamName}`,
    handler: options.handler,
    functionName,
    functionArn: `arn:aws:lambda:${region}:${accountId}:function:${functionName}`,
    invokeIdentityArn: `arn:aws:iam::${accountId}:role/${functionName}-role`,
    dataDir: options.dataDir,
    region,
    batchSize,
    batchingWindowMs: window * 1000,
    startingPosition,
    startingPositionTimestamp: options.startingPositionTimestamp,
    reportBatchItemFailures: (options.functionResponseTypes ?? []).includes('ReportBatchItemFailures'),
    bisectBatchOnFunctionError: options.bisectBatchOnFunctionError ?? false,
    maximumRetryAttempts: retries,
    maximumRecordAgeMs: age === -1 ? -1 : age * 1000,
    onFailureDestination: options.onFailureDestination,
    consumerName: options.consumerName ?? `lambda-${functionName}`,
    checkpoints: options.checkpoints,
    pollIntervalMs: options.pollIntervalMs ?? 250,
    retryDelayMs: options.retryDelayMs ?? 200,
    maxRetryDelayMs: options.maxRetryDelayMs ?? 5000,
    shardDiscoveryIntervalMs: options.shardDiscoveryIntervalMs ?? 5000,
    timeoutMs: (options.timeoutSeconds ?? 60) * 1000,
    memoryLimitInMB: options.memoryLimitInMB ?? 1024,
    onError: options.onError ?? (() => {}),
  };
}
