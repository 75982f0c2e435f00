import { z } from 'zod';
import {
  type EnvironmentInput,
  type EnvironmentVariables,
  parseEnvironment,
} from '../lambda-config/index.js';
import { tracingEnvironmentShape } from '../tracing/tracing-environment.js';
import { sourcePrefixProblem } from './bridged-event.js';

/** The enrichment Lambda's config contract: its environment variables. */
export const busBridgeConfigSchema = z.object({
  /** Events carry `source = <prefix>.<aggregateType>`. */
  EVENT_SOURCE_PREFIX: z.string().superRefine((prefix, ctx) => {
    const problem = sourcePrefixProblem(prefix);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  }),
  ...tracingEnvironmentShape,
});

/** The enrichment Lambda's environment variables, as the Pulumi program writes them. */
export type BusBridgeEnvironment<V = string> = EnvironmentVariables<typeof busBridgeConfigSchema, V>;

/** The enrichment Lambda's configuration, from its environment. */
export interface BusBridgeConfig {
  /** `EVENT_SOURCE_PREFIX`: events carry `source = <prefix>.<aggregateType>`. */
  readonly sourcePrefix: string;
}

/**
 * Reads and checks the configuration at cold start.
 * @throws LambdaConfigError naming each bad variable.
 */
export function loadBusBridgeConfig(environment: EnvironmentInput): BusBridgeConfig {
  return {
    sourcePrefix: parseEnvironment('bus bridge', busBridgeConfigSchema, environment).EVENT_SOURCE_PREFIX,
  };
}
