import { type ArchivedEvent, compareEvents } from './event-order.js';

/** Bytes of the first copy chunk; each next one doubles, up to the largest (a longer line gets a chunk of its own). */
const FIRST_CHUNK_BYTES = 64 * 1024;
const LARGEST_CHUNK_BYTES = 16 * 1024 * 1024;
/** Worst-case UTF-8 bytes per UTF-16 unit, to be sure a line fits before writing it. */
const MAX_UTF8_PER_UNIT = 3;
/** Typed-array bytes and the eventId string per event; heap per distinct aggregate or type (key, map entry, list ends). */
const BYTES_PER_EVENT = 90;
const BYTES_PER_KEY = 160;
const INITIAL_CAPACITY = 1024;

/** Where an event's line already is as UTF-8 bytes (the decompressed chunk it was read from): kept, not copied. */
export interface LineBytes {
  readonly bytes: Buffer;
  readonly start: number;
  readonly end: number;
}

/**
 * Buffered events for the external sort, held mostly off the JavaScript heap: envelope lines as UTF-8 bytes (the
 * decompressed chunks they were read from, or copied into large chunks), numbers in typed arrays, each aggregate key
 * and event type once, and a linked list of events per aggregate. Buffering a million events this way creates about
 * one heap object per event (its eventId) instead of five, so the garbage collector has little to move while the read
 * side fills the budget, and putting the buffer in replay order sorts only the distinct keys. Lines are decoded again
 * when events are handed out.
 */
export class CompactEventBuffer {
  #chunks: Buffer[] = [];
  /** The chunk copies are written into, and how much of it is used. */
  #arena: Buffer | undefined;
  #arenaIndex = -1;
  #chunkUsed = 0;
  #arenaBytes = 0;
  #count = 0;
  #chunkOf = new Uint32Array(INITIAL_CAPACITY);
  #offset = new Uint32Array(INITIAL_CAPACITY);
  #lineBytes = new Uint32Array(INITIAL_CAPACITY);
  #eventIds: string[] = [];
  #sequence = new Float64Array(INITIAL_CAPACITY);
  #type = new Uint32Array(INITIAL_CAPACITY);
  /** Next event of the same aggregate, or -1. */
  #next = new Int32Array(INITIAL_CAPACITY);
  #keys: string[] = [];
  #keyIds = new Map<string, number>();
  #head: number[] = [];
  #tail: number[] = [];
  #types: string[] = [];
  #typeIds = new Map<string, number>();

  /** Events held. */
  get size(): number {
    return this.#count;
  }

  /** Memory held, in bytes (chunks, arrays, keys). */
  get bytes(): number {
    return (
      this.#arenaBytes +
      this.#count * BYTES_PER_EVENT +
      (this.#keys.length + this.#types.length) * BYTES_PER_KEY
    );
  }

  /**
   * Adds one event. With `lineBytes` (the line's UTF-8 bytes, which must decode to `event.line`) the bytes are kept
   * by reference, and their whole buffer counts toward `bytes`; otherwise the line is copied.
   */
  add(event: ArchivedEvent, lineBytes?: LineBytes): void {
    if (this.#count === this.#next.length) this.#grow();
    const i = this.#count++;
    if (lineBytes === undefined) {
      const worst = event.line.length * MAX_UTF8_PER_UNIT;
      let arena = this.#arena;
      if (arena === undefined || this.#chunkUsed + worst > arena.length) {
        const size =
          arena === undefined ? FIRST_CHUNK_BYTES : Math.min(arena.length * 2, LARGEST_CHUNK_BYTES);
        arena = Buffer.allocUnsafe(Math.max(size, worst));
        this.#arena = arena;
        this.#arenaIndex = this.#register(arena);
        this.#chunkUsed = 0;
      }
      const start = this.#chunkUsed;
      const length = arena.write(event.line, start, 'utf8');
      this.#chunkUsed = start + length;
      this.#chunkOf[i] = this.#arenaIndex;
      this.#offset[i] = start;
      this.#lineBytes[i] = length;
    } else {
      const last = this.#chunks.length - 1;
      this.#chunkOf[i] = this.#chunks[last] === lineBytes.bytes ? last : this.#register(lineBytes.bytes);
      this.#offset[i] = lineBytes.start;
      this.#lineBytes[i] = lineBytes.end - lineBytes.start;
    }
    this.#eventIds[i] = event.eventId;
    this.#sequence[i] = event.sequence;
    this.#type[i] = this.#typeId(event.type);
    this.#next[i] = -1;
    const key = this.#keyIds.get(event.key);
    if (key === undefined) {
      this.#keyIds.set(event.key, this.#keys.length);
      this.#keys.push(event.key);
      this.#head.push(i);
      this.#tail.push(i);
    } else {
      this.#next[this.#tail[key] as number] = i;
      this.#tail[key] = i;
    }
  }

  /** The events in replay order (key, sequence, eventId), in batches; the buffer is empty afterwards. */
  *drainSorted(batchSize: number): Generator<ArchivedEvent[]> {
    const keys = this.#keys;
    const order = keys.map((_, k) => k).sort((a, b) => compareStrings(keys[a] as string, keys[b] as string));
    let batch: ArchivedEvent[] = [];
    const group: ArchivedEvent[] = [];
    for (const k of order) {
      const key = keys[k] as string;
      group.length = 0;
      for (let i = this.#head[k] as number; i >= 0; i = this.#next[i] as number) {
        const event = this.#event(i, key);
        // Insertion sort: an aggregate's events mostly arrive in sequence order.
        let j = group.length;
        group.push(event);
        while (j > 0 && compareEvents(group[j - 1] as ArchivedEvent, event) > 0) {
          group[j] = group[j - 1] as ArchivedEvent;
          j--;
        }
        group[j] = event;
      }
      for (const event of group) {
        batch.push(event);
        if (batch.length >= batchSize) {
          yield batch;
          batch = [];
        }
      }
    }
    this.clear();
    if (batch.length > 0) yield batch;
  }

  /** Drops every event and releases the chunks. */
  clear(): void {
    this.#chunks = [];
    this.#arena = undefined;
    this.#arenaIndex = -1;
    this.#eventIds = [];
    this.#chunkUsed = 0;
    this.#arenaBytes = 0;
    this.#count = 0;
    this.#keys = [];
    this.#keyIds = new Map();
    this.#head = [];
    this.#tail = [];
    this.#types = [];
    this.#typeIds = new Map();
  }

  #event(i: number, key: string): ArchivedEvent {
    const chunk = this.#chunks[this.#chunkOf[i] as number] as Buffer;
    const start = this.#offset[i] as number;
    return {
      key,
      sequence: this.#sequence[i] as number,
      eventId: this.#eventIds[i] as string,
      type: this.#types[this.#type[i] as number] as string,
      line: chunk.toString('utf8', start, start + (this.#lineBytes[i] as number)),
    };
  }

  #register(chunk: Buffer): number {
    this.#chunks.push(chunk);
    this.#arenaBytes += chunk.length;
    return this.#chunks.length - 1;
  }

  #typeId(type: string): number {
    let id = this.#typeIds.get(type);
    if (id === undefined) {
      id = this.#types.length;
      this.#types.push(type);
      this.#typeIds.set(type, id);
    }
    return id;
  }

  #grow(): void {
    const capacity = this.#next.length * 2;
    const grow = <T extends Uint32Array | Int32Array | Float64Array>(old: T, make: (n: number) => T): T => {
      const bigger = make(capacity);
      bigger.set(old);
      return bigger;
    };
    this.#chunkOf = grow(this.#chunkOf, (n) => new Uint32Array(n));
    this.#offset = grow(this.#offset, (n) => new Uint32Array(n));
    this.#lineBytes = grow(this.#lineBytes, (n) => new Uint32Array(n));
    this.#sequence = grow(this.#sequence, (n) => new Float64Array(n));
    this.#type = grow(this.#type, (n) => new Uint32Array(n));
    this.#next = grow(this.#next, (n) => new Int32Array(n));
  }
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
