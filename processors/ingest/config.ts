import { z } from 'zod';
import { IngestConfigError } from './errors.js';

const configSchema = z.object({
  STREAM_NAME: z.string().min(1, 'is required (the Kinesis stream to write to)'),
  INGEST_TOKEN_SECRET_ID: z
    .string()
    .min(1, 'is required (the Secrets Manager secret id or ARN holding the bearer token)'),
  INGEST_DEADLINE_MS: z.coerce.number().int().min(100).max(29_000).default(10_000),
  INGEST_TOKEN_MAX_AGE_SECONDS: z.coerce.number().int().min(0).max(3600).default(300),
});

/** The ingest Lambda's configuration, from its environment. */
export interface IngestConfig {
  readonly streamName: string;
  readonly tokenSecretId: string;
  /** How long the producer retries before answering 503 (API Gateway's limit is 30 s). */
  readonly deadlineMs: number;
  /** How long the bearer token is cached. */
  readonly tokenMaxAgeSeconds: number;
}

/** Reads and checks the configuration at cold start; the error names the offending variable. */
export function loadIngestConfig(env: Readonly<Record<string, string | undefined>>): IngestConfig {
  const result = configSchema.safeParse({
    STREAM_NAME: env.STREAM_NAME ?? '',
    INGEST_TOKEN_SECRET_ID: env.INGEST_TOKEN_SECRET_ID ?? '',
    INGEST_DEADLINE_MS: env.INGEST_DEADLINE_MS,
    INGEST_TOKEN_MAX_AGE_SECONDS: env.INGEST_TOKEN_MAX_AGE_SECONDS,
  });
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new IngestConfigError(String(issue?.path[0] ?? 'environment'), issue?.message ?? 'is invalid');
  }
  return {
    streamName: result.data.STREAM_NAME,
    tokenSecretId: result.data.INGEST_TOKEN_SECRET_ID,
    deadlineMs: result.data.INGEST_DEADLINE_MS,
    tokenMaxAgeSeconds: result.data.INGEST_TOKEN_MAX_AGE_SECONDS,
  };
}
