import { describe, expect, it } from 'vitest';
import {
  decodeEnvelopeBytes,
  EnvelopeError,
  MAX_ENVELOPE_NESTING,
  PoisonReason,
  parseEnvelope,
  tooDeeplyNestedPath,
} from '../../processors/envelope/index.js';
import { orderEnvelope } from '../ingest/envelope-factory.js';

/** `levels` objects nested in one another, `{ a: { a: … } }`, the outermost being level 1. */
function nestedObject(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = {};
  for (let level = 1; level < levels; level += 1) value = { a: value };
  return value;
}

describe('Function: tooDeeplyNestedPath', () => {
  it('allows MAX_ENVELOPE_NESTING levels of objects and arrays and names the first one deeper', () => {
    expect(MAX_ENVELOPE_NESTING).toBe(31);
    expect(tooDeeplyNestedPath(nestedObject(31))).toBeUndefined();
    expect(tooDeeplyNestedPath(nestedObject(32))).toBe(Array(31).fill('a').join('.'));
    // root 1, list 2, inner list 3, { deep } 4, deep 5: its 28th object is level 32.
    expect(tooDeeplyNestedPath({ list: [[{ deep: nestedObject(28) }]] })).toBe(
      ['list', '0', '0', 'deep', ...Array(27).fill('a')].join('.'),
    );
    expect(tooDeeplyNestedPath({ list: [[{ deep: nestedObject(27) }]] })).toBeUndefined();
    expect(tooDeeplyNestedPath('scalar')).toBeUndefined();
    expect(tooDeeplyNestedPath(null)).toBeUndefined();
  });

  it('walks 100,000 levels without overflowing the stack', () => {
    const deep = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`) as unknown;
    expect(() => JSON.stringify(deep)).toThrow(RangeError);
    expect(tooDeeplyNestedPath(deep)).toBe(Array(31).fill('0').join('.'));
  });
});

describe('Function: parseEnvelope and decodeEnvelopeBytes (nesting)', () => {
  it('refuse an envelope nested too deeply as a schema violation, so the processor quarantines it', () => {
    const envelope = orderEnvelope('deep', 2, {
      data: { sku: 's', quantity: 1, unitPrice: 1, x: nestedObject(30) },
    });
    expect(() => parseEnvelope(envelope)).toThrow(EnvelopeError);
    const bytes = Buffer.from(
      JSON.stringify(orderEnvelope('deep', 2)).replace(
        '"quantity":1',
        `"quantity":1,"x":${'['.repeat(10_000)}${']'.repeat(10_000)}`,
      ),
    );
    const error = (() => {
      try {
        decodeEnvelopeBytes(bytes);
        return undefined;
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(EnvelopeError);
    expect((error as EnvelopeError).reason).toBe(PoisonReason.SchemaViolation);
    expect(parseEnvelope(orderEnvelope('shallow', 2, { data: { x: nestedObject(29) } })).aggregateId).toBe(
      'shallow',
    );
  });
});
