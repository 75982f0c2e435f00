import { appendFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  EventBusClosedError,
  InvalidEventPatternError,
  InvalidRuleError,
  type LocalEventBus,
  openEventBus,
  PutEventsValidationError,
} from '../../local/bus/index.js';

const fast = { baseDelayMs: 1, maxDelayMs: 5, maximumRetryAttempts: 3 };

function entry(type: string, detail: Record<string, unknown>, source = 'pipeline.order') {
  return { EventBusName: 'pipeline', Source: source, DetailType: type, Detail: JSON.stringify(detail) };
}

/** A loopback webhook that answers `status(callNumber)` and records the bodies it accepted. */
async function startWebhook(status: (call: number) => number, delayMs = 0) {
  const received: unknown[] = [];
  let calls = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      calls += 1;
      const code = status(calls);
      setTimeout(() => {
        if (code < 300) received.push(JSON.parse(body));
        res.writeHead(code).end();
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    calls: () => calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('Class: LocalEventBus', () => {
  let dataDir: string;
  const cleanups: (() => Promise<void>)[] = [];
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'bus-'));
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
    await rm(dataDir, { recursive: true, force: true });
  });
  afterAll(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  async function open(
    rules: Parameters<typeof openEventBus>[0]['rules'],
    extra = {},
  ): Promise<LocalEventBus> {
    const bus = await openEventBus({ name: 'pipeline', dataDir, rules, retry: fast, ...extra });
    cleanups.push(() => bus.close());
    return bus;
  }

  it('routes each event to the queues of the rules it matches, in order, and reports EventIds', async () => {
    const bus = await open([
      { name: 'placed', eventPattern: { 'detail-type': ['OrderPlaced'] } },
      { name: 'big', eventPattern: JSON.stringify({ detail: { amount: [{ numeric: ['>=', 100] }] } }) },
      { name: 'off', eventPattern: { source: [{ prefix: '' }] }, state: 'DISABLED' },
    ]);
    const result = await bus.putEvents([
      entry('OrderPlaced', { n: 1 }),
      entry('OrderPaid', { n: 2, amount: 150 }),
      entry('OrderPlaced', { n: 3, amount: 500 }),
      entry('OrderPaid', { n: 4, amount: 5 }),
    ]);
    expect(result.FailedEntryCount).toBe(0);
    expect(result.Entries.every((e) => typeof e.EventId === 'string')).toBe(true);
    const placed = await bus.queue('placed').read();
    expect(placed.map((e) => e.detail.n)).toEqual([1, 3]);
    expect(placed[0]).toMatchObject({
      version: '0',
      source: 'pipeline.order',
      'detail-type': 'OrderPlaced',
      account: '000000000000',
      region: 'us-east-1',
      resources: [],
      id: result.Entries[0]?.EventId,
    });
    expect((await bus.queue('big').read()).map((e) => e.detail.n)).toEqual([2, 3]);
    expect(await bus.queue('off').count()).toBe(0);
    expect(bus.stats()).toMatchObject({ putEvents: 1, entriesAccepted: 4, matched: 4, delivered: 4 });
  });

  it('fails bad entries alone and whole calls over the limits', async () => {
    const bus = await open([{ name: 'all', eventPattern: { source: [{ prefix: '' }] } }]);
    const result = await bus.putEvents([
      entry('OrderPlaced', { n: 1 }),
      { ...entry('OrderPlaced', {}), Detail: 'not json' },
      { ...entry('OrderPlaced', {}), EventBusName: 'elsewhere' },
    ]);
    expect(result.FailedEntryCount).toBe(2);
    expect(result.Entries.map((e) => e.ErrorCode)).toEqual([
      undefined,
      'MalformedDetail',
      'ResourceNotFoundException',
    ]);
    expect(await bus.queue('all').count()).toBe(1);
    await expect(bus.putEvents(Array(11).fill(entry('X', {})))).rejects.toThrow(PutEventsValidationError);
    await expect(bus.putEvents([])).rejects.toThrow(PutEventsValidationError);
  });

  it('keeps queues across a restart and repairs a torn last line', async () => {
    const first = await open([{ name: 'all', eventPattern: { source: [{ prefix: '' }] } }]);
    await first.putEvents([entry('A', { n: 1 }), entry('B', { n: 2 })]);
    await first.close();
    await appendFile(first.queuePath('all'), '{"torn":');
    const second = await open([{ name: 'all', eventPattern: { source: [{ prefix: '' }] } }]);
    expect(await second.queue('all').count()).toBe(2);
    await second.putEvents([entry('C', { n: 3 })]);
    expect((await second.queue('all').read()).map((e) => e.detail.n)).toEqual([1, 2, 3]);
  });

  it('retries a failing webhook with backoff, then delivers in order', async () => {
    const hook = await startWebhook((call) => (call <= 2 ? 500 : 200));
    cleanups.push(hook.close);
    const bus = await open([
      { name: 'hooked', eventPattern: { source: [{ prefix: '' }] }, webhook: { url: hook.url } },
    ]);
    await bus.putEvents([entry('A', { n: 1 }), entry('B', { n: 2 })]);
    await bus.idle();
    expect(hook.received.map((e) => (e as { detail: { n: number } }).detail.n)).toEqual([1, 2]);
    expect(hook.calls()).toBe(4);
    expect(bus.stats()).toMatchObject({ retried: 2, deadLettered: 0, delivered: 4, inFlight: 0 });
    expect(await bus.deadLetterQueue('hooked').count()).toBe(0);
  });

  it('dead-letters an event whose webhook keeps failing, with the error and the event', async () => {
    const hook = await startWebhook(() => 503);
    cleanups.push(hook.close);
    const bus = await open([
      {
        name: 'broken',
        eventPattern: { source: [{ prefix: '' }] },
        webhook: { url: hook.url },
        retry: { maximumRetryAttempts: 2 },
      },
    ]);
    const { Entries } = await bus.putEvents([entry('A', { n: 1 })]);
    await bus.idle();
    expect(hook.calls()).toBe(3);
    const [letter, ...rest] = await bus.deadLetterQueue('broken').read();
    expect(rest).toEqual([]);
    expect(letter).toMatchObject({
      ruleName: 'broken',
      ruleArn: 'arn:aws:events:us-east-1:000000000000:rule/pipeline/broken',
      target: 'webhook',
      targetUrl: hook.url,
      errorCode: 'HTTP_503',
      exhaustedRetryCondition: 'MaximumRetryAttempts',
      retryAttempts: 2,
      event: { id: Entries[0]?.EventId, detail: { n: 1 } },
    });
    // The queue target still got it: DLQs are per target.
    expect(await bus.queue('broken').count()).toBe(1);
    expect(bus.stats()).toMatchObject({ deadLettered: 1, retried: 2 });
  });

  it('close() waits for in-flight webhook deliveries and then refuses new events', async () => {
    const hook = await startWebhook(() => 200, 150);
    cleanups.push(hook.close);
    const bus = await open([
      { name: 'slow', eventPattern: { source: [{ prefix: '' }] }, webhook: { url: hook.url } },
    ]);
    await bus.putEvents([entry('A', { n: 1 }), entry('B', { n: 2 }), entry('C', { n: 3 })]);
    expect(bus.stats().inFlight).toBeGreaterThanOrEqual(1);
    await bus.close();
    expect(hook.received).toHaveLength(3);
    expect(bus.stats().inFlight).toBe(0);
    await expect(bus.putEvents([entry('D', {})])).rejects.toThrow(EventBusClosedError);
  });

  it('dead-letters events whose queue cannot be written, and fails the entry if the DLQ cannot be either', async () => {
    const bus = await open([
      { name: 'q', eventPattern: { 'detail-type': ['A'] } },
      { name: 'both', eventPattern: { 'detail-type': ['B'] } },
    ]);
    // A directory where the file should be makes every append fail (EISDIR).
    await mkdir(bus.queuePath('q'));
    await mkdir(bus.queuePath('both'));
    await mkdir(bus.deadLetterQueuePath('both'));
    const result = await bus.putEvents([entry('A', { n: 1 }), entry('B', { n: 2 })]);
    expect(result.Entries[0]?.EventId).toBeDefined();
    expect(result.Entries[1]).toMatchObject({ ErrorCode: 'InternalException' });
    expect(result.FailedEntryCount).toBe(1);
    const [letter] = await bus.deadLetterQueue('q').read();
    expect(letter).toMatchObject({ target: 'queue', errorCode: 'EISDIR', event: { detail: { n: 1 } } });
    expect(bus.stats()).toMatchObject({ deadLettered: 1, deadLetterFailures: 1, retried: 6 });
  });

  it('rejects invalid rules', async () => {
    const bus = await open([]);
    await expect(
      bus.putRule({ name: 'bad name!', eventPattern: { source: [{ prefix: '' }] } }),
    ).rejects.toThrow(InvalidRuleError);
    await expect(
      bus.putRule({
        name: 'remote',
        eventPattern: { source: [{ prefix: '' }] },
        webhook: { url: 'http://example.com/x' },
      }),
    ).rejects.toThrow(/loopback/);
    await expect(bus.putRule({ name: 'p', eventPattern: { source: 'x' } })).rejects.toThrow(
      InvalidEventPatternError,
    );
    expect(() => bus.queue('nope')).toThrow(InvalidRuleError);
  });
});
