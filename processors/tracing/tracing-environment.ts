import { z } from 'zod';

/**
 * The tracing variables every Lambda reads (docs/tracing.md, docs/deploy.md "Tracing"), spread into each Lambda's
 * config schema. The exporter's own settings are OpenTelemetry's standard `OTEL_EXPORTER_OTLP_*` variables.
 */
export const tracingEnvironmentShape = {
  /** `on` records spans; `off` (the default) costs nothing: a no-op tracer. */
  TRACING: z.enum(['on', 'off']).default('off'),
  /** Share of new traces recorded (a trace continued from an envelope follows its sampled flag). */
  TRACE_SAMPLING_RATIO: z.coerce.number().min(0).max(1).default(1),
};

/** The resolved tracing variables. */
export interface TracingEnvironment {
  readonly TRACING: 'on' | 'off';
  readonly TRACE_SAMPLING_RATIO: number;
}
