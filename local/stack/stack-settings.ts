import type { PipelineConfig } from '../../config/config-schema.js';
import {
  type ProcessorMappingSettings,
  processorMappingSettings,
} from '../../config/event-source-mapping.js';
import { InvalidStackOptionsError } from './errors.js';

/** Fixed ports per service; 0 or absent picks a free one. */
export interface LocalStackPorts {
  readonly kinesis?: number;
  readonly dynamodb?: number;
  readonly s3?: number;
  readonly ingest?: number;
  /** The event bus's EventBridge endpoint (`PutEvents`). */
  readonly eventbridge?: number;
  /** The OTLP/HTTP span receiver (`POST /v1/traces`), when tracing is on. */
  readonly otlp?: number;
}

/** Names of the local resources; persisted in `stack.json` so a restart uses the same ones. */
export interface LocalResourceNames {
  readonly stream: string;
  readonly table: string;
  readonly bucket: string;
  readonly bus: string;
  readonly firehose: string;
  readonly functionName: string;
}

/** Everything the stack runs with, derived once from the Pulumi stack config and the caller's overrides. */
export interface LocalStackSettings {
  readonly region: string;
  readonly shards: number;
  readonly names: LocalResourceNames;
  readonly processor: {
    /** The event source mapping's settings, as the Pulumi program deploys them. */
    readonly mapping: ProcessorMappingSettings;
    readonly maxGapAgeSeconds: number;
    readonly writeConcurrency: number;
    readonly maxWriteAttempts: number;
    readonly maxSnapshotBytes: number;
    readonly maxBufferedEvents: number;
    readonly quarantinePrefix: string;
  };
  readonly archive: {
    readonly prefix: string;
    readonly bufferSizeMiB: number;
    /** Local shortening: Firehose's interval (dev: 60 s) is cut so the archive fills while you watch. */
    readonly bufferIntervalSeconds: number;
  };
  readonly bus: {
    readonly sourcePrefix: string;
    readonly aggregateTypes: readonly string[];
    readonly pipeBatchSize: number;
    readonly pipeMaximumRetryAttempts: number;
    readonly pipeMaximumRecordAgeSeconds: number;
  };
  /** The local span store (docs/local-stack.md "Traces"): on by default, every trace recorded. */
  readonly tracing: LocalTracingSettings;
}

/** Tracing of the local stack: every component's spans into one bounded store under `<dataDir>/traces/`. */
export interface LocalTracingSettings {
  readonly enabled: boolean;
  /** Share of new traces recorded (a trace continued from an envelope follows its sampled flag). */
  readonly samplingRatio: number;
  /** A span file is closed at this size. */
  readonly maxFileBytes: number;
  /** Span files kept; the oldest are removed beyond this. */
  readonly maxFiles: number;
}

/** What `LocalStackOptions.tracing` may set besides on and off. */
export type LocalTracingOptions = Partial<Omit<LocalTracingSettings, 'enabled'>>;

/** Local tracing defaults: on, every trace, 8 files of 16 MiB (docs/tracing.md "Local span store"). */
export const LOCAL_TRACING_DEFAULTS: LocalTracingSettings = {
  enabled: true,
  samplingRatio: 1,
  maxFileBytes: 16 * 1024 * 1024,
  maxFiles: 8,
};

/** The local overrides `resolveLocalStackSettings` accepts. */
export interface LocalStackOverrides {
  readonly shards?: number;
  /** @default 5 (local shortening of `archive.bufferIntervalSeconds`) */
  readonly archiveBufferIntervalSeconds?: number;
  /** `false` records no spans; an object tunes the span store. @default LOCAL_TRACING_DEFAULTS */
  readonly tracing?: boolean | LocalTracingOptions;
}

/** Local shortening of the archive buffer interval, in seconds. */
export const LOCAL_ARCHIVE_INTERVAL_SECONDS = 5;

/**
 * Derives the local stack's settings from the stack config (`Pulumi.dev.yaml`, one source of truth) plus
 * local overrides; pure.
 * @example resolveLocalStackSettings(loadStackConfigFile('dev'), 'dev', { shards: 2 })
 */
export function resolveLocalStackSettings(
  config: PipelineConfig,
  stack: string,
  overrides: LocalStackOverrides = {},
): LocalStackSettings {
  const configured = config.stream.mode === 'provisioned' ? config.stream.shardCount : 1;
  const shards = overrides.shards ?? configured;
  if (!Number.isInteger(shards) || shards < 1 || shards > 50)
    throw new InvalidStackOptionsError(`shards must be an integer from 1 to 50, got ${shards}`);
  const interval = overrides.archiveBufferIntervalSeconds ?? LOCAL_ARCHIVE_INTERVAL_SECONDS;
  if (!(interval >= 0 && interval <= 900))
    throw new InvalidStackOptionsError(`archiveBufferIntervalSeconds must be 0-900, got ${interval}`);
  // Pipes and the Lambda ESM accept -1 (infinite) for these; the local Pipe wants finite numbers.
  const pipeAge = config.bus.pipeMaximumRecordAgeSeconds;
  const pipeRetries = config.bus.pipeMaximumRetryAttempts;
  return {
    region: 'us-east-1',
    shards,
    names: {
      stream: `events-${stack}`,
      table: `aggregates-${stack}`,
      bucket: `archive-${stack}`,
      bus: config.bus.name ?? `ordered-events-${stack}`,
      firehose: `archive-${stack}`,
      functionName: `stream-processor-${stack}`,
    },
    processor: {
      mapping: processorMappingSettings(config.processor),
      maxGapAgeSeconds: config.processor.maxGapAgeSeconds,
      writeConcurrency: config.processor.writeConcurrency,
      maxWriteAttempts: config.processor.maxWriteAttempts,
      maxSnapshotBytes: config.processor.maxSnapshotBytes,
      maxBufferedEvents: config.processor.maxBufferedEvents,
      quarantinePrefix: config.processor.quarantinePrefix,
    },
    archive: {
      prefix: 'events/',
      bufferSizeMiB: config.archive.bufferSizeMiB,
      bufferIntervalSeconds: interval,
    },
    tracing: resolveLocalTracing(overrides.tracing),
    bus: {
      sourcePrefix: config.bus.sourcePrefix,
      aggregateTypes: config.bus.aggregateTypes,
      pipeBatchSize: config.bus.pipeBatchSize,
      pipeMaximumRetryAttempts: pipeRetries === -1 ? 185 : pipeRetries,
      pipeMaximumRecordAgeSeconds: pipeAge === -1 ? 604_800 : pipeAge,
    },
  };
}

/** The tracing settings of `LocalStackOptions.tracing` (pure); throws InvalidStackOptionsError naming a bad value. */
export function resolveLocalTracing(option: boolean | LocalTracingOptions | undefined): LocalTracingSettings {
  if (option === false) return { ...LOCAL_TRACING_DEFAULTS, enabled: false };
  const settings = { ...LOCAL_TRACING_DEFAULTS, ...(typeof option === 'object' ? option : {}) };
  if (!(settings.samplingRatio >= 0 && settings.samplingRatio <= 1))
    throw new InvalidStackOptionsError(
      `tracing.samplingRatio must be within [0, 1], got ${settings.samplingRatio}`,
    );
  if (!(Number.isInteger(settings.maxFileBytes) && settings.maxFileBytes >= 1024))
    throw new InvalidStackOptionsError(
      `tracing.maxFileBytes must be an integer of at least 1024, got ${settings.maxFileBytes}`,
    );
  if (!(Number.isInteger(settings.maxFiles) && settings.maxFiles >= 1))
    throw new InvalidStackOptionsError(
      `tracing.maxFiles must be a positive integer, got ${settings.maxFiles}`,
    );
  return settings;
}
