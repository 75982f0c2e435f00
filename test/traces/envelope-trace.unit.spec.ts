import { describe, expect, it } from 'vitest';
import { envelopeTrace, envelopeTraceOfBytes } from '../../local/traces/index.js';

const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('envelopeTrace', () => {
  it('reads the trace fields and the common per-event attributes of an envelope', () => {
    const trace = envelopeTrace(
      {
        eventId: 'e-1',
        aggregateType: 'order',
        aggregateId: 'o-1',
        sequence: 3,
        type: 'OrderPlaced',
        correlationId: 'c-1',
        causationId: 'x-1',
        traceparent,
        tracestate: 'a=b',
        data: {},
      },
      'aws_kinesis',
    );
    expect(trace).toEqual({
      eventId: 'e-1',
      fields: { traceparent, tracestate: 'a=b' },
      attributes: {
        'messaging.system': 'aws_kinesis',
        'messaging.message.id': 'e-1',
        'pipeline.aggregate.type': 'order',
        'pipeline.aggregate.id': 'o-1',
        'pipeline.event.sequence': 3,
        'pipeline.event.type': 'OrderPlaced',
        'messaging.message.conversation_id': 'c-1',
        'pipeline.event.causation_id': 'x-1',
      },
    });
  });

  it('leaves out what an envelope does not have, and is undefined without an eventId', () => {
    expect(envelopeTrace({ eventId: 'e-2', sequence: 'x', tracestate: 'a=b' }, 'aws_sqs')).toEqual({
      eventId: 'e-2',
      fields: {},
      attributes: { 'messaging.system': 'aws_sqs', 'messaging.message.id': 'e-2' },
    });
    for (const value of [undefined, null, 'e-1', [], {}, { eventId: '' }, { eventId: 7 }])
      expect(envelopeTrace(value, 'aws_sqs')).toBeUndefined();
  });

  it('parses record bytes, undefined for bytes that are not a JSON envelope', () => {
    const bytes = new TextEncoder().encode(JSON.stringify({ eventId: 'e-3', traceparent }));
    expect(envelopeTraceOfBytes(bytes, 'aws_kinesis')?.fields).toEqual({ traceparent });
    expect(envelopeTraceOfBytes(new TextEncoder().encode('{"eventId":'), 'aws_kinesis')).toBeUndefined();
    expect(envelopeTraceOfBytes(new Uint8Array([0xff, 0xfe]), 'aws_kinesis')).toBeUndefined();
  });
});
