import type { AggregateRegistry } from '../aggregates/registry.js';
import { decodeEnvelopeBytes, parseEnvelope } from '../envelope/codec.js';
import { EnvelopeError, PoisonReason } from '../envelope/errors.js';
import type { Envelope } from '../envelope/schema.js';
import { mapWithConcurrency } from '../store/map-with-concurrency.js';
import { parseArchiveKey } from './archive-key.js';
import { archiveObjectLines } from './archive-object-lines.js';
import type { ArchiveObject, ArchiveSource } from './archive-source.js';
import { ArchiveReadError } from './errors.js';
import { compileEventFilter, type EventFilter } from './event-filter.js';
import { type ArchivedEvent, archivedEvent, compareEvents, type ReplayCursor } from './event-order.js';
import { ExternalEventSorter } from './external-sorter.js';
import { archiveHourPrefixes, type TimeRange } from './time-range.js';

/** What to do with a corrupt object or a bad line. */
export type BadInputPolicy = 'skip' | 'fail';

/** A corrupt object or bad line, with where it is. */
export interface ArchiveIssue {
  readonly key: string;
  /** 1-based; absent when the object as a whole could not be read (bad gzip, read error). */
  readonly line?: number;
  readonly reason: string;
}

/** The span of one object's kept events in replay order. */
export interface ObjectRange {
  readonly min: ReplayCursor;
  readonly max: ReplayCursor;
}

const cursorOf = (item: ArchivedEvent): ReplayCursor => ({ key: item.key, sequence: item.sequence });

/** Counters of a scan. */
export interface ScanStats {
  objects: number;
  bytes: number;
  /** Non-empty lines read. */
  lines: number;
  /** Envelopes decoded and valid. */
  decoded: number;
  /** Valid envelopes the filter dropped. */
  filteredOut: number;
  /** Envelopes kept for ordering (duplicates included). */
  kept: number;
  badLines: number;
  corruptObjects: number;
}

/** Progress of the read phase. */
export interface ScanProgress {
  readonly objectsDone: number;
  readonly objectsTotal: number;
  readonly stats: Readonly<ScanStats>;
}

/** Options of {@link listArchiveObjects}. */
export interface ListArchiveOptions {
  readonly source: ArchiveSource;
  /** Records that arrived in this range are replayed (with whatever else their objects hold). */
  readonly range: TimeRange;
  /** @default 'events/' */
  readonly prefix?: string;
  /** How much later than its object's hour folder a record may have arrived. @default DEFAULT_ARRIVAL_SLACK_MS */
  readonly arrivalSlackMs?: number;
}

/**
 * Lists, paginated and in key order, the objects of every hour folder that can hold records that arrived in the range
 * ({@link archiveHourPrefixes}); keys outside an hour folder are ignored.
 */
export async function listArchiveObjects(options: ListArchiveOptions): Promise<ArchiveObject[]> {
  const objects: ArchiveObject[] = [];
  const prefixes = archiveHourPrefixes(options.prefix ?? 'events/', options.range, options.arrivalSlackMs);
  for (const prefix of prefixes) {
    for await (const object of options.source.list(prefix)) {
      if (parseArchiveKey(object.key) !== undefined) objects.push(object);
    }
  }
  return objects;
}

/** Options of {@link scanArchive}. */
export interface ScanArchiveOptions {
  readonly source: ArchiveSource;
  readonly objects: readonly ArchiveObject[];
  readonly registry: AggregateRegistry;
  readonly filter?: EventFilter;
  /** Validate `data` against the registry's schema (not only the envelope). @default true */
  readonly validateData?: boolean;
  /** @default 'skip' */
  readonly badInput?: BadInputPolicy;
  /** Objects read at once. @default 4 */
  readonly concurrency?: number;
  /** Estimated bytes of buffered events before sorted runs spill to disk. @default a quarter of V8's heap limit */
  readonly memoryBudgetBytes?: number;
  readonly tempDir?: string;
  readonly onIssue?: (issue: ArchiveIssue) => void;
  readonly onProgress?: (progress: ScanProgress) => void;
  /** Called when an object has been read whole (for checkpoints). */
  readonly onObjectRead?: (object: ArchiveObject) => void;
}

/** The read phase's result: counts, issues, and the events in replay order. */
export interface ArchiveScan {
  readonly stats: Readonly<ScanStats>;
  readonly issues: readonly ArchiveIssue[];
  /** Per object, the first and last position (replay order) of its kept events; absent when it kept none. */
  readonly objectRanges: ReadonlyMap<string, ObjectRange>;
  /** How many sorted runs went to disk. */
  readonly spilledRuns: number;
  /** The kept events in replay order, in batches (call once). */
  ordered(): AsyncGenerator<ArchivedEvent[]>;
  /** Removes temporary files. */
  dispose(): Promise<void>;
}

const MAX_REPORTED_ISSUES = 1000;

/**
 * Reads the objects (GetObject → gunzip → lines → envelope + registry validation → filter), streaming each object,
 * and sorts the kept events into replay order with bounded memory (see {@link ExternalEventSorter}).
 * With `badInput: 'fail'` the first bad object or line rejects with an {@link ArchiveReadError}.
 */
export async function scanArchive(options: ScanArchiveOptions): Promise<ArchiveScan> {
  const predicate = compileEventFilter(options.filter);
  const validateData = options.validateData ?? true;
  const policy = options.badInput ?? 'skip';
  const sorter = new ExternalEventSorter({
    ...(options.memoryBudgetBytes === undefined ? {} : { memoryBudgetBytes: options.memoryBudgetBytes }),
    ...(options.tempDir === undefined ? {} : { tempDir: options.tempDir }),
  });
  const stats: ScanStats = {
    objects: 0,
    bytes: 0,
    lines: 0,
    decoded: 0,
    filteredOut: 0,
    kept: 0,
    badLines: 0,
    corruptObjects: 0,
  };
  const issues: ArchiveIssue[] = [];
  const report = (issue: ArchiveIssue) => {
    if (issues.length < MAX_REPORTED_ISSUES) issues.push(issue);
    options.onIssue?.(issue);
    if (policy === 'fail') {
      throw new ArchiveReadError(
        `${issue.key}${issue.line === undefined ? '' : `:${issue.line}`}: ${issue.reason}`,
        issue.key,
        issue.line,
      );
    }
  };

  const decode = (line: string, bytes: Buffer): Envelope => {
    // The line was decoded leniently (bad bytes become U+FFFD); the processor's strict codec then says not-utf8
    // for invalid UTF-8 exactly as it does for a Kinesis record, and decodes a genuine U+FFFD as usual.
    if (line.includes('\uFFFD')) {
      const envelope = decodeEnvelopeBytes(bytes);
      return validateData ? options.registry.validate(envelope) : envelope;
    }
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (cause) {
      throw new EnvelopeError(PoisonReason.NotJson, [{ path: '', message: (cause as Error).message }]);
    }
    const envelope = parseEnvelope(value);
    return validateData ? options.registry.validate(envelope) : envelope;
  };

  const objectRanges = new Map<string, ObjectRange>();
  const readObject = async (object: ArchiveObject) => {
    let lineNumber = 0;
    const range: { min?: ArchivedEvent; max?: ArchivedEvent } = {};
    try {
      for await (const batch of archiveObjectLines(options.source, object.key)) {
        for (let i = 0; i < batch.lines.length; i++) {
          const line = batch.lines[i] as string;
          lineNumber = batch.firstLine + i;
          if (line.length === 0 || line === '\r') continue;
          stats.lines++;
          let envelope: Envelope;
          try {
            envelope = decode(
              line,
              batch.bytes.subarray(batch.byteOffsets[i] as number, (batch.byteOffsets[i + 1] as number) - 1),
            );
          } catch (error) {
            if (!(error instanceof EnvelopeError)) throw error;
            stats.badLines++;
            report({ key: object.key, line: lineNumber, reason: error.message });
            continue;
          }
          stats.decoded++;
          if (!predicate(envelope)) {
            stats.filteredOut++;
            continue;
          }
          stats.kept++;
          const item = archivedEvent(envelope, line);
          if (range.min === undefined || compareEvents(item, range.min) < 0) range.min = item;
          if (range.max === undefined || compareEvents(item, range.max) > 0) range.max = item;
          const start = batch.byteOffsets[i] as number;
          const spill = sorter.add(item, {
            bytes: batch.bytes,
            start,
            end: (batch.byteOffsets[i + 1] as number) - 1,
          });
          if (spill !== undefined) await spill;
        }
      }
    } catch (error) {
      if (error instanceof ArchiveReadError) throw error;
      stats.corruptObjects++;
      report({
        key: object.key,
        reason: `unreadable object after line ${lineNumber}: ${(error as Error).message}`,
      });
    }
    if (range.min !== undefined && range.max !== undefined) {
      objectRanges.set(object.key, { min: cursorOf(range.min), max: cursorOf(range.max) });
    }
    stats.objects++;
    stats.bytes += object.size;
    options.onObjectRead?.(object);
    options.onProgress?.({ objectsDone: stats.objects, objectsTotal: options.objects.length, stats });
  };

  try {
    await mapWithConcurrency(options.objects, options.concurrency ?? 4, readObject);
  } catch (error) {
    await sorter.dispose();
    throw error;
  }
  return {
    stats,
    issues,
    objectRanges,
    get spilledRuns() {
      return sorter.stats.spilledRuns;
    },
    ordered: () => sorter.sorted(),
    dispose: () => sorter.dispose(),
  };
}
