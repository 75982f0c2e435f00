import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DETAIL_TYPE_PATH, ENVELOPE_INPUT_TEMPLATE, SOURCE_PATH } from '../../config/bus-routing.js';
import { compileEventBusTarget, compileInputTemplate } from '../../local/pipe/index.js';
import { bridgedEvent, MAX_SOURCE_PREFIX_LENGTH } from '../../processors/bus-bridge/bridged-event.js';
import {
  fitsPutEvents,
  PUT_EVENTS_SIZE_LIMIT_BYTES,
  putEventsEntrySize,
} from '../../processors/bus-bridge/put-events-entry-size.js';
import {
  decodeKinesisData,
  type Envelope,
  EnvelopeError,
  encodeEnvelope,
  MAX_ENVELOPE_BYTES,
  MIN_ENVELOPE_LIMIT_BYTES,
  maxEnvelopeBytes,
  PoisonReason,
} from '../../processors/envelope/index.js';
import { orderEvent } from '../support/order-events.js';

/** The longest source prefix a stack may configure: the one the limit has to allow for. */
const LONGEST_PREFIX = 'p'.repeat(MAX_SOURCE_PREFIX_LENGTH);

/**
 * The PutEvents entry the local Pipe's target stage builds for one envelope: the enrichment's output (through
 * JSON, as a Lambda response travels), the stack's input template and dynamic target parameters
 * (`pulumi/bus-routing.ts`).
 */
function bridgedEntry(envelope: Envelope) {
  const event: unknown = JSON.parse(JSON.stringify(bridgedEvent(LONGEST_PREFIX, envelope)));
  const detail = compileInputTemplate(ENVELOPE_INPUT_TEMPLATE).render(event);
  const target = compileEventBusTarget({
    eventBusName: 'bus',
    detailType: DETAIL_TYPE_PATH,
    source: SOURCE_PATH,
  });
  return target.toEntry(event, detail);
}

/** Whether the entry fits PutEvents even if the Pipe also sets `Time` (AWS does not say it doesn't). */
function crossesTheBus(envelope: Envelope): boolean {
  return fitsPutEvents(putEventsEntrySize({ ...bridgedEntry(envelope), Time: new Date() }));
}

function accepted(encode: () => unknown): boolean {
  try {
    encode();
    return true;
  } catch (error) {
    if (error instanceof EnvelopeError && error.reason === PoisonReason.Oversize) return false;
    throw error;
  }
}

/** An envelope padded to `limit + delta` encoded bytes with `unit`-sized characters where possible. */
function padded(aggregateType: string, type: string, delta: number, unit: string): Envelope {
  const base = orderEvent('o-1', 1, { aggregateType, type, data: { pad: '' } });
  const room = maxEnvelopeBytes(aggregateType, type) + delta - Buffer.byteLength(JSON.stringify(base));
  const unitBytes = Buffer.byteLength(unit);
  const pad = unit.repeat(Math.floor(room / unitBytes)) + 'x'.repeat(room % unitBytes);
  return { ...base, data: { pad } };
}

const aggregateTypes = fc.stringMatching(/^[A-Za-z0-9._-]{1,64}$/);
const types = fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' });

describe('the envelope size limit', () => {
  it('accepts exactly the envelopes whose bus entry fits PutEvents, with the longest source prefix', () => {
    fc.assert(
      fc.property(
        aggregateTypes,
        types,
        fc.integer({ min: -40, max: 40 }),
        fc.constantFrom('x', 'é', '€', '😀'),
        (aggregateType, type, delta, unit) => {
          const envelope = padded(aggregateType, type, delta, unit);
          const fits = crossesTheBus(envelope);
          expect(accepted(() => encodeEnvelope(envelope))).toBe(fits);
          expect(
            accepted(() => decodeKinesisData(Buffer.from(JSON.stringify(envelope)).toString('base64'))),
          ).toBe(fits);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('stops one byte under PutEvents’ limit: the largest envelope’s entry is 256 KiB − 1 bytes', () => {
    const largest = padded('order', 'OrderPlaced', 0, 'x');
    expect(Buffer.byteLength(JSON.stringify(largest))).toBe(maxEnvelopeBytes('order', 'OrderPlaced'));
    expect(putEventsEntrySize({ ...bridgedEntry(largest), Time: new Date() })).toBe(
      PUT_EVENTS_SIZE_LIMIT_BYTES - 1,
    );
    expect(accepted(() => encodeEnvelope(largest))).toBe(true);
    expect(accepted(() => encodeEnvelope(padded('order', 'OrderPlaced', 1, 'x')))).toBe(false);
  });

  it('refuses an envelope of 256 KiB, which PutEvents can never take once wrapped', () => {
    const base = orderEvent('o-1', 1, { data: { pad: '' } });
    const envelope = {
      ...base,
      data: { pad: 'x'.repeat(256 * 1024 - Buffer.byteLength(JSON.stringify(base))) },
    };
    expect(Buffer.byteLength(JSON.stringify(envelope))).toBe(256 * 1024);
    expect(crossesTheBus(envelope)).toBe(false);
    expect(accepted(() => encodeEnvelope(envelope))).toBe(false);
  });

  it('measures the envelope as re-encoded, not the record: whitespace does not count, long numbers do', () => {
    const largest = padded('order', 'OrderPlaced', 0, 'x');
    const spaced = Buffer.from(JSON.stringify(largest, null, 2));
    expect(spaced.byteLength).toBeGreaterThan(MAX_ENVELOPE_BYTES);
    expect(decodeKinesisData(spaced.toString('base64')).eventId).toBe(largest.eventId);
    // `1e20` re-encodes as 21 digits: a record that is small as written can still be too big for the bus.
    const numbers = Array.from({ length: Math.ceil(MIN_ENVELOPE_LIMIT_BYTES / 21) + 10 }, () => '1e20');
    const text = `{${JSON.stringify(orderEvent('o-1', 1))
      .slice(1, -1)
      .replace('"data":{', `"data":{"n":[${numbers.join(',')}],`)}}`;
    expect(Buffer.byteLength(text)).toBeLessThan(MIN_ENVELOPE_LIMIT_BYTES);
    expect(() => decodeKinesisData(Buffer.from(text).toString('base64'))).toThrow(/limit for aggregateType/);
  });

  it('bounds every limit between MIN_ENVELOPE_LIMIT_BYTES and MAX_ENVELOPE_BYTES', () => {
    fc.assert(
      fc.property(aggregateTypes, fc.string({ minLength: 1, maxLength: 128, unit: 'binary' }), (a, t) => {
        const limit = maxEnvelopeBytes(a, t);
        expect(limit).toBeLessThanOrEqual(MAX_ENVELOPE_BYTES);
        expect(limit).toBeGreaterThanOrEqual(MIN_ENVELOPE_LIMIT_BYTES);
      }),
    );
  });
});
