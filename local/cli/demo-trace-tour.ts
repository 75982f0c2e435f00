import { randomBytes } from 'node:crypto';
import { type KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { ulid } from 'ulid';
import { generateOrderEvents } from '../../processors/aggregates/order-events.js';
import type { Envelope } from '../../processors/envelope/index.js';
import { localIngestEndpoint, postEvents } from '../ingest/index.js';
import type { RunningLocalStack } from '../stack/index.js';

/** The events of the traced tour, each to follow with `npm run trace -- <eventId>`. */
export interface TraceTour {
  /** Event 1 of the tour's order: applied at once. */
  readonly applied: string;
  /** Event 3, sent before event 2: buffered behind the gap, applied once event 2 arrives. */
  readonly buffered: string;
  /** A record that is not a valid envelope (sequence 0), written straight to the stream: quarantined. */
  readonly quarantined: string;
}

/**
 * Sends the demo's traced tour through a running stack and waits for each step: events 1 and 3 of one new order
 * through `POST /events` (ingest stamps their trace context), a poison record with its own `traceparent` through
 * PutRecords (ingest would refuse it), then event 2. Rejects when a step is not seen within `timeoutMs`.
 */
export async function runTraceTour(
  stack: RunningLocalStack,
  kinesis: KinesisClient,
  options: { readonly aggregateIdPrefix: string; readonly timeoutMs?: number },
): Promise<TraceTour> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const [first, second, third] = generateOrderEvents({
    aggregates: 1,
    eventsPerAggregate: 3,
    random: Math.random,
    aggregateIdPrefix: options.aggregateIdPrefix,
    startTime: new Date(),
  }) as [Envelope, Envelope, Envelope];
  const before = stack.stats();
  await post(stack, [first, third]);
  await waitFor(
    'event 3 to be buffered behind the gap',
    timeoutMs,
    () => stack.stats().buffered > before.buffered,
  );

  const poison = {
    ...first,
    eventId: ulid(),
    aggregateId: `${first.aggregateId}-poison`,
    sequence: 0,
    traceparent: `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`,
  };
  const put = await kinesis.send(
    new PutRecordsCommand({
      StreamName: stack.endpoints.stream.name,
      Records: [{ Data: Buffer.from(JSON.stringify(poison)), PartitionKey: poison.aggregateId }],
    }),
  );
  if ((put.FailedRecordCount ?? 0) > 0) throw new Error('PutRecords refused the poison record');
  await waitFor('the poison record to be quarantined', timeoutMs, () => stack.stats().poison > before.poison);

  await post(stack, [second]);
  await waitFor('the order to be applied', timeoutMs, () => stack.stats().applied >= before.applied + 3);
  return { applied: first.eventId, buffered: third.eventId, quarantined: poison.eventId };
}

async function post(stack: RunningLocalStack, envelopes: readonly Envelope[]): Promise<void> {
  const { status, text } = await postEvents(localIngestEndpoint(stack.endpoints), envelopes);
  if (status !== 200 && status !== 202) throw new Error(`ingest answered ${status}: ${text.slice(0, 300)}`);
}

async function waitFor(what: string, timeoutMs: number, check: () => boolean): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  // Bounded by the deadline.
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
