/**
 * The stack configuration's schema: one zod schema with every default, shared by the Pulumi program
 * (through `pulumi.Config`) and the embedded local stack (through `Pulumi.<stack>.yaml`).
 *
 * Pure: no `@pulumi/*` import, so the local stack can load it without the Pulumi runtime.
 */
import { z } from 'zod';
import { MAX_SOURCE_PREFIX_LENGTH, SOURCE_PREFIX_PATTERN } from '../processors/bus-bridge/bridged-event.js';
import { PROCESSOR_DEFAULTS } from '../processors/stream-processor/config.js';
import { PipelineConfigError } from './errors.js';

/** The Pulumi project name; config keys in `Pulumi.<stack>.yaml` are namespaced with it. */
export const CONFIG_NAMESPACE = 'ordered-event-pipeline';

/** The retention periods CloudWatch Logs accepts (PutRetentionPolicy rejects any other value). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** `pulumi config set` without `--path` stores strings; accept `"100"` and `"true"` where a number or boolean is due. */
function fromConfigString(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (/^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (value === 'true' || value === 'false') return value === 'true';
  return value;
}

/** An integer config value in `[min, max]`. */
function int(min: number, max = Number.MAX_SAFE_INTEGER) {
  return z.preprocess(fromConfigString, z.int().min(min).max(max));
}

/** A boolean config value. */
function bool() {
  return z.preprocess(fromConfigString, z.boolean());
}

/** Lambda and Pipes accept -1 (never expire) or 60 s … 7 days for a stream record's maximum age. */
const recordAgeSeconds = z.preprocess(
  fromConfigString,
  z
    .int()
    .refine((v) => v === -1 || (v >= 60 && v <= 604_800), 'must be -1 (no limit) or between 60 and 604800'),
);

const nonNegativeInt = int(0);

const streamSchema = z
  .strictObject({
    /** @default 'on-demand' */
    mode: z.enum(['on-demand', 'provisioned']).default('on-demand'),
    /** Required when `mode` is `provisioned`; rejected otherwise. */
    shardCount: int(1, 500).optional(),
    /** @default 24 */
    retentionHours: int(24, 8760).default(24),
  })
  .prefault({})
  .superRefine((s, ctx) => {
    if (s.mode === 'provisioned' && s.shardCount === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['shardCount'],
        message: 'is required when stream.mode is provisioned',
      });
    }
    if (s.mode === 'on-demand' && s.shardCount !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['shardCount'],
        message: 'must not be set when stream.mode is on-demand',
      });
    }
  });

const processorSchema = z
  .strictObject({
    /** Records per invocation. @default 100 */
    batchSize: int(1, 10_000).default(100),
    /** @default 1 */
    batchingWindowSeconds: int(0, 300).default(1),
    /** Concurrent batches per shard; Lambda keeps each partition key in order within a shard. @default 1 */
    parallelizationFactor: int(1, 10).default(1),
    /** -1 retries until the record expires. @default 10 */
    maximumRetryAttempts: int(-1, 10_000).default(10),
    /** @default 86400 */
    maximumRecordAgeSeconds: recordAgeSeconds.default(86_400),
    /** A gap older than this marks the aggregate stalled. Default: the processor's `MAX_GAP_AGE_SECONDS` (300). */
    maxGapAgeSeconds: int(1, 604_800).default(PROCESSOR_DEFAULTS.maxGapAgeSeconds),
    /**
     * Read through a dedicated enhanced fan-out consumer (2 MB/s per shard of its own). Toggling it replaces the
     * event source mapping (delete, then create) at `startingPosition`. @default false
     */
    enhancedFanOut: bool().default(false),
    /**
     * Where a new (or replaced) event source mapping starts reading. `TRIM_HORIZON` re-reads the stream's whole
     * retention: safe (applied events are skipped as duplicates) but costly on a long retention. `AT_TIMESTAMP`
     * starts at `startingPositionTimestamp` (docs/deploy.md, Replacing the event source mapping). `LATEST` is not
     * offered: records written while the mapping is replaced would never be applied. @default 'TRIM_HORIZON'
     */
    startingPosition: z
      .enum(['TRIM_HORIZON', 'AT_TIMESTAMP'], {
        error: (issue) =>
          issue.input === 'LATEST'
            ? 'LATEST is not allowed: records written while the mapping is created or replaced would be skipped; use AT_TIMESTAMP'
            : 'must be TRIM_HORIZON or AT_TIMESTAMP',
      })
      .default('TRIM_HORIZON'),
    /** With `AT_TIMESTAMP` only: an ISO-8601 UTC instant (…Z) in the past. */
    startingPositionTimestamp: z.iso
      .datetime({ offset: false, message: 'must be an ISO-8601 UTC timestamp (…Z)' })
      .optional(),
    /** Default: the processor's `WRITE_CONCURRENCY` (16). */
    writeConcurrency: int(1, 64).default(PROCESSOR_DEFAULTS.writeConcurrency),
    /** Default: the processor's `MAX_WRITE_ATTEMPTS` (5). */
    maxWriteAttempts: int(1, 20).default(PROCESSOR_DEFAULTS.maxWriteAttempts),
    /**
     * Size budget of an aggregate's snapshot item, in bytes as DynamoDB counts them; at most 409,600 (the 400 KB item
     * limit). Default: the processor's `MAX_SNAPSHOT_BYTES`. README "Limits of an aggregate".
     */
    maxSnapshotBytes: int(1_024, 409_600).default(PROCESSOR_DEFAULTS.maxSnapshotBytes),
    /** Events one aggregate may buffer behind a gap. Default: the processor's `MAX_BUFFERED_EVENTS`. */
    maxBufferedEvents: int(1, 100_000).default(PROCESSOR_DEFAULTS.maxBufferedEvents),
    /** @default 512 */
    memoryMb: int(128, 10_240).default(512),
    /** @default 60 */
    timeoutSeconds: int(1, 900).default(60),
    /** @default 'INFO' */
    logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']).default('INFO'),
    /** CloudWatch namespace of the processor's EMF metrics. @default 'OrderedEventPipeline' */
    metricsNamespace: z
      .string()
      .regex(/^[A-Za-z0-9./#:_-]{1,255}$/, 'must be 1–255 of A-Z a-z 0-9 . / # : _ -')
      .refine((v) => !v.startsWith('AWS/'), 'must not start with AWS/')
      .default('OrderedEventPipeline'),
    /** Key prefix of quarantined (poison and conflicting) records. Default: the processor's `QUARANTINE_PREFIX`. */
    quarantinePrefix: z
      .string()
      .regex(/^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*\/$/, 'must be a relative S3 prefix ending in /')
      .default(PROCESSOR_DEFAULTS.quarantinePrefix),
  })
  .prefault({})
  .superRefine((p, ctx) => {
    if (p.startingPosition === 'AT_TIMESTAMP' && p.startingPositionTimestamp === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['startingPositionTimestamp'],
        message: 'is required when processor.startingPosition is AT_TIMESTAMP',
      });
    }
    if (p.startingPosition !== 'AT_TIMESTAMP' && p.startingPositionTimestamp !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['startingPositionTimestamp'],
        message: 'must not be set unless processor.startingPosition is AT_TIMESTAMP',
      });
    }
  });

const logsSchema = z
  .strictObject({
    /** @default 14 */
    retentionDays: z
      .preprocess(
        fromConfigString,
        z
          .int()
          .refine(
            (v) => (LOG_RETENTION_DAYS as readonly number[]).includes(v),
            `must be one of ${LOG_RETENTION_DAYS.join(', ')}`,
          ),
      )
      .default(14),
  })
  .prefault({});

/** A key that no longer exists: named with what replaced it, rather than "not a known config key". */
function removedKey(replacement: string) {
  return z
    .unknown()
    .refine((v) => v === undefined, `was removed: ${replacement}`)
    .optional();
}

/**
 * Alarm thresholds. How each alarm is evaluated (statistic, period, M of N, missing data) follows what its metric is
 * (pulumi/alarm-specs.ts), not config: a shared period and datapoint count cannot suit a per-minute error count, a
 * lag and a metric published every 5 minutes at once.
 */
const alarmsSchema = z
  .strictObject({
    /** Alarm when the processor's (or a polling reader's) iterator age exceeds this. @default 60000 */
    iteratorAgeMs: int(1_000).default(60_000),
    /** Alarm when any dead-letter queue holds more messages than this. @default 0 */
    dlqDepth: nonNegativeInt.default(0),
    /** Lambda errors in a minute above which to alarm. @default 0 */
    errors: nonNegativeInt.default(0),
    /** Lambda throttles in a minute above which to alarm. @default 0 */
    throttles: nonNegativeInt.default(0),
    /** Quarantine writes in a minute above which to alarm. @default 0 */
    quarantineWrites: nonNegativeInt.default(0),
    /** Stalled aggregates (as the scheduled check counts them) above which to alarm. @default 0 */
    stalled: nonNegativeInt.default(0),
    /** Alarm when the archive's oldest undelivered record is older than this. @default 900 */
    firehoseFreshnessSeconds: int(60, 86_400).default(900),
    periodSeconds: removedKey('each alarm’s period follows its metric (README, Alarms)'),
    evaluationPeriods: removedKey('each alarm’s datapoints to alarm follow its metric (README, Alarms)'),
    /** Subscribed to the alarm topic when set (the address must confirm the subscription). */
    notificationEmail: z.email().optional(),
  })
  .prefault({});

const archiveSchema = z
  .strictObject({
    /** Firehose buffer size. @default 64 */
    bufferSizeMiB: int(1, 128).default(64),
    /** Firehose buffer interval. @default 300 */
    bufferIntervalSeconds: int(0, 900).default(300),
    /** S3 requires at least 30 days before STANDARD_IA. @default 30 */
    infrequentAccessAfterDays: int(30).default(30),
    /** @default 90 */
    glacierAfterDays: int(60).default(90),
    /** Delivery-error objects expire after this. @default 30 */
    errorExpirationDays: int(1).default(30),
    /** @default 30 */
    noncurrentVersionExpirationDays: int(1).default(30),
    /** Let `pulumi destroy` delete non-empty buckets (dev only). @default false */
    forceDestroy: bool().default(false),
  })
  .prefault({})
  .superRefine((a, ctx) => {
    if (a.glacierAfterDays < a.infrequentAccessAfterDays + 30) {
      ctx.addIssue({
        code: 'custom',
        path: ['glacierAfterDays'],
        message:
          'must be at least archive.infrequentAccessAfterDays + 30 (S3 keeps objects 30 days in STANDARD_IA)',
      });
    }
  });

/**
 * Most aggregate types the bridge's filter can name: 50 of the longest (64 characters) keep the Pipe's filter
 * pattern under its 4096-character limit (https://docs.aws.amazon.com/eventbridge/latest/pipes-reference/API_Filter.html).
 */
export const MAX_BRIDGED_AGGREGATE_TYPES = 50;

const busSchema = z
  .strictObject({
    /** Event bus name; defaults to `ordered-events-<stack>`. */
    name: z
      .string()
      .regex(/^[A-Za-z0-9._/-]{1,256}$/, 'must be 1–256 of A-Z a-z 0-9 . _ / -')
      .refine(
        (v) => v !== 'default',
        'must not be "default" (the account bus has no archive of its own here)',
      )
      .optional(),
    /**
     * Events carry `source = <sourcePrefix>.<aggregateType>`. At most 64 characters: the envelope size limit
     * reserves that much of each PutEvents entry for it. @default 'pipeline'
     */
    sourcePrefix: z
      .string()
      .max(MAX_SOURCE_PREFIX_LENGTH)
      .regex(SOURCE_PREFIX_PATTERN, 'must be dotted lower-case words')
      .refine((v) => !v.startsWith('aws'), 'must not start with "aws" (reserved by EventBridge)')
      .default('pipeline'),
    /**
     * Aggregate types bridged onto the bus (the one Pipe's filter; an example rule each). One Pipe reads the
     * stream for all of them, so the count costs no shard reads; it is bounded by the filter pattern's 4096
     * characters. @default ['order']
     */
    aggregateTypes: z
      .array(z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be an aggregate type ([A-Za-z0-9._-], ≤ 64)'))
      .min(1)
      .max(MAX_BRIDGED_AGGREGATE_TYPES)
      .refine((types) => new Set(types).size === types.length, 'must not repeat an aggregate type')
      .default(['order']),
    /** Bus archive retention; 0 keeps events forever. @default 30 */
    archiveRetentionDays: nonNegativeInt.default(30),
    /** An event bus target takes at most 10 entries per PutEvents. @default 10 */
    pipeBatchSize: int(1, 10).default(10),
    /** @default 1 */
    pipeBatchingWindowSeconds: int(0, 300).default(1),
    /** @default 10 */
    pipeMaximumRetryAttempts: int(-1, 10_000).default(10),
    /** @default 86400 */
    pipeMaximumRecordAgeSeconds: recordAgeSeconds.default(86_400),
    /** Receives before the example consumer's queue moves a message to its DLQ. @default 5 */
    consumerMaxReceiveCount: int(1, 1000).default(5),
  })
  .prefault({});

const ingestSchema = z
  .strictObject({
    /** Steady-state requests per second across the API. @default 100 */
    throttleRateLimit: z.preprocess(fromConfigString, z.number().positive().max(10_000)).default(100),
    /** @default 200 */
    throttleBurstLimit: int(1, 5_000).default(200),
    /** @default 256 */
    memoryMb: int(128, 10_240).default(256),
    /** HTTP APIs give up after 30 s, so the function must finish first. @default 10 */
    timeoutSeconds: int(1, 29).default(10),
  })
  .prefault({});

const replaySchema = z
  .strictObject({
    /** Events/s a distributed backfill may write in total; sets the Distributed Map's MaxConcurrency. @default 1000 */
    backfillTargetRate: int(1, 1_000_000).default(1000),
    /** Events/s one replay Lambda invocation sends at. @default 500 */
    backfillPerInvocationRate: int(1, 100_000).default(500),
    /** The replay Lambda's timeout; batches are sized to finish within 80 % of it. @default 900 */
    backfillTimeoutSeconds: int(60, 900).default(900),
    /** @default 1024 */
    backfillMemoryMb: int(128, 10_240).default(1024),
    /**
     * Smallest average archived envelope (bytes) the batch sizing assumes: fewer bytes per event mean more events per
     * archive object. `npm run bench -- replay` averages 297 B. @default 256
     */
    backfillEventBytes: int(64, 262_144).default(256),
    /** Upper bound of archive objects per Lambda invocation; by default as many as fit (time, /tmp, payload). */
    backfillObjectsPerBatch: int(1, 500).optional(),
    /**
     * Separate projection tables a distributed backfill may rebuild (`--target projection --table <name>
     * --distributed`): the stack creates each (same key schema and data key as the live table) and grants the replay
     * Lambda exactly these and the live table. @default []
     */
    projectionTables: z
      // DynamoDB table names: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html
      .array(
        z
          .string()
          .regex(/^[A-Za-z0-9_.-]{3,255}$/, 'must be a DynamoDB table name (3–255 of A-Z a-z 0-9 _ . -)'),
      )
      .max(10)
      .refine((names) => new Set(names).size === names.length, 'must not repeat a table')
      .default([]),
  })
  .prefault({});

/**
 * Default share of new traces recorded: the rate of X-Ray's own default sampling rule (5 % beyond its reservoir,
 * https://docs.aws.amazon.com/xray/latest/devguide/xray-console-sampling.html). docs/deploy.md "Tracing" gives the
 * cost per million events at this ratio and at 1.
 */
export const DEFAULT_TRACE_SAMPLING_RATIO = 0.05;

const tracingSchema = z
  .strictObject({
    /** Export spans from every Lambda to X-Ray's OTLP endpoint (docs/deploy.md, Tracing). @default false */
    enabled: bool().default(false),
    /**
     * Share of new traces recorded, 0–1; a trace continued from an envelope follows its sampled flag.
     * @default 0.05
     */
    samplingRatio: z
      .preprocess(fromConfigString, z.number().min(0).max(1))
      .default(DEFAULT_TRACE_SAMPLING_RATIO),
  })
  .prefault({});

/** The schema of every `ordered-event-pipeline:*` config key (keys without the namespace). */
export const pipelineConfigSchema = z
  .strictObject({
    stream: streamSchema,
    processor: processorSchema,
    logs: logsSchema,
    alarms: alarmsSchema,
    archive: archiveSchema,
    bus: busSchema,
    ingest: ingestSchema,
    replay: replaySchema,
    tracing: tracingSchema,
  })
  .superRefine((c, ctx) => {
    const retentionSeconds = c.stream.retentionHours * 3600;
    if (c.processor.maximumRecordAgeSeconds > retentionSeconds) {
      ctx.addIssue({
        code: 'custom',
        path: ['processor', 'maximumRecordAgeSeconds'],
        message: `must not exceed stream.retentionHours (${retentionSeconds} s)`,
      });
    }
    if (c.alarms.firehoseFreshnessSeconds <= c.archive.bufferIntervalSeconds) {
      ctx.addIssue({
        code: 'custom',
        path: ['alarms', 'firehoseFreshnessSeconds'],
        message: `must exceed archive.bufferIntervalSeconds (${c.archive.bufferIntervalSeconds}) or the alarm always fires`,
      });
    }
  });

type ParsedConfig = z.output<typeof pipelineConfigSchema>;

/** Stream capacity: on-demand, or provisioned with a fixed shard count. */
export type StreamCapacity =
  | { readonly mode: 'on-demand' }
  | { readonly mode: 'provisioned'; readonly shardCount: number };

/** The stream's resolved config. */
export type StreamConfig = StreamCapacity & { readonly retentionHours: number };

/** A stack's fully resolved configuration: every default applied, every cross-key rule checked. */
export interface PipelineConfig {
  readonly stream: StreamConfig;
  readonly processor: Readonly<ParsedConfig['processor']>;
  readonly logs: Readonly<ParsedConfig['logs']>;
  readonly alarms: Readonly<Omit<ParsedConfig['alarms'], 'periodSeconds' | 'evaluationPeriods'>>;
  readonly archive: Readonly<ParsedConfig['archive']>;
  readonly bus: Readonly<Omit<ParsedConfig['bus'], 'aggregateTypes'>> & {
    readonly aggregateTypes: readonly string[];
  };
  readonly ingest: Readonly<ParsedConfig['ingest']>;
  readonly replay: Readonly<ParsedConfig['replay']>;
  readonly tracing: Readonly<ParsedConfig['tracing']>;
}

/** Formats a zod issue path as the dotted config key, e.g. `ordered-event-pipeline:processor.batchSize`. */
function configKey(path: readonly PropertyKey[]): string {
  const dotted = path.map(String).join('.');
  return dotted === '' ? CONFIG_NAMESPACE : `${CONFIG_NAMESPACE}:${dotted}`;
}

/**
 * Parses raw config values (keys without the `ordered-event-pipeline:` namespace, values already
 * JSON-decoded) into a {@link PipelineConfig}, applying every default.
 *
 * @throws PipelineConfigError naming the first invalid key (and listing the others).
 * @example
 * const config = parsePipelineConfig({ stream: { mode: 'provisioned', shardCount: 2 } });
 * config.processor.batchSize; // 100
 */
export function parsePipelineConfig(raw: Record<string, unknown>): PipelineConfig {
  const result = pipelineConfigSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.flatMap((issue) => {
      // An unknown key is reported on its parent object; name the key itself.
      if (issue.code === 'unrecognized_keys') {
        return issue.keys.map((k) => ({
          key: configKey([...issue.path, k]),
          message: k.includes('.')
            ? 'is not a known config key (set nested keys with `pulumi config set --path`)'
            : 'is not a known config key',
        }));
      }
      return [{ key: configKey(issue.path), message: issue.message }];
    });
    const [first, ...rest] = problems;
    if (first === undefined) throw new PipelineConfigError(CONFIG_NAMESPACE, 'invalid configuration');
    const more =
      rest.length === 0 ? '' : ` (also: ${rest.map((p) => `"${p.key}": ${p.message}`).join('; ')})`;
    throw new PipelineConfigError(first.key, `${first.message}${more}`, { cause: result.error });
  }
  const c = result.data;
  const stream: StreamConfig =
    c.stream.mode === 'provisioned'
      ? { mode: 'provisioned', shardCount: c.stream.shardCount ?? 1, retentionHours: c.stream.retentionHours }
      : { mode: 'on-demand', retentionHours: c.stream.retentionHours };
  return { ...c, stream };
}

/**
 * Strips the project namespace from fully qualified config keys (`ordered-event-pipeline:stream` → `stream`)
 * and drops other namespaces (`aws:region`), so the result can go to {@link parsePipelineConfig}.
 */
export function projectConfigValues(qualified: Record<string, unknown>): Record<string, unknown> {
  const prefix = `${CONFIG_NAMESPACE}:`;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(qualified)) {
    if (key.startsWith(prefix)) out[key.slice(prefix.length)] = value;
  }
  return out;
}
