import { z } from 'zod';
import {
  type EnvironmentInput,
  type EnvironmentVariables,
  parseEnvironment,
  positiveIntVariable,
} from '../lambda-config/index.js';
import { PROCESSOR_DEFAULTS } from '../stream-processor/config.js';

/** The stalled check's config contract: its environment variables with their defaults. */
export const stalledCheckConfigSchema = z.object({
  /** The aggregate table (its sparse gap index is scanned). */
  TABLE_NAME: z.string().min(1),
  /** The processor's stalled threshold: one setting, one default. */
  MAX_GAP_AGE_SECONDS: positiveIntVariable(PROCESSOR_DEFAULTS.maxGapAgeSeconds),
});

/** The stalled check's resolved configuration. */
export type StalledCheckConfig = z.output<typeof stalledCheckConfigSchema>;

/** The stalled check's environment variables, as the Pulumi program writes them. */
export type StalledCheckEnvironment<V = string> = EnvironmentVariables<typeof stalledCheckConfigSchema, V>;

/**
 * Reads and checks the stalled check's environment variables.
 * @throws LambdaConfigError naming each bad variable.
 */
export function loadStalledCheckConfig(environment: EnvironmentInput): StalledCheckConfig {
  return parseEnvironment('stalled check', stalledCheckConfigSchema, environment);
}
