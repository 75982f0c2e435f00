import { archiveObjectLines } from '../processors/replay/archive-object-lines.js';
import type { ArchiveSource } from '../processors/replay/archive-source.js';
import { hourPrefixes } from '../processors/replay/time-range.js';
import { type EventCounter, envelopeIn } from './event-counter.js';

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

/**
 * Reads the archive incrementally: each poll lists the hour folders since the run began and reads only
 * objects not read before (GZIP, one envelope per line), counting this run's eventIds.
 */
export class ArchiveReader {
  readonly #read = new Set<string>();

  constructor(private readonly options: ArchiveReaderOptions) {}

  /** Objects read so far. */
  get objects(): number {
    return this.#read.size;
  }

  /** Reads the objects written since the last poll. */
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
        for await (const batch of archiveObjectLines(source, object.key)) {
          for (const line of batch.lines) {
            if (line.trim() === '') continue;
            try {
              const envelope = envelopeIn(JSON.parse(line));
              if (envelope !== undefined) counter.add(envelope);
            } catch {
              // A line that is not JSON is not one of ours; the archive check counts only this run's events.
            }
          }
        }
        this.#read.add(object.key);
      }
    }
  }
}
