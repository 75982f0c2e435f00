import { z } from 'zod';
import { ENGINE_DEFAULTS } from '../engine/options.js';
import {
  type EnvironmentInput,
  type EnvironmentVariables,
  parseEnvironment,
  positiveIntVariable,
} from '../lambda-config/index.js';
import { tracingEnvironmentShape } from '../tracing/tracing-environment.js';

/**
 * The stream processor's config contract: its environment variables with their defaults, checked at cold start.
 * The stack config (config/config-schema.ts) and the README take their defaults from here.
 */
export const processorConfigSchema = z.object({
  /** The aggregate table. */
  TABLE_NAME: z.string().min(1),
  /** The dead-letter bucket quarantined records go to. */
  QUARANTINE_BUCKET: z.string().min(1),
  QUARANTINE_PREFIX: z.string().default('quarantine/'),
  /** A gap older than this marks the aggregate stalled (the deployed stacks' value since the start). */
  MAX_GAP_AGE_SECONDS: positiveIntVariable(ENGINE_DEFAULTS.maxGapAgeMs / 1000),
  RECENT_WINDOW: positiveIntVariable(ENGINE_DEFAULTS.recentWindow),
  /** Size budget of an aggregate's snapshot item, in bytes as DynamoDB counts them (at most 409600, the 400 KB limit). */
  MAX_SNAPSHOT_BYTES: positiveIntVariable(ENGINE_DEFAULTS.maxSnapshotBytes),
  /** Events one aggregate may buffer behind a gap; one more is quarantined (`too-many-buffered`). */
  MAX_BUFFERED_EVENTS: positiveIntVariable(ENGINE_DEFAULTS.maxBufferedEvents),
  WRITE_CONCURRENCY: positiveIntVariable(16),
  /** Per aggregate, on a lost conditional write (the deployed stacks' value since the start). */
  MAX_WRITE_ATTEMPTS: positiveIntVariable(5),
  PROCESSOR_VERSION: z.string().min(1).default('dev'),
  /** Path-style S3 addressing, for S3 emulators reached through `AWS_ENDPOINT_URL_S3`; leave unset on AWS. */
  S3_FORCE_PATH_STYLE: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  ...tracingEnvironmentShape,
});

/** The processor's resolved configuration. */
export type ProcessorConfig = z.output<typeof processorConfigSchema>;

/** The processor's environment variables, as the Pulumi program and the local stack write them. */
export type ProcessorEnvironment<V = string> = EnvironmentVariables<typeof processorConfigSchema, V>;

/** The defaults the stack config schema and the Pulumi component use (typed values of the schema's defaults). */
export const PROCESSOR_DEFAULTS = {
  quarantinePrefix: processorConfigSchema.shape.QUARANTINE_PREFIX.def.defaultValue,
  maxGapAgeSeconds: processorConfigSchema.shape.MAX_GAP_AGE_SECONDS.def.defaultValue,
  writeConcurrency: processorConfigSchema.shape.WRITE_CONCURRENCY.def.defaultValue,
  maxWriteAttempts: processorConfigSchema.shape.MAX_WRITE_ATTEMPTS.def.defaultValue,
  maxSnapshotBytes: processorConfigSchema.shape.MAX_SNAPSHOT_BYTES.def.defaultValue,
  maxBufferedEvents: processorConfigSchema.shape.MAX_BUFFERED_EVENTS.def.defaultValue,
} as const;

/**
 * Reads and checks the processor's environment variables.
 * @throws LambdaConfigError naming each bad variable.
 */
export function loadProcessorConfig(environment: EnvironmentInput): ProcessorConfig {
  return parseEnvironment('stream processor', processorConfigSchema, environment);
}
