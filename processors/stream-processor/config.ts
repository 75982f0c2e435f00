import { z } from 'zod';

const positiveInt = (fallback: number) => z.coerce.number().int().min(1).default(fallback);

/** The stream processor's environment, checked at cold start. */
export const processorConfigSchema = z.object({
  TABLE_NAME: z.string().min(1),
  QUARANTINE_BUCKET: z.string().min(1),
  QUARANTINE_PREFIX: z.string().default('quarantine/'),
  MAX_GAP_AGE_SECONDS: positiveInt(3600),
  RECENT_WINDOW: positiveInt(64),
  WRITE_CONCURRENCY: positiveInt(16),
  MAX_WRITE_ATTEMPTS: positiveInt(3),
  PROCESSOR_VERSION: z.string().min(1).default('dev'),
  /** Path-style S3 addressing, needed by S3 emulators; leave unset on AWS. */
  S3_FORCE_PATH_STYLE: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
});

/** The processor's resolved configuration. */
export type ProcessorConfig = z.output<typeof processorConfigSchema>;

/** Thrown at cold start when the environment is invalid; the message names each variable. */
export class ProcessorConfigError extends Error {
  override readonly name = 'ProcessorConfigError';
}

/** Reads and checks the processor's environment variables. */
export function loadProcessorConfig(env: NodeJS.ProcessEnv = process.env): ProcessorConfig {
  const result = processorConfigSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? '(environment)');
      return env[name] === undefined
        ? `${name} is required`
        : `${name}: ${issue.message} (got "${env[name]}")`;
    });
    throw new ProcessorConfigError(`invalid stream processor configuration: ${problems.join('; ')}`);
  }
  return result.data;
}
