import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { CompactEventBuffer, type LineBytes } from './compact-event-buffer.js';
import { type ArchivedEvent, compareEvents } from './event-order.js';
import { lineBatches } from './line-batches.js';
import { decodeSpillRecord, encodeSpillRecord } from './spill-record.js';

/** Options of {@link ExternalEventSorter}. */
export interface ExternalSorterOptions {
  /**
   * Bytes of buffered events (see {@link CompactEventBuffer}) before a sorted run is spilled to disk.
   * @default a quarter of V8's heap limit ({@link defaultMemoryBudgetBytes})
   */
  readonly memoryBudgetBytes?: number;
  /** Parent of the temporary run directory. @default os.tmpdir() */
  readonly tempDir?: string;
  /** Events per batch handed out by `sorted()`. @default 1000 */
  readonly batchSize?: number;
}

/** How the sort went. */
export interface SorterStats {
  readonly events: number;
  /** Sorted runs written to disk (0 = everything fit in memory). */
  readonly spilledRuns: number;
}

/**
 * Sorts archived events into replay order with bounded memory: an external merge sort. Events are buffered up to the
 * budget; a full buffer is sorted and written to a temporary run file (see {@link encodeSpillRecord}); at the end the
 * runs and the last buffer are merged with a binary heap holding one read batch per run. Memory is
 * O(budget + runs × batch).
 */
export class ExternalEventSorter {
  readonly #budget: number;
  readonly #tempParent: string;
  readonly #batchSize: number;
  #buffer = new CompactEventBuffer();
  #runs: string[] = [];
  #directory: string | undefined;
  #events = 0;
  #spilling: Promise<void> = Promise.resolve();

  constructor(options: ExternalSorterOptions = {}) {
    this.#budget = options.memoryBudgetBytes ?? defaultMemoryBudgetBytes();
    if (!Number.isFinite(this.#budget) || this.#budget <= 0) {
      throw new RangeError(`memoryBudgetBytes must be a positive number, got ${this.#budget}`);
    }
    this.#tempParent = options.tempDir ?? tmpdir();
    this.#batchSize = options.batchSize ?? 1000;
  }

  /**
   * Adds one event (with its line's bytes when the caller has them, to keep instead of copying); returns a promise
   * only when a spill is due (await it to bound memory).
   */
  add(item: ArchivedEvent, lineBytes?: LineBytes): Promise<void> | undefined {
    this.#buffer.add(item, lineBytes);
    this.#events++;
    if (this.#buffer.bytes < this.#budget) return undefined;
    const full = this.#buffer;
    this.#buffer = new CompactEventBuffer();
    this.#spilling = this.#spilling.then(() => this.#spill(full));
    return this.#spilling;
  }

  get stats(): SorterStats {
    return { events: this.#events, spilledRuns: this.#runs.length };
  }

  /** Every added event in replay order, in batches. Call once, after the last `add`. */
  async *sorted(): AsyncGenerator<ArchivedEvent[]> {
    await this.#spilling;
    const last = this.#buffer;
    this.#buffer = new CompactEventBuffer();
    if (this.#runs.length === 0) {
      yield* last.drainSorted(this.#batchSize);
      return;
    }
    const sources: AsyncIterator<ArchivedEvent[]>[] = this.#runs.map((file) => readRun(file));
    if (last.size > 0) sources.push(asyncBatches(last.drainSorted(this.#batchSize)));
    yield* mergeSorted(sources, this.#batchSize);
  }

  /** Removes the temporary run files. */
  async dispose(): Promise<void> {
    await this.#spilling.catch(() => undefined);
    if (this.#directory !== undefined) await rm(this.#directory, { recursive: true, force: true });
    this.#directory = undefined;
    this.#runs = [];
  }

  async #spill(full: CompactEventBuffer): Promise<void> {
    this.#directory ??= await mkdtemp(join(this.#tempParent, 'replay-sort-'));
    const file = join(this.#directory, `run-${this.#runs.length}.tsv`);
    const out = createWriteStream(file);
    for (const batch of full.drainSorted(2000)) {
      let text = '';
      for (const event of batch) text += `${encodeSpillRecord(event)}\n`;
      if (!out.write(text)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    this.#runs.push(file);
  }
}

/** A quarter of V8's heap limit: room for the sort's own arrays and the rest of the process, on a laptop or a Lambda. */
export function defaultMemoryBudgetBytes(): number {
  return Math.floor(getHeapStatistics().heap_size_limit / 4);
}

async function* readRun(file: string): AsyncGenerator<ArchivedEvent[]> {
  for await (const batch of lineBatches(createReadStream(file, { highWaterMark: 1024 * 1024 }))) {
    const out: ArchivedEvent[] = [];
    for (const text of batch.lines) {
      if (text.length > 0) out.push(decodeSpillRecord(text));
    }
    if (out.length > 0) yield out;
  }
}

async function* asyncBatches(batches: Iterable<ArchivedEvent[]>): AsyncGenerator<ArchivedEvent[]> {
  yield* batches;
}

interface Head {
  batch: ArchivedEvent[];
  index: number;
  readonly source: AsyncIterator<ArchivedEvent[]>;
}

/** K-way merge of sorted batch sources with a binary min-heap; awaits only when a source's batch runs out. */
async function* mergeSorted(
  sources: AsyncIterator<ArchivedEvent[]>[],
  size: number,
): AsyncGenerator<ArchivedEvent[]> {
  const heap: Head[] = [];
  for (const source of sources) {
    const first = await source.next();
    if (first.done !== true && first.value.length > 0) heap.push({ batch: first.value, index: 0, source });
  }
  const at = (i: number) => {
    const h = heap[i] as Head;
    return h.batch[h.index] as ArchivedEvent;
  };
  const down = (start: number) => {
    let i = start;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && compareEvents(at(l), at(m)) < 0) m = l;
      if (r < heap.length && compareEvents(at(r), at(m)) < 0) m = r;
      if (m === i) return;
      const t = heap[i] as Head;
      heap[i] = heap[m] as Head;
      heap[m] = t;
      i = m;
    }
  };
  for (let i = Math.floor(heap.length / 2) - 1; i >= 0; i--) down(i);
  let out: ArchivedEvent[] = [];
  while (heap.length > 0) {
    const top = heap[0] as Head;
    out.push(top.batch[top.index] as ArchivedEvent);
    if (out.length >= size) {
      yield out;
      out = [];
    }
    top.index++;
    if (top.index >= top.batch.length) {
      const next = await top.source.next();
      if (next.done === true || next.value.length === 0) {
        const tail = heap.pop() as Head;
        if (heap.length > 0 && tail !== top) heap[0] = tail;
      } else {
        top.batch = next.value;
        top.index = 0;
      }
    }
    if (heap.length > 0) down(0);
  }
  if (out.length > 0) yield out;
}
