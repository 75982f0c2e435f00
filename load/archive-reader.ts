import { archiveObjectLines } from '../processors/replay/archive-object-lines.js';
import type { ArchiveSource } from '../processors/replay/archive-source.js';
import { hourPrefixes } from '../processors/replay/time-range.js';
import { type EventCounter, envelopeIn, type SeenEnvelope } from './event-counter.js';

/** Options of {@link ArchiveReader}. */
export interface ArchiveReaderOptions {
  /** Where the archive is read (S3 or s3rver through `S3ArchiveSource`, a directory in tests). */
  readonly source: ArchiveSource;
  /** The archive's key prefix, e.g. `events/`. */
  readonly prefix: string;
  /** When the run began: hour folders before it are not listed. */
  readonly since: Date;
  readonly counter: EventCounter;
}

// A minute of slack either side: objects are keyed by their write time, which trails the events.
const SLACK_MS = 60_000;
/** Reads of one object before it is left as unreadable (a corrupt object fails every time). */
export const MAX_OBJECT_ATTEMPTS = 3;

/**
 * Reads the archive incrementally: each poll lists the hour folders since the run began and reads only
 * objects not read before (GZIP, one envelope per line), counting this run's eventIds. An object that cannot be
 * read (GetObject or gunzip fails) does not stop the others: what it yielded before the error is counted once,
 * it is retried on the next polls up to {@link MAX_OBJECT_ATTEMPTS} reads, and its key stays in the counter's
 * `unreadable` list until a read succeeds.
 */
export class ArchiveReader {
  readonly #read = new Set<string>();
  /** Per object not yet read whole: reads tried, and envelopes of its readable start already counted. */
  readonly #partial = new Map<string, { attempts: number; counted: number }>();

  constructor(private readonly options: ArchiveReaderOptions) {}

  /** Objects read whole so far. */
  get objects(): number {
    return this.#read.size;
  }

  /** Reads the objects written since the last poll (and retries unreadable ones). */
  async poll(now = new Date()): Promise<void> {
    const { source, prefix, since, counter } = this.options;
    // Every hour folder from the hour of (since − slack) to the hour of (now + slack), that one included.
    const range = {
      from: new Date(since.getTime() - SLACK_MS),
      to: new Date(now.getTime() + SLACK_MS + 1),
    };
    for (const hour of hourPrefixes(prefix, range)) {
      for await (const object of source.list(hour)) {
        if (this.#read.has(object.key)) continue;
        const partial = this.#partial.get(object.key) ?? { attempts: 0, counted: 0 };
        if (partial.attempts >= MAX_OBJECT_ATTEMPTS) continue;
        partial.attempts += 1;
        this.#partial.set(object.key, partial);
        const envelopes: SeenEnvelope[] = [];
        let error: unknown;
        try {
          for await (const batch of archiveObjectLines(source, object.key)) {
            for (const line of batch.lines) {
              const envelope = envelopeOfLine(line);
              if (envelope !== undefined) envelopes.push(envelope);
            }
          }
        } catch (caught) {
          error = caught;
        }
        // The same object yields the same lines: count only what an earlier, failed read did not reach.
        for (const envelope of envelopes.slice(partial.counted)) counter.add(envelope);
        partial.counted = Math.max(partial.counted, envelopes.length);
        if (error === undefined) {
          this.#read.add(object.key);
          this.#partial.delete(object.key);
          counter.markRead(object.key);
        } else {
          counter.markUnreadable(
            object.key,
            `${(error as Error).message ?? String(error)} (read ${partial.attempts} time(s), ${envelopes.length} line(s) readable)`,
          );
        }
      }
    }
  }
}

function envelopeOfLine(line: string): SeenEnvelope | undefined {
  if (line.trim() === '') return undefined;
  try {
    return envelopeIn(JSON.parse(line));
  } catch {
    // A line that is not JSON is not one of ours; the archive check counts only this run's events.
    return undefined;
  }
}
