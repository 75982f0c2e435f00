import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ArchivedEvent, compareEvents } from './event-order.js';
import { lineBatches } from './line-batches.js';

/** Options of {@link ExternalEventSorter}. */
export interface ExternalSorterOptions {
  /** Events held in memory before a sorted run is spilled to disk. @default 500_000 */
  readonly memoryBudgetEvents?: number;
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
 * budget; a full buffer is sorted and written to a temporary run file (a small JSON header with the sort fields, a
 * tab, the envelope line); at the end the runs and the last buffer are merged with a binary heap holding one read
 * batch per run. Memory is O(budget + runs × batch).
 */
export class ExternalEventSorter {
  readonly #budget: number;
  readonly #tempParent: string;
  readonly #batchSize: number;
  #buffer: ArchivedEvent[] = [];
  #runs: string[] = [];
  #directory: string | undefined;
  #events = 0;
  #spilling: Promise<void> = Promise.resolve();

  constructor(options: ExternalSorterOptions = {}) {
    this.#budget = options.memoryBudgetEvents ?? 500_000;
    if (!Number.isInteger(this.#budget) || this.#budget < 1) {
      throw new RangeError('memoryBudgetEvents must be an integer ≥ 1');
    }
    this.#tempParent = options.tempDir ?? tmpdir();
    this.#batchSize = options.batchSize ?? 1000;
  }

  /** Adds one event; returns a promise only when a spill is due (await it to bound memory). */
  add(item: ArchivedEvent): Promise<void> | undefined {
    this.#buffer.push(item);
    this.#events++;
    if (this.#buffer.length < this.#budget) return undefined;
    const full = this.#buffer;
    this.#buffer = [];
    this.#spilling = this.#spilling.then(() => this.#spill(full));
    return this.#spilling;
  }

  get stats(): SorterStats {
    return { events: this.#events, spilledRuns: this.#runs.length };
  }

  /** Every added event in replay order, in batches. Call once, after the last `add`. */
  async *sorted(): AsyncGenerator<ArchivedEvent[]> {
    await this.#spilling;
    const last = this.#buffer.sort(compareEvents);
    this.#buffer = [];
    if (this.#runs.length === 0) {
      for (let i = 0; i < last.length; i += this.#batchSize) yield last.slice(i, i + this.#batchSize);
      return;
    }
    const sources: AsyncIterator<ArchivedEvent[]>[] = this.#runs.map((file) => readRun(file));
    if (last.length > 0) sources.push(arrayBatches(last, this.#batchSize));
    yield* mergeSorted(sources, this.#batchSize);
  }

  /** Removes the temporary run files. */
  async dispose(): Promise<void> {
    await this.#spilling.catch(() => undefined);
    if (this.#directory !== undefined) await rm(this.#directory, { recursive: true, force: true });
    this.#directory = undefined;
    this.#runs = [];
  }

  async #spill(events: ArchivedEvent[]): Promise<void> {
    events.sort(compareEvents);
    this.#directory ??= await mkdtemp(join(this.#tempParent, 'replay-sort-'));
    const file = join(this.#directory, `run-${this.#runs.length}.tsv`);
    const out = createWriteStream(file);
    const BATCH = 2000;
    for (let i = 0; i < events.length; i += BATCH) {
      let text = '';
      const end = Math.min(events.length, i + BATCH);
      for (let j = i; j < end; j++) {
        const e = events[j] as ArchivedEvent;
        // JSON.stringify escapes tabs, so the first raw tab ends the header.
        text += `${JSON.stringify([e.key, e.sequence, e.eventId, e.type])}\t${e.line}\n`;
      }
      if (!out.write(text)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    this.#runs.push(file);
  }
}

async function* readRun(file: string): AsyncGenerator<ArchivedEvent[]> {
  for await (const batch of lineBatches(createReadStream(file, { highWaterMark: 1024 * 1024 }))) {
    const out: ArchivedEvent[] = [];
    for (const text of batch.lines) {
      if (text.length === 0) continue;
      const tab = text.indexOf('\t');
      const [key, sequence, eventId, type] = JSON.parse(text.slice(0, tab)) as [
        string,
        number,
        string,
        string,
      ];
      out.push({ key, sequence, eventId, type, line: text.slice(tab + 1) });
    }
    if (out.length > 0) yield out;
  }
}

async function* arrayBatches(items: readonly ArchivedEvent[], size: number): AsyncGenerator<ArchivedEvent[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
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
