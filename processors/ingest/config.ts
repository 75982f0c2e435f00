import { z } from 'zod';
import {
  type EnvironmentInput,
  type EnvironmentVariables,
  parseEnvironment,
} from '../lambda-config/index.js';
import { type TracingEnvironment, tracingEnvironmentShape } from '../tracing/tracing-environment.js';

/** The ingest Lambda's config contract: its environment variables with their defaults. */
export const ingestConfigSchema = z.object({
  /** The Kinesis stream to write to. */
  STREAM_NAME: z.string().min(1),
  /** The Secrets Manager secret id or ARN whose string value is the bearer token. */
  INGEST_TOKEN_SECRET_ID: z.string().min(1),
  /** How long the producer retries before answering 503 (API Gateway's limit is 30 s). */
  INGEST_DEADLINE_MS: z.coerce.number().int().min(100).max(29_000).default(10_000),
  /** How long the bearer token is cached. */
  INGEST_TOKEN_MAX_AGE_SECONDS: z.coerce.number().int().min(0).max(3600).default(300),
  ...tracingEnvironmentShape,
});

/** The ingest Lambda's environment variables, as the Pulumi program writes them. */
export type IngestEnvironment<V = string> = EnvironmentVariables<typeof ingestConfigSchema, V>;

/** The ingest Lambda's configuration, from its environment. */
export interface IngestConfig {
  readonly streamName: string;
  readonly tokenSecretId: string;
  /** How long the producer retries before answering 503 (API Gateway's limit is 30 s). */
  readonly deadlineMs: number;
  /** How long the bearer token is cached. */
  readonly tokenMaxAgeSeconds: number;
  /** `TRACING` and `TRACE_SAMPLING_RATIO` (docs/tracing.md). */
  readonly tracing: TracingEnvironment;
}

/**
 * Reads and checks the configuration at cold start.
 * @throws LambdaConfigError naming each bad variable.
 */
export function loadIngestConfig(environment: EnvironmentInput): IngestConfig {
  const c = parseEnvironment('ingest', ingestConfigSchema, environment);
  return {
    streamName: c.STREAM_NAME,
    tokenSecretId: c.INGEST_TOKEN_SECRET_ID,
    deadlineMs: c.INGEST_DEADLINE_MS,
    tokenMaxAgeSeconds: c.INGEST_TOKEN_MAX_AGE_SECONDS,
    tracing: { TRACING: c.TRACING, TRACE_SAMPLING_RATIO: c.TRACE_SAMPLING_RATIO },
  };
}
