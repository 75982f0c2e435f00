import { backoffDelayMs } from '../retry/backoff.js';
import { ProducerFailureReason, type ProducerResult, type PutRecordsEntryOutcome } from './types.js';

export type { PutRecordsEntryOutcome } from './types.js';

/** Limits and retry settings of the planner. */
export interface PlannerSettings {
  /** Backoff ceiling of the first retry; doubles per retry (full jitter). */
  readonly baseDelayMs: number;
  /** Largest backoff ceiling. */
  readonly maxDelayMs: number;
  readonly maxBatchRecords: number;
  readonly maxBatchBytes: number;
  readonly maxRecordBytes: number;
  readonly maxPartitionKeyLength: number;
  /** Random source of the backoff jitter, in [0, 1). */
  readonly random: () => number;
}

/** An entry as the planner sees it: no payload, only what ordering and batching decide on. */
export interface PlannedEntry {
  /** Caller-chosen id, unique among unsettled entries. */
  readonly id: number;
  readonly partitionKey: string;
  /** Bytes counted against the batch limit: data plus UTF-8 partition key, as Kinesis counts them. */
  readonly size: number;
  /** Epoch ms after which the entry is no longer sent or retried. */
  readonly deadline: number;
}

/** An entry that reached its final state. */
export interface Settlement {
  readonly id: number;
  readonly result: ProducerResult;
}

interface EntryState {
  readonly entry: PlannedEntry;
  readonly invalid: string | undefined;
  attempts: number;
  lastError: string | undefined;
  /** Largest batch this entry may go in; halved each time a batch with it is refused as a whole for its input. */
  batchCap: number;
}

interface KeyState {
  readonly partitionKey: string;
  readonly queue: EntryState[];
  head: number;
  inFlight: boolean;
  /** Where the key is: idle (nothing sendable or in flight), ready to send, or backing off until `readyAt`. */
  place: 'idle' | 'ready' | 'waiting';
  readyAt: number;
}

// Stop looking for an entry that still fits a byte-full batch after this many misfits in a row.
const MAX_MISFITS = 32;

function partitionKeyProblem(partitionKey: string, maxLength: number): string | undefined {
  if (partitionKey.length === 0) return 'partition key is empty';
  // Counted in UTF-16 code units, as kinesalite counts it; the API reference names no unit and this is the stricter
  // reading. Over it, Kinesis refuses the whole call, every other entry in it included.
  if (partitionKey.length > maxLength) {
    return `partition key is ${partitionKey.length} UTF-16 code units; the limit is ${maxLength}`;
  }
  return undefined;
}

/**
 * The ordering and batching decisions of the producer, without I/O, clock or randomness of its own
 * (time comes in as arguments, jitter from `settings.random`), so it can be property-tested.
 *
 * Invariants: a partition key has at most one entry in flight; a key's entries are sent in enqueue order;
 * an entry is sent again only after its previous attempt settled as retryable or to be isolated (then in a batch at
 * most half the size of the refused one, so an entry at fault ends alone and fails alone); when an entry fails, every
 * entry queued behind it on the same key fails too (`predecessor-failed`), so nothing overtakes it.
 */
export class OrderedBatchPlanner {
  readonly #settings: PlannerSettings;
  readonly #keys = new Map<string, KeyState>();
  readonly #entries = new Map<number, EntryState>();
  // FIFO of keys ready to send; `#readyHead` avoids O(n) shifts.
  #ready: KeyState[] = [];
  #readyHead = 0;
  #waiting: KeyState[] = [];
  #settled: Settlement[] = [];

  constructor(settings: PlannerSettings) {
    this.#settings = settings;
  }

  /** Entries enqueued and not settled yet. */
  get unsettled(): number {
    return this.#entries.size;
  }

  /** Appends an entry to its partition key's queue. */
  enqueue(entry: PlannedEntry): void {
    if (this.#entries.has(entry.id)) throw new Error(`entry id ${entry.id} is already queued`);
    const invalid =
      partitionKeyProblem(entry.partitionKey, this.#settings.maxPartitionKeyLength) ??
      (entry.size > this.#settings.maxRecordBytes
        ? `record is ${entry.size} bytes with its partition key; the limit is ${this.#settings.maxRecordBytes}`
        : undefined);
    const state: EntryState = {
      entry,
      invalid,
      attempts: 0,
      lastError: undefined,
      batchCap: Number.POSITIVE_INFINITY,
    };
    this.#entries.set(entry.id, state);
    let key = this.#keys.get(entry.partitionKey);
    if (key === undefined) {
      key = {
        partitionKey: entry.partitionKey,
        queue: [],
        head: 0,
        inFlight: false,
        place: 'idle',
        readyAt: 0,
      };
      this.#keys.set(entry.partitionKey, key);
    }
    key.queue.push(state);
    if (key.place === 'idle' && !key.inFlight) this.#makeReady(key);
  }

  /**
   * Picks the next batch: at most one entry per partition key, none of a key in flight or backing off,
   * within the record and byte limits. Entries found invalid or past their deadline are settled instead.
   * @returns the ids to send in one PutRecords call, in order, or `undefined` when nothing can be sent now.
   */
  nextBatch(now: number): number[] | undefined {
    this.#promoteWaiting(now);
    const ids: number[] = [];
    let bytes = 0;
    let misfits = 0;
    let scanned = 0;
    let cap = this.#settings.maxBatchRecords;
    const available = this.#ready.length - this.#readyHead;
    while (ids.length < cap && scanned < available && misfits < MAX_MISFITS) {
      const key = this.#ready[this.#readyHead] as KeyState;
      this.#ready[this.#readyHead] = undefined as unknown as KeyState;
      this.#readyHead += 1;
      scanned += 1;
      key.place = 'idle';
      const head = key.queue[key.head] as EntryState;
      if (head.invalid !== undefined) {
        this.#fail(key, ProducerFailureReason.InvalidEntry, head.invalid);
        continue;
      }
      if (now >= head.entry.deadline) {
        this.#fail(
          key,
          ProducerFailureReason.DeadlineExceeded,
          head.lastError === undefined
            ? 'not sent before the deadline'
            : `not written before the deadline; last error: ${head.lastError}`,
        );
        continue;
      }
      if (bytes + head.entry.size > this.#settings.maxBatchBytes || ids.length + 1 > head.batchCap) {
        misfits += 1;
        this.#makeReady(key);
        continue;
      }
      misfits = 0;
      cap = Math.min(cap, head.batchCap);
      bytes += head.entry.size;
      head.attempts += 1;
      key.inFlight = true;
      ids.push(head.entry.id);
    }
    this.#compactReady();
    return ids.length > 0 ? ids : undefined;
  }

  /** Records the outcome of each entry of a sent batch (`outcomes` aligned with `ids`). */
  settle(ids: readonly number[], outcomes: readonly PutRecordsEntryOutcome[], now: number): void {
    if (ids.length !== outcomes.length) {
      throw new Error(`settle: ${ids.length} ids but ${outcomes.length} outcomes`);
    }
    for (const [index, id] of ids.entries()) {
      const state = this.#entries.get(id);
      const key = state === undefined ? undefined : this.#keys.get(state.entry.partitionKey);
      if (state === undefined || key === undefined || !key.inFlight || key.queue[key.head] !== state) {
        throw new Error(`settle: entry ${id} is not in flight`);
      }
      key.inFlight = false;
      const outcome = outcomes[index] as PutRecordsEntryOutcome;
      switch (outcome.kind) {
        case 'written':
          this.#finish(key, {
            status: 'written',
            shardId: outcome.shardId,
            sequenceNumber: outcome.sequenceNumber,
            attempts: state.attempts,
          });
          break;
        case 'reject':
          state.lastError = outcome.message;
          this.#fail(key, ProducerFailureReason.Rejected, outcome.message);
          break;
        case 'isolate':
          state.lastError = outcome.message;
          if (ids.length === 1) {
            // Alone in its call, so it is the entry at fault.
            this.#fail(key, ProducerFailureReason.InvalidEntry, outcome.message);
          } else {
            // Not retrying a transient fault: no backoff, only a smaller batch, so the fault is found in log2(n) rounds.
            state.batchCap = Math.ceil(ids.length / 2);
            this.#makeReady(key);
          }
          break;
        case 'retry': {
          state.lastError = outcome.message;
          const readyAt = now + backoffDelayMs(state.attempts, this.#settings, this.#settings.random());
          if (readyAt >= state.entry.deadline) {
            this.#fail(
              key,
              ProducerFailureReason.DeadlineExceeded,
              `not written before the deadline after ${state.attempts} attempt(s); last error: ${outcome.message}`,
            );
          } else {
            key.place = 'waiting';
            key.readyAt = readyAt;
            this.#waiting.push(key);
          }
          break;
        }
        default: {
          const never: never = outcome;
          throw new Error(`settle: unknown outcome ${JSON.stringify(never)}`);
        }
      }
    }
  }

  /** The earliest time a backing-off key becomes sendable, if any key is backing off. */
  nextWakeAt(): number | undefined {
    let earliest: number | undefined;
    for (const key of this.#waiting) {
      if (earliest === undefined || key.readyAt < earliest) earliest = key.readyAt;
    }
    return earliest;
  }

  /** Returns and forgets the entries that reached their final state since the last call. */
  drainSettled(): Settlement[] {
    const settled = this.#settled;
    this.#settled = [];
    return settled;
  }

  #makeReady(key: KeyState): void {
    key.place = 'ready';
    this.#ready.push(key);
  }

  #promoteWaiting(now: number): void {
    if (this.#waiting.length === 0) return;
    const still: KeyState[] = [];
    for (const key of this.#waiting) {
      if (key.readyAt <= now) this.#makeReady(key);
      else still.push(key);
    }
    this.#waiting = still;
  }

  #compactReady(): void {
    if (this.#readyHead > 1024 && this.#readyHead * 2 > this.#ready.length) {
      this.#ready = this.#ready.slice(this.#readyHead);
      this.#readyHead = 0;
    }
  }

  /** Settles the key's head entry and moves the key on. */
  #finish(key: KeyState, result: ProducerResult): void {
    const head = key.queue[key.head] as EntryState;
    key.queue[key.head] = undefined as unknown as EntryState;
    key.head += 1;
    this.#entries.delete(head.entry.id);
    this.#settled.push({ id: head.entry.id, result });
    this.#advance(key);
  }

  /** Fails the key's head entry and every entry queued behind it, so none of them can overtake it. */
  #fail(key: KeyState, reason: ProducerFailureReason, message: string): void {
    const head = key.queue[key.head] as EntryState;
    this.#entries.delete(head.entry.id);
    this.#settled.push({
      id: head.entry.id,
      result: { status: 'failed', reason, message, attempts: head.attempts },
    });
    for (let i = key.head + 1; i < key.queue.length; i += 1) {
      const follower = key.queue[i] as EntryState;
      this.#entries.delete(follower.entry.id);
      this.#settled.push({
        id: follower.entry.id,
        result: {
          status: 'failed',
          reason: ProducerFailureReason.PredecessorFailed,
          message: `an earlier record of partition key ${JSON.stringify(key.partitionKey)} failed (${reason}); writing this one would reorder the key`,
          attempts: follower.attempts,
        },
      });
    }
    key.queue.length = 0;
    key.head = 0;
    this.#advance(key);
  }

  #advance(key: KeyState): void {
    if (key.head >= key.queue.length) {
      key.queue.length = 0;
      key.head = 0;
      key.place = 'idle';
      this.#keys.delete(key.partitionKey);
      return;
    }
    if (key.head > 64 && key.head * 2 > key.queue.length) {
      key.queue.splice(0, key.head);
      key.head = 0;
    }
    this.#makeReady(key);
  }
}
