import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drivePhase } from '../../load/autocannon-driver.js';
import { Lane } from '../../load/lane.js';
import { RunLedger } from '../../load/ledger.js';
import { loadOrderStream } from '../../load/order-stream.js';
import { settlePendingRequests } from '../../load/pending-settler.js';
import { planPhase } from '../../load/request-plan.js';
import { createSeededRandom } from '../../processors/aggregates/index.js';
import { DEFAULT_ORDER_EVENT_MIX } from '../../processors/aggregates/order-events.js';
import type { Envelope } from '../../processors/envelope/index.js';
import { seededLane } from './lane-fixture.js';

// A loopback ingest stand-in that answers every third request with 503: the driver must retry on the same
// connection, keep each aggregate on one connection, and never send an aggregate's sequences out of order.
describe('drivePhase against a flaky ingest', () => {
  let server: Server;
  let url: string;
  const socketOf = new Map<string, Set<Socket>>();
  const received = new Map<string, number[]>();
  const written = new Map<string, number[]>();
  let count = 0;

  beforeAll(async () => {
    server = createServer((request, response) => {
      let text = '';
      request.on('data', (chunk) => {
        text += chunk;
      });
      request.on('end', () => {
        const events = JSON.parse(text) as Envelope[];
        count += 1;
        const fail = count % 3 === 0;
        for (const e of events) {
          socketOf.set(e.aggregateId, (socketOf.get(e.aggregateId) ?? new Set()).add(request.socket));
          received.set(e.aggregateId, [...(received.get(e.aggregateId) ?? []), e.sequence]);
          if (!fail) written.set(e.aggregateId, [...(written.get(e.aggregateId) ?? []), e.sequence]);
        }
        response.writeHead(fail ? 503 : 202, { 'content-type': 'application/json' });
        response.end(fail ? '{"written":[],"failed":[]}' : '{"results":[]}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('retries failures in place and keeps every aggregate ordered on its own connection', async () => {
    const ledger = new RunLedger();
    const random = createSeededRandom(11);
    let n = 0;
    const newStream = () => loadOrderStream(`agg-${n++}`, DEFAULT_ORDER_EVENT_MIX, random);
    const streams = Array.from({ length: 12 }, newStream);
    const lanes = Array.from(
      { length: 4 },
      (_, index) =>
        new Lane({
          index,
          streams: streams.filter((_, j) => j % 4 === index),
          eventsPerRequest: 5,
          maxAttempts: 10,
          random,
          newStream,
          listener: ledger,
        }),
    );
    const plan = planPhase({ rate: 400, durationSeconds: 1 }, 5, 4);
    await drivePhase({ eventsUrl: url, token: 't', plan, lanes, requestTimeoutSeconds: 5, maxSeconds: 20 });
    // During the phase each aggregate travels on one connection (the settling retries below use fetch).
    for (const sockets of socketOf.values()) expect(sockets.size).toBe(1);
    await settlePendingRequests(lanes, { eventsUrl: url, token: 't', timeoutSeconds: 5 });

    expect(ledger.requests.some((r) => r.status === 503)).toBe(true);
    expect(ledger.counts().uncertain).toBe(0);
    for (const [aggregateId, sequences] of written) {
      // What the target wrote, per aggregate: 1, 2, 3, … with no gap, no repeat, no reorder.
      expect(sequences, aggregateId).toEqual(sequences.map((_, i) => i + 1));
      // Nothing is ever sent past the next sequence (a retry may resend lower ones): no gap is created.
      let highest = 0;
      for (const sequence of received.get(aggregateId) ?? []) {
        expect(sequence).toBeLessThanOrEqual(highest + 1);
        highest = Math.max(highest, sequence);
      }
    }
    const accepted = [...ledger.events()].filter((e) => e.outcome === 'accepted').length;
    expect(accepted).toBe([...written.values()].reduce((sum, s) => sum + s.length, 0));
  });
});

describe('drivePhase against a port where nothing listens', () => {
  it('records refused connections as refused, not as timeouts, and gives their events up as rejected', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const ledger = new RunLedger();
    const lane = seededLane({
      listener: ledger,
      seed: 3,
      aggregates: 2,
      eventsPerRequest: 2,
      maxAttempts: 3,
    });
    const plan = planPhase({ rate: 20, durationSeconds: 1 }, 2, 1);
    await drivePhase({
      eventsUrl: `http://127.0.0.1:${port}/events`,
      token: 't',
      plan,
      lanes: [lane],
      requestTimeoutSeconds: 5,
      maxSeconds: 10,
    });
    lane.abandon(Date.now());
    const statuses = new Set(ledger.requests.map((r) => r.status));
    expect(statuses).toEqual(new Set(['refused']));
    const counts = ledger.counts();
    expect(counts.rejected).toBeGreaterThan(0);
    expect(counts.accepted + counts.uncertain).toBe(0);
  });
});
