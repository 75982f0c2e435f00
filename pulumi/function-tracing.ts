/** A function's tracing settings, written as the variables `lambdaTracing` reads (docs/deploy.md, Tracing). */
import { DEPLOYMENT_ENVIRONMENT_VARIABLE } from '../processors/tracing/lambda-tracing.js';
import type { TracingEnvironment } from '../processors/tracing/tracing-environment.js';

/** The stack's `tracing` config, as every function of the stack gets it. */
export interface FunctionTracing {
  /** Export spans to X-Ray's OTLP endpoint; adds `xray:PutSpans` to the function's role. */
  readonly enabled: boolean;
  /** Share of new traces recorded, 0–1. */
  readonly samplingRatio: number;
}

/**
 * The environment variables of a function's tracing: `TRACING`, `TRACE_SAMPLING_RATIO` (the Lambda's config contract,
 * processors/tracing/tracing-environment.ts) and the stack's name as the spans' deployment environment.
 */
export function tracingVariables(tracing: FunctionTracing, stack: string): Record<string, string> {
  const contract = {
    TRACING: tracing.enabled ? 'on' : 'off',
    TRACE_SAMPLING_RATIO: String(tracing.samplingRatio),
  } satisfies Record<keyof TracingEnvironment, string>;
  return { ...contract, [DEPLOYMENT_ENVIRONMENT_VARIABLE]: stack };
}
