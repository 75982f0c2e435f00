import { sourcePrefixProblem } from './bridged-event.js';
import { BusBridgeConfigError } from './errors.js';

/** The enrichment Lambda's configuration, from its environment. */
export interface BusBridgeConfig {
  /** `EVENT_SOURCE_PREFIX`: events carry `source = <prefix>.<aggregateType>`. */
  readonly sourcePrefix: string;
}

/** Reads and checks the configuration at cold start; the error names the offending variable. */
export function loadBusBridgeConfig(env: Readonly<Record<string, string | undefined>>): BusBridgeConfig {
  const sourcePrefix = env.EVENT_SOURCE_PREFIX ?? '';
  if (sourcePrefix === '') throw new BusBridgeConfigError('EVENT_SOURCE_PREFIX', 'is required');
  const problem = sourcePrefixProblem(sourcePrefix);
  if (problem !== undefined) throw new BusBridgeConfigError('EVENT_SOURCE_PREFIX', problem);
  return { sourcePrefix };
}
