import { PutRecordsCommand, type PutRecordsResultEntry } from '@aws-sdk/client-kinesis';
import { classifyCallError, classifyEntryError, describeError } from './call-error-classification.js';
import {
  MAX_PARTITION_KEY_LENGTH,
  type OrderedProducerOptions,
  type ResolvedProducerOptions,
  resolveProducerOptions,
} from './options.js';
import { OrderedBatchPlanner, type PutRecordsEntryOutcome } from './planner.js';
import type { OrderedProducer, ProducerEntry, ProducerResult, PutObserver } from './types.js';

interface PendingPut {
  readonly results: ProducerResult[];
  remaining: number;
  readonly resolve: (results: ProducerResult[]) => void;
  readonly observer: PutObserver | undefined;
}

type CallAnswered = (outcomes: readonly PutRecordsEntryOutcome[]) => void;

interface Waiter {
  readonly put: PendingPut;
  readonly index: number;
  readonly entry: ProducerEntry;
}

/** Bytes Kinesis counts for a record: the data blob plus the UTF-8 partition key. */
export function recordSize(entry: ProducerEntry): number {
  return entry.data.byteLength + Buffer.byteLength(entry.partitionKey, 'utf8');
}

function toOutcome(result: PutRecordsResultEntry | undefined): PutRecordsEntryOutcome {
  if (result === undefined)
    return { kind: 'retry', message: 'PutRecords returned no result for this record' };
  if (result.ErrorCode !== undefined && result.ErrorCode !== null) {
    const message = `${result.ErrorCode}: ${result.ErrorMessage ?? ''}`;
    return { kind: classifyEntryError(result.ErrorCode), message };
  }
  if (result.ShardId === undefined || result.SequenceNumber === undefined) {
    return { kind: 'retry', message: 'PutRecords result has neither an error nor a sequence number' };
  }
  return { kind: 'written', shardId: result.ShardId, sequenceNumber: result.SequenceNumber };
}

/**
 * Creates an ordering-preserving Kinesis producer: PutRecords batches of ≤ 500 records and ≤ 5 MiB, never
 * two records of one partition key in flight at once (so a partial failure cannot reorder a key), retries
 * of throttled and failed entries with exponential backoff and full jitter until the deadline, and a
 * result for every entry.
 *
 * @example
 * const producer = createOrderedProducer({ client: kinesis, streamName: 'events' });
 * const results = await producer.put([{ partitionKey: 'order-1', data: bytes }]);
 * if (results[0]?.status === 'failed') console.error(results[0].reason, results[0].message);
 */
export function createOrderedProducer(options: OrderedProducerOptions): OrderedProducer {
  const settings: ResolvedProducerOptions = resolveProducerOptions(options);
  const planner = new OrderedBatchPlanner({
    maxBatchRecords: settings.maxBatchRecords,
    maxBatchBytes: settings.maxBatchBytes,
    maxRecordBytes: settings.maxRecordBytes,
    maxPartitionKeyLength: MAX_PARTITION_KEY_LENGTH,
    baseDelayMs: settings.baseDelayMs,
    maxDelayMs: settings.maxDelayMs,
    random: settings.random,
  });
  const waiters = new Map<number, Waiter>();
  let nextId = 0;
  let inFlight = 0;
  let timer: NodeJS.Timeout | undefined;
  let timerAt = Number.POSITIVE_INFINITY;

  function deliverSettled(): void {
    for (const { id, result } of planner.drainSettled()) {
      const waiter = waiters.get(id);
      if (waiter === undefined) continue;
      waiters.delete(id);
      waiter.put.results[waiter.index] = result;
      waiter.put.remaining -= 1;
      if (waiter.put.remaining === 0) waiter.put.resolve(waiter.put.results);
    }
  }

  function scheduleWake(): void {
    if (inFlight >= settings.concurrency) return;
    const wakeAt = planner.nextWakeAt();
    if (wakeAt === undefined || (timer !== undefined && timerAt <= wakeAt)) return;
    if (timer !== undefined) clearTimeout(timer);
    timerAt = wakeAt;
    timer = setTimeout(
      () => {
        timer = undefined;
        timerAt = Number.POSITIVE_INFINITY;
        pump();
      },
      Math.max(0, wakeAt - settings.now()),
    );
  }

  function pump(): void {
    while (inFlight < settings.concurrency) {
      const ids = planner.nextBatch(settings.now());
      deliverSettled();
      if (ids === undefined) break;
      inFlight += 1;
      void send(ids);
    }
    scheduleWake();
  }

  /**
   * Tells the observers of the puts whose entries are in this call that it starts; returns what tells them how it
   * ended, or undefined when no put in it is observed (the usual case: nothing is allocated).
   */
  function observeCall(ids: readonly number[]): CallAnswered | undefined {
    let positionsByPut: Map<PendingPut, number[]> | undefined;
    for (const [position, id] of ids.entries()) {
      const { put } = waiters.get(id) as Waiter;
      if (put.observer === undefined) continue;
      positionsByPut ??= new Map();
      const positions = positionsByPut.get(put);
      if (positions === undefined) positionsByPut.set(put, [position]);
      else positions.push(position);
    }
    if (positionsByPut === undefined) return undefined;
    const answers: { answered: CallAnswered; positions: number[] }[] = [];
    for (const [put, positions] of positionsByPut) {
      const indexes = positions.map((p) => (waiters.get(ids[p] as number) as Waiter).index);
      try {
        const observer = put.observer as PutObserver;
        answers.push({ answered: observer.callStarted({ indexes, recordCount: ids.length }), positions });
      } catch {
        // An observer must never stop a write.
      }
    }
    return (outcomes) => {
      for (const { answered, positions } of answers) {
        try {
          answered(positions.map((p) => outcomes[p] as PutRecordsEntryOutcome));
        } catch {
          // As above.
        }
      }
    };
  }

  async function send(ids: number[]): Promise<void> {
    const answered = observeCall(ids);
    let outcomes: PutRecordsEntryOutcome[];
    try {
      const output = await settings.client.send(
        new PutRecordsCommand({
          StreamName: settings.streamName,
          StreamARN: settings.streamArn,
          Records: ids.map((id) => {
            const { entry } = waiters.get(id) as Waiter;
            return {
              PartitionKey: entry.partitionKey,
              Data: entry.data,
              ExplicitHashKey: entry.explicitHashKey,
            };
          }),
        }),
      );
      outcomes = ids.map((_, index) => toOutcome(output.Records?.[index]));
    } catch (error) {
      const outcome: PutRecordsEntryOutcome = {
        kind: classifyCallError(error),
        message: describeError(error),
      };
      outcomes = ids.map(() => outcome);
    }
    answered?.(outcomes);
    inFlight -= 1;
    planner.settle(ids, outcomes, settings.now());
    deliverSettled();
    pump();
  }

  return {
    put(entries, putOptions) {
      if (entries.length === 0) return Promise.resolve([]);
      return new Promise<ProducerResult[]>((resolve) => {
        const put: PendingPut = {
          results: new Array(entries.length),
          remaining: entries.length,
          resolve,
          observer: putOptions?.observer,
        };
        const deadline = settings.now() + settings.deadlineMs;
        for (const [index, entry] of entries.entries()) {
          const id = nextId;
          nextId += 1;
          waiters.set(id, { put, index, entry });
          planner.enqueue({ id, partitionKey: entry.partitionKey, size: recordSize(entry), deadline });
        }
        pump();
      });
    },
  };
}
