import {
  type EventBusPort,
  fitsPutEvents,
  type PutEventsRequestEntry,
  putEventsBatches,
  putEventsEntrySize,
} from '../bus-bridge/index.js';
import type { Envelope } from '../envelope/schema.js';
import { type Backoff, backoffDelayMs } from '../retry/backoff.js';
import { mapWithConcurrency } from '../store/map-with-concurrency.js';
import type { DeliveryOutcome, ReplayTarget } from './replay-target.js';

/** The marker a replayed bus event carries in `detail.replay`, so consumers can tell it from a live event. */
export interface ReplayMarker {
  readonly runId: string;
  readonly replayedAt: string;
}

/** Options of {@link busTarget}. */
export interface BusTargetOptions {
  readonly bus: EventBusPort;
  readonly busName: string;
  /** `source = <sourcePrefix>.<aggregateType>`, as the Pipe sets it. @default 'pipeline' */
  readonly sourcePrefix?: string;
  readonly marker: ReplayMarker;
  readonly description: string;
  /** PutEvents calls in flight. @default 4 */
  readonly concurrency?: number;
  /** Attempts per entry (failed entries and failed calls are retried with backoff). @default 4 */
  readonly attempts?: number;
  /** @default 100 */
  readonly baseDelayMs?: number;
}

/** The bus entry of a replayed event: the Pipe's shape (`detail = { envelope }`) plus `detail.replay`. */
export function replayBusEntry(
  envelope: Envelope,
  options: Pick<BusTargetOptions, 'busName' | 'sourcePrefix' | 'marker'>,
): PutEventsRequestEntry {
  return {
    EventBusName: options.busName,
    Source: `${options.sourcePrefix ?? 'pipeline'}.${envelope.aggregateType}`,
    DetailType: envelope.type,
    Detail: JSON.stringify({ envelope, replay: options.marker }),
    Time: envelope.occurredAt,
  };
}

/**
 * Puts events on an EventBridge bus (or the local bus) in calls of ≤ 10 entries. The bus keeps no order, so entries
 * go out concurrently; consumers order by `sequence` and dedupe by `eventId` as for live events.
 */
export function busTarget(options: BusTargetOptions): ReplayTarget {
  const concurrency = options.concurrency ?? 4;
  const attempts = options.attempts ?? 4;
  // Equal jitter: a retried call waits at least half its ceiling, so a throttled bus is not hit again at once.
  const backoff: Backoff = {
    baseDelayMs: options.baseDelayMs ?? 100,
    maxDelayMs: Number.POSITIVE_INFINITY,
    jitter: 'equal',
  };
  return {
    description: options.description,
    async send(events: readonly Envelope[]): Promise<DeliveryOutcome[]> {
      const outcomes: DeliveryOutcome[] = new Array(events.length);
      const entries = events.map((envelope) => replayBusEntry(envelope, options));
      const indexes: number[] = [];
      entries.forEach((entry, index) => {
        // The replay marker makes the entry larger than the live one: AWS would refuse it, so it is not sent.
        const size = putEventsEntrySize(entry);
        if (fitsPutEvents(size)) indexes.push(index);
        else
          outcomes[index] = {
            status: 'failed',
            message: `the bus entry with the replay marker is ${size} bytes; PutEvents takes under 262,144`,
          };
      });
      const batches = putEventsBatches(indexes, (i) => entries[i] as PutEventsRequestEntry);
      await mapWithConcurrency(batches, concurrency, async (batch) => {
        let pending = batch;
        let lastError = '';
        for (let attempt = 1; attempt <= attempts && pending.length > 0; attempt++) {
          if (attempt > 1) await sleep(backoffDelayMs(attempt - 1, backoff, Math.random()));
          try {
            const result = await options.bus.putEvents(
              pending.map((i) => entries[i] as PutEventsRequestEntry),
            );
            const retry: number[] = [];
            pending.forEach((i, n) => {
              const entry = result.Entries[n];
              if (entry?.EventId !== undefined && entry.ErrorCode === undefined) {
                outcomes[i] = { status: 'sent' };
              } else {
                lastError = `${entry?.ErrorCode ?? 'NoResult'}: ${entry?.ErrorMessage ?? ''}`;
                retry.push(i);
              }
            });
            pending = retry;
          } catch (error) {
            lastError = (error as Error).message;
          }
        }
        for (const i of pending) outcomes[i] = { status: 'failed', message: lastError };
      });
      return outcomes;
    },
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
