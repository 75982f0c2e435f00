import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeKinesisData,
  EnvelopeError,
  encodeEnvelope,
  encodeKinesisData,
  isPaddedBase64,
  MAX_ENVELOPE_BYTES,
  maxEnvelopeBytes,
  PoisonReason,
} from '../../processors/envelope/index.js';
import { orderEvent } from '../support/order-events.js';

function decodeError(base64: string): EnvelopeError {
  try {
    decodeKinesisData(base64);
  } catch (error) {
    if (error instanceof EnvelopeError) return error;
    throw error;
  }
  throw new Error('expected decoding to fail');
}

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

describe('envelope codec', () => {
  it('round-trips an envelope through Kinesis base64 data', () => {
    const envelope = orderEvent('o-1', 1, { correlationId: 'corr-1' });
    expect(decodeKinesisData(encodeKinesisData(envelope))).toEqual(envelope);
  });

  it.each([
    ['not base64', '@@@not-base64@@@', PoisonReason.BadBase64],
    ['not JSON', b64('{"eventId": '), PoisonReason.NotJson],
    ['not UTF-8', Buffer.from([0xff, 0xfe, 0x7b]).toString('base64'), PoisonReason.NotUtf8],
    ['a JSON array', b64('[1,2]'), PoisonReason.SchemaViolation],
  ])('rejects %s with reason %s', (_name, data, reason) => {
    expect(decodeError(data).reason).toBe(reason);
  });

  it('names the field path and the rule broken', () => {
    const bad = { ...orderEvent('o-1', 1), sequence: 0, aggregateType: 'has space', occurredAt: 'yesterday' };
    const error = decodeError(b64(JSON.stringify(bad)));
    expect(error.reason).toBe(PoisonReason.SchemaViolation);
    const paths = error.issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['sequence', 'aggregateType', 'occurredAt']));
    expect(error.message).toMatch(/sequence: .*>=\s*1/);
    expect(error.message).toMatch(/aggregateType: must match/);
  });

  it('rejects unknown top-level fields and missing required ones', () => {
    const { eventId: _omit, ...missing } = orderEvent('o-1', 1);
    expect(decodeError(b64(JSON.stringify(missing))).issues.map((i) => i.path)).toContain('eventId');
    const extra = { ...orderEvent('o-1', 1), extra: true };
    expect(decodeError(b64(JSON.stringify(extra))).reason).toBe(PoisonReason.SchemaViolation);
  });

  it('rejects a non-UTC timestamp', () => {
    const error = decodeError(
      b64(JSON.stringify({ ...orderEvent('o-1', 1), occurredAt: '2026-11-23T10:00:00+02:00' })),
    );
    expect(error.issues[0]?.path).toBe('occurredAt');
  });

  it('enforces the envelope size limit on decode and on encode', () => {
    const big = orderEvent('o-1', 1, {
      data: { customerId: 'x'.repeat(MAX_ENVELOPE_BYTES), currency: 'EUR' },
    });
    const limit = maxEnvelopeBytes('order', 'OrderPlaced');
    expect(() => encodeEnvelope(big)).toThrow(`is ${limit} (one PutEvents entry on the bus)`);
    expect(decodeError(Buffer.from(JSON.stringify(big)).toString('base64')).reason).toBe(
      PoisonReason.Oversize,
    );
  });

  it('accepts an envelope of exactly its limit', () => {
    const base = orderEvent('o-1', 1, { data: { customerId: '', currency: 'EUR' } });
    const limit = maxEnvelopeBytes('order', 'OrderPlaced');
    const padding = limit - Buffer.byteLength(JSON.stringify(base));
    const exact = orderEvent('o-1', 1, { data: { customerId: 'x'.repeat(padding), currency: 'EUR' } });
    expect(encodeEnvelope(exact).byteLength).toBe(limit);
    expect(decodeKinesisData(encodeKinesisData(exact)).eventId).toBe(exact.eventId);
  });
});

describe('isPaddedBase64', () => {
  /** The grammar spelled out: 4-character groups, then an optional 2+`==` or 3+`=` group. */
  const GRAMMAR = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
  const alphabet = fc.constantFrom(...'ABCxyz019+/='.split(''), '-', '_', ' ', '\n');

  it('accepts exactly what the padded base64 grammar accepts', () => {
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 14 }), (chars) => {
        const text = chars.join('');
        expect(isPaddedBase64(text)).toBe(GRAMMAR.test(text));
      }),
      { numRuns: 5000 },
    );
  });

  it('accepts what Buffer encodes and rejects the usual corruptions', () => {
    for (let n = 0; n < 10; n++) expect(isPaddedBase64(Buffer.alloc(n, 0xfb).toString('base64'))).toBe(true);
    for (const bad of ['A', 'AB=', 'A===', 'AA=A', '====', 'AAA-', 'AA AA'])
      expect(isPaddedBase64(bad)).toBe(false);
  });
});
