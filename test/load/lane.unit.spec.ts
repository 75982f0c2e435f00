import { describe, expect, it } from 'vitest';
import { attemptStatusOfError } from '../../load/lane.js';
import { RunLedger } from '../../load/ledger.js';
import type { Envelope } from '../../processors/envelope/index.js';
import { seededLane } from './lane-fixture.js';

function laneWith(ledger: RunLedger, aggregates = 3, maxAttempts = 3) {
  return seededLane({ listener: ledger, seed: 7, aggregates, eventsPerRequest: 4, maxAttempts });
}

const body = (text: string) => JSON.parse(text) as Envelope[];

describe('Class: Lane', () => {
  it('emits each aggregate in contiguous sequence order, OrderPlaced first', () => {
    const ledger = new RunLedger();
    const lane = laneWith(ledger);
    const seen = new Map<string, number[]>();
    for (let i = 0; i < 20; i++) {
      for (const e of body(lane.nextBody(i)))
        seen.set(e.aggregateId, [...(seen.get(e.aggregateId) ?? []), e.sequence]);
      lane.respond(202, i);
    }
    for (const sequences of seen.values()) expect(sequences).toEqual(sequences.map((_, i) => i + 1));
    expect(ledger.counts()).toEqual({ sent: 80, accepted: 80, rejected: 0, uncertain: 0 });
    const first = [...ledger.aggregates.values()].map((events) => events[0]?.sequence);
    expect(first.every((s) => s === 1)).toBe(true);
  });

  it('retries a 503 and an unanswered request with the same body before sending anything new', () => {
    const ledger = new RunLedger();
    const lane = laneWith(ledger);
    const first = lane.nextBody(1);
    lane.respond(503, 2);
    expect(lane.nextBody(3)).toBe(first);
    // No answer at all (timeout, reconnect): the next call resends it too.
    expect(lane.nextBody(4)).toBe(first);
    lane.respond(202, 5);
    expect(lane.nextBody(6)).not.toBe(first);
    const events = body(first).map((e) => ledger.event(e.eventId));
    expect(events.every((e) => e?.outcome === 'accepted' && e.attempts === 3 && e.acceptedAt === 5)).toBe(
      true,
    );
  });

  it('gives up after maxAttempts as uncertain and replaces those aggregates with fresh ones', () => {
    const ledger = new RunLedger();
    const lane = laneWith(ledger, 2, 2);
    const first = body(lane.nextBody(1));
    lane.respond(500, 2);
    lane.nextBody(3);
    lane.respond(500, 4);
    expect(lane.hasPending).toBe(false);
    expect(first.every((e) => ledger.event(e.eventId)?.outcome === 'uncertain')).toBe(true);
    const given = new Set(first.map((e) => e.aggregateId));
    for (const e of body(lane.nextBody(5))) expect(given.has(e.aggregateId)).toBe(false);
  });

  it('does not retry a 400: the events are rejected (nothing was written)', () => {
    const ledger = new RunLedger();
    const lane = laneWith(ledger);
    const first = body(lane.nextBody(1));
    lane.respond(400, 2);
    expect(lane.hasPending).toBe(false);
    expect(first.every((e) => ledger.event(e.eventId)?.outcome === 'rejected')).toBe(true);
  });

  it('retries a refused connection as refused; refused alone ends rejected, after a timeout uncertain', () => {
    const ledger = new RunLedger();
    const lane = laneWith(ledger, 3, 2);
    const first = body(lane.nextBody(1));
    lane.respond('refused', 2);
    expect(lane.hasPending).toBe(true);
    lane.nextBody(3);
    lane.respond('refused', 4);
    expect(ledger.requests.map((r) => r.status)).toEqual(['refused', 'refused']);
    // Never reached ingest: nothing was written, so the verifier may require these events to be absent.
    expect(first.every((e) => ledger.event(e.eventId)?.outcome === 'rejected')).toBe(true);

    const second = body(lane.nextBody(5));
    lane.nextBody(6); // unanswered: a timeout, which may have been written
    lane.respond('refused', 7);
    expect(ledger.requests.slice(2).map((r) => r.status)).toEqual(['timeout', 'refused']);
    expect(second.every((e) => ledger.event(e.eventId)?.outcome === 'uncertain')).toBe(true);
  });
});

describe('attemptStatusOfError', () => {
  it('tells a refused connection (as node, fetch and a dual-stack host report it) from no answer', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    expect(attemptStatusOfError(refused)).toBe('refused');
    expect(attemptStatusOfError(new TypeError('fetch failed', { cause: refused }))).toBe('refused');
    expect(attemptStatusOfError(new AggregateError([refused, refused]))).toBe('refused');
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    expect(attemptStatusOfError(new TypeError('fetch failed', { cause: reset }))).toBe('timeout');
    expect(attemptStatusOfError(new DOMException('aborted', 'TimeoutError'))).toBe('timeout');
  });
});
