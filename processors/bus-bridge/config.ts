import { z } from 'zod';
import {
  type EnvironmentInput,
  type EnvironmentVariables,
  parseEnvironment,
} from '../lambda-config/index.js';
import { type TracingEnvironment, tracingEnvironmentShape } from '../tracing/tracing-environment.js';
import { sourcePrefixProblem } from './bridged-event.js';

/** The enrichment Lambda's config contract: its environment variables. */
export const busBridgeConfigSchema = z.object({
  /** Events carry `source = <prefix>.<aggregateType>`. */
  EVENT_SOURCE_PREFIX: z.string().superRefine((prefix, ctx) => {
    const problem = sourcePrefixProblem(prefix);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  }),
  /** The bus the Pipe puts on; only names the `publish <bus>` spans (docs/tracing.md). */
  EVENT_BUS_NAME: z.string().min(1).default('default'),
  ...tracingEnvironmentShape,
});

/** The enrichment Lambda's environment variables, as the Pulumi program writes them. */
export type BusBridgeEnvironment<V = string> = EnvironmentVariables<typeof busBridgeConfigSchema, V>;

/** The enrichment Lambda's configuration, from its environment. */
export interface BusBridgeConfig {
  /** `EVENT_SOURCE_PREFIX`: events carry `source = <prefix>.<aggregateType>`. */
  readonly sourcePrefix: string;
  /** `EVENT_BUS_NAME`: the bus the Pipe puts on. */
  readonly busName: string;
  readonly tracing: TracingEnvironment;
}

/**
 * Reads and checks the configuration at cold start.
 * @throws LambdaConfigError naming each bad variable.
 */
export function loadBusBridgeConfig(environment: EnvironmentInput): BusBridgeConfig {
  const variables = parseEnvironment('bus bridge', busBridgeConfigSchema, environment);
  return {
    sourcePrefix: variables.EVENT_SOURCE_PREFIX,
    busName: variables.EVENT_BUS_NAME,
    tracing: { TRACING: variables.TRACING, TRACE_SAMPLING_RATIO: variables.TRACE_SAMPLING_RATIO },
  };
}
