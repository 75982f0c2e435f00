import { describe, expect, it } from 'vitest';
import { isValidEnvelope } from '../../processors/envelope/compiled-check.js';
import { envelopeSchema, parseEnvelope } from '../../processors/envelope/index.js';
import { orderEnvelope } from '../ingest/envelope-factory.js';

const ASTRAL = '\u{1F600}';

describe('aggregateId length, counted as Kinesis counts a partition key', () => {
  it.each([
    { name: '256 ASCII characters', aggregateId: 'a'.repeat(256), valid: true },
    { name: '257 ASCII characters', aggregateId: 'a'.repeat(257), valid: false },
    { name: '128 astral characters (256 UTF-16 units)', aggregateId: ASTRAL.repeat(128), valid: true },
    {
      name: '129 astral characters (258 UTF-16 units, 129 code points)',
      aggregateId: ASTRAL.repeat(129),
      valid: false,
    },
    {
      name: '255 ASCII and one astral character (257 units)',
      aggregateId: `${'a'.repeat(255)}${ASTRAL}`,
      valid: false,
    },
  ])(
    '$name: valid = $valid in the schema, the compiled check and parseEnvelope alike',
    ({ aggregateId, valid }) => {
      const envelope = orderEnvelope(aggregateId, 1);
      expect(envelopeSchema.safeParse(envelope).success).toBe(valid);
      expect(isValidEnvelope(envelope)).toBe(valid);
      if (valid) expect(parseEnvelope(envelope).aggregateId).toBe(aggregateId);
      else expect(() => parseEnvelope(envelope)).toThrow(/aggregateId/);
    },
  );
});
