import { describe, expect, it } from 'vitest';
import { checkOtlpTraceRequest } from '../../local/traces/otlp-trace-request.js';

const TRACE = '0AF7651916CD43DD8448EB211C80319C';
const SPAN = 'B7AD6B7169203331';

describe('checkOtlpTraceRequest', () => {
  it('stores ids in lowercase hex (OTLP JSON allows either case; the trace view compares lowercase strings)', () => {
    const body = JSON.stringify({
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [
                {
                  traceId: TRACE,
                  spanId: SPAN,
                  parentSpanId: '00F067AA0BA902B7',
                  name: 'process order-events',
                  links: [{ traceId: TRACE, spanId: 'ABCDEF0123456789' }],
                },
              ],
            },
          ],
        },
      ],
    });
    const checked = checkOtlpTraceRequest(body);
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    const span = (checked.request.resourceSpans[0] as { scopeSpans: { spans: object[] }[] }).scopeSpans[0]
      ?.spans[0];
    expect(span).toMatchObject({
      traceId: TRACE.toLowerCase(),
      spanId: SPAN.toLowerCase(),
      parentSpanId: '00f067aa0ba902b7',
      links: [{ traceId: TRACE.toLowerCase(), spanId: 'abcdef0123456789' }],
    });
  });

  it('refuses a span with an all-zero trace id but keeps the others', () => {
    const span = (traceId: string) => ({ traceId, spanId: SPAN, name: 'x' });
    const checked = checkOtlpTraceRequest(
      JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [span('0'.repeat(32)), span(TRACE)] }] }] }),
    );
    expect(checked).toMatchObject({ ok: true, acceptedSpans: 1, rejectedSpans: 1 });
  });
});
