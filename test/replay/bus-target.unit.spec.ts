import { describe, expect, it } from 'vitest';
import type { EventBusPort, PutEventsRequestEntry } from '../../processors/bus-bridge/index.js';
import { putEventsEntrySize } from '../../processors/bus-bridge/index.js';
import { MAX_ENVELOPE_BYTES } from '../../processors/envelope/index.js';
import { busTarget } from '../../processors/replay/bus-target.js';
import { orderEvent } from '../support/order-events.js';

/** A bus that records every call and accepts every entry. */
function recordingBus(): EventBusPort & { readonly calls: PutEventsRequestEntry[][] } {
  const calls: PutEventsRequestEntry[][] = [];
  return {
    calls,
    async putEvents(entries) {
      calls.push([...entries]);
      return { FailedEntryCount: 0, Entries: entries.map((_, i) => ({ EventId: `e-${calls.length}-${i}` })) };
    },
  };
}

/** An order event whose envelope is about `bytes` long (padding in a data field the schema keeps). */
function eventOfSize(id: string, bytes: number) {
  const event = orderEvent(id, 1);
  const base = Buffer.byteLength(JSON.stringify({ ...event, data: { ...event.data, customerId: '' } }));
  return { ...event, data: { ...event.data, customerId: 'x'.repeat(Math.max(0, bytes - base)) } };
}

const marker = { runId: 'run-1', replayedAt: '2026-11-30T00:00:00.000Z' };

describe('Function: busTarget (entry sizes)', () => {
  it('sends calls whose entries total under 256 KiB, however few entries that makes', async () => {
    const bus = recordingBus();
    const target = busTarget({ bus, busName: 'b', marker, description: 'bus' });
    const events = [1, 2, 3].map((n) => eventOfSize(`big-${n}`, 100_000));
    const outcomes = await target.send(events);
    expect(outcomes.every((o) => o.status === 'sent')).toBe(true);
    // Three ≈ 100 KB entries cannot share one call (10 entries per call alone would allow it).
    expect(bus.calls.map((c) => c.length)).toEqual([2, 1]);
    for (const call of bus.calls) {
      expect(call.reduce((sum, e) => sum + putEventsEntrySize(e), 0)).toBeLessThan(262_144);
    }
  });

  it('fails, without sending, an event that fits the envelope limit but not with the replay marker', async () => {
    const bus = recordingBus();
    const target = busTarget({ bus, busName: 'b', marker, description: 'bus' });
    const nearLimit = eventOfSize('near-limit', MAX_ENVELOPE_BYTES - 20);
    const small = orderEvent('small', 1);
    const outcomes = await target.send([nearLimit, small]);
    expect(outcomes[0]).toMatchObject({ status: 'failed', message: expect.stringMatching(/replay marker/) });
    expect(outcomes[1]).toEqual({ status: 'sent' });
    expect(bus.calls.flat().map((e) => JSON.parse(e.Detail ?? '{}').envelope.aggregateId)).toEqual(['small']);
  });
});
