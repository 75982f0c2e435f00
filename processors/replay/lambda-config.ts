import { z } from 'zod';
import {
  type EnvironmentInput,
  type EnvironmentVariables,
  parseEnvironment,
} from '../lambda-config/index.js';
import { tracingEnvironmentShape } from '../tracing/tracing-environment.js';
import type { ReplayEnvironment } from './replay-environment.js';

const positiveNumber = z.coerce.number().refine((v) => Number.isFinite(v) && v > 0, 'must be a number > 0');

/**
 * The replay Lambda's sending and sizing settings (set by `pulumi/replay-backfill.ts` from the stack config).
 */
export const replaySettingsSchema = z.object({
  /** Events/s one invocation sends at. */
  REPLAY_RATE: positiveNumber,
  /** Smallest average envelope size the batch sizing assumes. */
  REPLAY_EVENT_BYTES: positiveNumber,
  /** Uncompressed bytes per listed (GZIP) byte assumed before the batch is read. */
  REPLAY_COMPRESSION_RATIO: positiveNumber,
  /** JSON array of the separate projection tables the role is granted; the live table always is. */
  REPLAY_PROJECTION_TABLES: z
    .string()
    .default('[]')
    .transform((text, ctx) => {
      try {
        const tables: unknown = JSON.parse(text);
        if (Array.isArray(tables) && tables.every((t) => typeof t === 'string')) return tables as string[];
      } catch {
        // reported below
      }
      ctx.addIssue({ code: 'custom', message: 'must be a JSON array of names' });
      return z.NEVER;
    }),
});

/** The replay Lambda's config contract: where it reads and writes, and its settings. */
export const replayLambdaConfigSchema = z.object({
  /**
   * Set by the Lambda runtime: a reserved variable a function's configuration cannot set.
   * https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime
   */
  AWS_REGION: z.string().min(1),
  REPLAY_STREAM_NAME: z.string().min(1),
  REPLAY_TABLE_NAME: z.string().min(1),
  /** The archive bucket. */
  REPLAY_BUCKET: z.string().min(1),
  REPLAY_ARCHIVE_PREFIX: z.string().min(1),
  REPLAY_BUS_NAME: z.string().min(1),
  REPLAY_SOURCE_PREFIX: z.string().min(1),
  ...replaySettingsSchema.shape,
  ...tracingEnvironmentShape,
});

/**
 * The replay Lambda's environment variables, as the Pulumi program writes them (`AWS_REGION` is the
 * runtime's).
 */
export type ReplayLambdaEnvironment<V = string> = Omit<
  EnvironmentVariables<typeof replayLambdaConfigSchema, V>,
  'AWS_REGION'
>;

/** The function's settings beyond the environment. */
export interface ReplayFunctionSettings {
  /** Events/s this invocation sends at. */
  readonly rate: number;
  /** Smallest average envelope size the sizing assumes. */
  readonly eventBytes: number;
  /** Uncompressed bytes per listed (GZIP) byte assumed before the batch is read. */
  readonly compressionRatio: number;
  /**
   * Separate projection tables the role is granted (config `replay.projectionTables`); the live table always
   * is.
   */
  readonly projectionTables: readonly string[];
}

/**
 * The settings from the function's variables.
 * @throws LambdaConfigError naming each bad variable.
 */
export function replayFunctionSettings(variables: EnvironmentInput): ReplayFunctionSettings {
  const c = parseEnvironment('replay function', replaySettingsSchema, variables);
  return {
    rate: c.REPLAY_RATE,
    eventBytes: c.REPLAY_EVENT_BYTES,
    compressionRatio: c.REPLAY_COMPRESSION_RATIO,
    projectionTables: c.REPLAY_PROJECTION_TABLES,
  };
}

/**
 * The environment (where to read and write) from the function's variables.
 * @throws LambdaConfigError naming each bad variable.
 */
export function lambdaEnvironment(variables: EnvironmentInput): ReplayEnvironment {
  const c = parseEnvironment('replay function', replayLambdaConfigSchema, variables);
  return {
    name: `aws ${c.AWS_REGION}`,
    local: false,
    region: c.AWS_REGION,
    endpoints: {},
    streamName: c.REPLAY_STREAM_NAME,
    table: c.REPLAY_TABLE_NAME,
    bucket: c.REPLAY_BUCKET,
    archivePrefix: c.REPLAY_ARCHIVE_PREFIX,
    busName: c.REPLAY_BUS_NAME,
    sourcePrefix: c.REPLAY_SOURCE_PREFIX,
  };
}
