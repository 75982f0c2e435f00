import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isValidEnvelope } from '../../processors/envelope/compiled-check.js';
import { envelopeSchema, parseEnvelope } from '../../processors/envelope/index.js';
import { orderEvent } from '../support/order-events.js';

/** Strings around every length limit of the schema (1, 64, 128, 256), in ASCII and in surrogate pairs. */
const edgeStrings = [0, 1, 2, 63, 64, 65, 127, 128, 129, 255, 256, 257].flatMap((n) => [
  'x'.repeat(n),
  '😀'.repeat(Math.ceil(n / 2)).slice(0, n),
  '😀'.repeat(n),
  'é'.repeat(n),
]);
const edgeNumbers = [0, -0, 1, 2, -1, 1.5, 2 ** 53 - 1, 2 ** 53, 1e300, Number.NaN, Number.POSITIVE_INFINITY];
const edgeDates = [
  '2026-01-01T00:00:00Z',
  '2026-01-01T00:00:00.123456Z',
  '2024-02-29T23:59:59Z',
  '2025-02-29T00:00:00Z',
  '2026-13-01T00:00:00Z',
  '2026-01-01T24:00:00Z',
  '2026-01-01T00:00:00+01:00',
  '2026-01-01T00:00Z',
  '2026-01-01',
  ' 2026-01-01T00:00:00Z',
  '2026-01-01T00:00:00Z\n',
];
/** W3C trace context values around every rule of the two patterns (https://www.w3.org/TR/trace-context/). */
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const edgeTraceFields = [
  TRACEPARENT,
  TRACEPARENT.toUpperCase(),
  `ff${TRACEPARENT.slice(2)}`,
  `01${TRACEPARENT.slice(2)}`,
  `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`,
  `00-4bf92f3577b34da6a3ce929d0e0e4736-${'0'.repeat(16)}-00`,
  TRACEPARENT.slice(0, -1),
  `${TRACEPARENT}-00`,
  `${TRACEPARENT}\n`,
  'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE',
  'fw529a3039@dt=FW4;0;0, rojo=1',
  'a=b ',
  'a=1,,b=2',
  'A=1',
  'a=é',
  `t@${'s'.repeat(14)}=v`,
  `t@${'s'.repeat(15)}=v`,
  `${'k'.repeat(256)}=v`,
  `${'k'.repeat(257)}=v`,
  ...[31, 32, 33].map((n) => Array.from({ length: n }, (_, i) => `k${i}=v`).join(',')),
  ...[253, 254].map((n) => `a=${'v'.repeat(n)},b=${'v'.repeat(254)}`),
];
const anyJson = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.constant([]),
  fc.constant({}),
  fc.constant({ nested: { a: [1] } }),
  fc.constantFrom(...edgeNumbers),
  fc.constantFrom(...edgeStrings),
  fc.constantFrom('order', 'has space', 'a/b', 'ok._-9', 'ünïcode'),
  fc.string(),
);

/** A valid envelope with some fields replaced, removed or added. */
const candidates = fc
  .record({
    base: fc.constantFrom(
      orderEvent('o-1', 1),
      orderEvent('o-2', 7, { correlationId: 'c', causationId: 'd' }),
      orderEvent('o-3', 2, { traceparent: TRACEPARENT, tracestate: 'rojo=1,congo=2' }),
    ) as fc.Arbitrary<Record<string, unknown>>,
    replace: fc.dictionary(
      fc.constantFrom(...Object.keys(envelopeSchema.shape)),
      fc.oneof(anyJson, fc.constantFrom(...edgeDates), fc.constantFrom(...edgeTraceFields)),
      { maxKeys: 3 },
    ),
    remove: fc.subarray(['eventId', 'sequence', 'occurredAt', 'correlationId', 'traceparent', 'data']),
    extra: fc.option(fc.constantFrom('extra', '__proto__', 'constructor', 'toString')),
  })
  .map(({ base, replace, remove, extra }) => {
    const value: Record<string, unknown> = { ...base, ...replace };
    for (const key of remove) delete value[key];
    // Built through JSON.parse so that `__proto__` becomes an own property, as it does for parsed input.
    const json = JSON.stringify(value);
    return extra === null ? JSON.parse(json) : JSON.parse(`${json.slice(0, -1)},${JSON.stringify(extra)}:1}`);
  });

describe('compiled envelope check', () => {
  it('accepts exactly what the zod envelope schema accepts', () => {
    fc.assert(
      fc.property(fc.oneof(candidates, anyJson), (value) => {
        expect(isValidEnvelope(value)).toBe(envelopeSchema.safeParse(value).success);
      }),
      { numRuns: 3000 },
    );
  });

  it.each([
    ['an eventId of 128 code points (256 UTF-16 units)', { eventId: '😀'.repeat(128) }, true],
    ['an eventId of 129 code points', { eventId: `${'😀'.repeat(128)}x` }, false],
    ['an eventId of one lone surrogate', { eventId: '\ud800' }, true],
    ['a sequence above 2^53 - 1', { sequence: 2 ** 53 }, false],
    ['data that is an array', { data: [] }, false],
    ['a non-UTC timestamp', { occurredAt: '2026-01-01T00:00:00+01:00' }, false],
    ['a W3C traceparent', { traceparent: TRACEPARENT }, true],
    ['an all-zero trace id', { traceparent: `00-${'0'.repeat(32)}-00f067aa0ba902b7-01` }, false],
    ['a tracestate of 32 members', { tracestate: edgeTraceFields[edgeTraceFields.length - 4] }, true],
    ['a tracestate of 33 members', { tracestate: edgeTraceFields[edgeTraceFields.length - 3] }, false],
    ['a tracestate of 512 characters', { tracestate: edgeTraceFields[edgeTraceFields.length - 2] }, true],
    ['a tracestate of 513 characters', { tracestate: edgeTraceFields[edgeTraceFields.length - 1] }, false],
  ])('agrees with zod on %s', (_name, change, valid) => {
    const value = { ...orderEvent('o-1', 1), ...change };
    expect(isValidEnvelope(value)).toBe(valid);
    expect(envelopeSchema.safeParse(value).success).toBe(valid);
  });

  it('leaves error messages to zod: parseEnvelope still names the path and rule', () => {
    expect(() => parseEnvelope({ ...orderEvent('o-1', 1), sequence: 0 })).toThrow(/sequence/);
  });

  it('returns a valid envelope with the same content zod would', () => {
    const value = JSON.parse(JSON.stringify(orderEvent('o-1', 3, { correlationId: 'c' })));
    expect(parseEnvelope(value)).toEqual(envelopeSchema.parse(value));
  });
});
