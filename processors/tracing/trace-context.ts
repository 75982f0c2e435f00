import {
  type Context,
  defaultTextMapGetter,
  defaultTextMapSetter,
  ROOT_CONTEXT,
  type SpanContext,
  trace,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

/** The W3C trace context an envelope may carry (docs/design.md §2): `traceparent` and, with it, `tracestate`. */
export interface TraceFields {
  readonly traceparent?: string | undefined;
  readonly tracestate?: string | undefined;
}

const propagator = new W3CTraceContextPropagator();

/**
 * The context a span continues from, given an envelope's (or an HTTP request's) trace fields: a remote parent when
 * `traceparent` is valid, else `base` unchanged (a new trace starts there).
 */
export function contextFromTraceFields(fields: TraceFields, base: Context = ROOT_CONTEXT): Context {
  if (fields.traceparent === undefined) return base;
  const carrier: Record<string, string> = { traceparent: fields.traceparent };
  if (fields.tracestate !== undefined) carrier.tracestate = fields.tracestate;
  return propagator.extract(base, carrier, defaultTextMapGetter);
}

/** The remote span context of an envelope's trace fields (for a span link), or undefined without a valid one. */
export function spanContextFromTraceFields(fields: TraceFields): SpanContext | undefined {
  if (fields.traceparent === undefined) return undefined;
  return trace.getSpanContext(contextFromTraceFields(fields));
}

/** True when the fields hold a `traceparent` whose sampled flag is set (a cheap check: no parsing beyond its flags). */
export function isSampledTraceparent(fields: TraceFields): boolean {
  const traceparent = fields.traceparent;
  // Version 00: the flags are the last two hex digits; bit 0 is "sampled". https://www.w3.org/TR/trace-context/#trace-flags
  return (
    traceparent !== undefined &&
    traceparent.length === 55 &&
    (Number.parseInt(traceparent.slice(53), 16) & 1) === 1
  );
}

/** The trace fields that carry `context`'s active span onwards, or {} when it has no valid span context. */
export function traceFieldsFromContext(context: Context): TraceFields {
  const carrier: Record<string, string> = {};
  propagator.inject(context, carrier, defaultTextMapSetter);
  if (carrier.traceparent === undefined) return {};
  // The propagator writes an empty tracestate when every member it was given was invalid; the envelope refuses one.
  return carrier.tracestate === undefined || carrier.tracestate === ''
    ? { traceparent: carrier.traceparent }
    : { traceparent: carrier.traceparent, tracestate: carrier.tracestate };
}
