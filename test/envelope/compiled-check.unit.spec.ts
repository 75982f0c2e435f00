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
    ) as fc.Arbitrary<Record<string, unknown>>,
    replace: fc.dictionary(
      fc.constantFrom(...Object.keys(envelopeSchema.shape)),
      fc.oneof(anyJson, fc.constantFrom(...edgeDates)),
      { maxKeys: 3 },
    ),
    remove: fc.subarray(['eventId', 'sequence', 'occurredAt', 'correlationId', 'data']),
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
