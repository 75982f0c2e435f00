import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { envelopeSchema } from '../../processors/envelope/schema.js';
import {
  contextFromTraceFields,
  spanContextFromTraceFields,
  traceFieldsFromContext,
} from '../../processors/tracing/index.js';

// The W3C recommendation's own example values. https://www.w3.org/TR/trace-context/#examples-of-http-traceparent-headers
const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('trace context to and from envelope fields', () => {
  it('round-trips traceparent and tracestate', () => {
    const fields = { traceparent: TRACEPARENT, tracestate: 'congo=t61rcWkgMzE,rojo=00f067aa0ba902b7' };
    expect(traceFieldsFromContext(contextFromTraceFields(fields))).toEqual(fields);
    expect(spanContextFromTraceFields(fields)).toMatchObject({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: 1,
      isRemote: true,
    });
  });

  it('gives the base context back without a traceparent, and no fields for a context without a span', () => {
    expect(contextFromTraceFields({})).toBe(ROOT_CONTEXT);
    expect(spanContextFromTraceFields({})).toBeUndefined();
    expect(traceFieldsFromContext(ROOT_CONTEXT)).toEqual({});
  });

  it('never writes an empty tracestate, which the envelope would refuse', () => {
    const fields = traceFieldsFromContext(
      contextFromTraceFields({ traceparent: TRACEPARENT, tracestate: 'Upper=1' }),
    );
    expect(fields).toEqual({ traceparent: TRACEPARENT });
    expect(() => envelopeSchema.shape.tracestate.parse(fields.tracestate)).not.toThrow();
    expect(trace.getSpanContext(contextFromTraceFields(fields))?.traceState).toBeUndefined();
  });
});
