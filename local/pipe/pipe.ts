import { setTimeout as sleep } from 'node:timers/promises';
import {
  backoffDelayMs,
  type EventBusPort,
  type NdjsonQueue,
  type PutEventsRequestEntry,
  PutEventsValidationError,
  type RetryPolicy,
  resolveRetryPolicy,
} from '../bus/index.js';
import { chunkPutEventsEntries } from './batching.js';
import { InvalidPipeConfigError, PipeRecordError } from './errors.js';
import { compilePipeFilters, type PipeFilterCriteria } from './filter-criteria.js';
import { type CompiledInputTemplate, compileInputTemplate } from './input-template.js';
import { decodePipeRecord, type PipeKinesisRecord } from './kinesis-record.js';
import { compileEventBusTarget, type PipeEventBusTarget } from './target-parameters.js';

/** The Pipe's retry policy (AWS `MaximumRetryAttempts`, `MaximumRecordAgeInSeconds`), local defaults. */
export interface PipeRetryPolicy {
  /** Retries after the first attempt. @default 3 */
  readonly maximumRetryAttempts: number;
  /** A record older than this (since its arrival in the stream) goes to the DLQ. @default 3_600_000 */
  readonly maximumRecordAgeMs: number;
  /** @default 100 */
  readonly baseDelayMs: number;
  /** @default 2000 */
  readonly maxDelayMs: number;
}

const DEFAULT_PIPE_RETRY: PipeRetryPolicy = {
  maximumRetryAttempts: 3,
  maximumRecordAgeMs: 3_600_000,
  baseDelayMs: 100,
  maxDelayMs: 2_000,
};

/** Options of `createPipe`. */
export interface PipeOptions {
  /** @default 'local-pipe' */
  readonly name?: string;
  /** @default '000000000000' */
  readonly account?: string;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** ARN of the source stream (appears in each event's `eventSourceARN`). */
  readonly sourceArn: string;
  /** @default `arn:aws:iam::<account>:role/<name>` */
  readonly roleArn?: string;
  readonly filters?: PipeFilterCriteria;
  /** Pipes `InputTemplate`; it must render a JSON object (the bus entry's `Detail`). Without one the whole event is the detail. */
  readonly inputTemplate?: string;
  readonly target: PipeEventBusTarget;
  /** Records per batch, 1–10 (an event bus target takes at most 10). @default 10 */
  readonly batchSize?: number;
  readonly bus: EventBusPort;
  readonly retry?: Partial<PipeRetryPolicy>;
  /** Where records go when they can not be delivered. */
  readonly dlq: NdjsonQueue<PipeDeadLetter>;
  /** @default () => new Date() */
  readonly now?: () => Date;
  /** @default Math.random */
  readonly random?: () => number;
}

/** Counts for one `handleBatch` call (or, from `stats()`, since the Pipe was created). */
export interface PipeBatchResult {
  readonly received: number;
  /** Records dropped by the filter criteria. */
  readonly filtered: number;
  /** Records put on the bus. */
  readonly sent: number;
  /** Records written to the DLQ. */
  readonly failed: number;
  /** Entry re-sends after a failure. */
  readonly retried: number;
}

/** A Pipe DLQ message: the record, why it failed, and AWS's Kinesis batch info. */
export interface PipeDeadLetter {
  readonly pipeName: string;
  readonly pipeArn: string;
  readonly errorCode: string;
  readonly errorMessage: string;
  readonly attempts: number;
  readonly failedAt: string;
  readonly record: PipeKinesisRecord;
  readonly KinesisBatchInfo: {
    readonly shardId: string;
    readonly startSequenceNumber: string;
    readonly endSequenceNumber: string;
    readonly streamArn: string;
    readonly batchSize: number;
  };
}

interface Prepared {
  readonly record: PipeKinesisRecord;
  readonly entry: PutEventsRequestEntry;
}

interface Failure {
  readonly record: PipeKinesisRecord;
  readonly code: string;
  readonly message: string;
  readonly attempts: number;
}

// Per-entry errors that a retry can not fix.
const PERMANENT_ENTRY_ERRORS = new Set([
  'MalformedDetail',
  'InvalidArgument',
  'ResourceNotFoundException',
  'AccessDeniedException',
  'NotAuthorizedForSourceException',
]);

/**
 * Creates the local EventBridge Pipe transform: filter → input template → target parameters → `PutEvents`
 * in order, ≤ 10 entries a call, retries, DLQ. It does no Kinesis I/O: a shard reader calls `handleBatch`.
 * Throws `InvalidPipeConfigError` for options AWS would refuse.
 *
 * @example
 * const pipe = createPipe({ sourceArn, bus, dlq, inputTemplate: '{"envelope": <$.data>}',
 *   target: { eventBusName: 'pipeline', detailType: '$.data.type', source: 'pipeline.order' } });
 * const result = await pipe.handleBatch(records);
 */
export function createPipe(options: PipeOptions): LocalPipe {
  return new LocalPipe(options);
}

/** A configured Pipe; see `createPipe`. */
export class LocalPipe {
  readonly name: string;
  readonly arn: string;
  readonly dlq: NdjsonQueue<PipeDeadLetter>;
  readonly #options: PipeOptions;
  readonly #batchSize: number;
  readonly #retry: PipeRetryPolicy;
  readonly #backoff: RetryPolicy;
  readonly #filter: ReturnType<typeof compilePipeFilters>;
  readonly #template: CompiledInputTemplate | undefined;
  readonly #target: ReturnType<typeof compileEventBusTarget>;
  readonly #source: { sourceArn: string; region: string; roleArn: string };
  readonly #targetArn: string;
  readonly #now: () => Date;
  readonly #random: () => number;
  #totals: PipeBatchResult = { received: 0, filtered: 0, sent: 0, failed: 0, retried: 0 };

  constructor(options: PipeOptions) {
    const name = options.name ?? 'local-pipe';
    const account = options.account ?? '000000000000';
    const region = options.region ?? 'us-east-1';
    const batchSize = options.batchSize ?? 10;
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10) {
      throw new InvalidPipeConfigError(
        'batchSize',
        `must be an integer from 1 to 10 for an event bus target, got ${batchSize}`,
      );
    }
    this.#template =
      options.inputTemplate === undefined ? undefined : compileInputTemplate(options.inputTemplate);
    if (this.#template !== undefined && !this.#template.rendersObject) {
      throw new InvalidPipeConfigError(
        'inputTemplate',
        'must render a JSON object, the Detail of each bus entry',
      );
    }
    this.#retry = { ...DEFAULT_PIPE_RETRY, ...definedOnly(options.retry ?? {}) };
    this.#backoff = resolveRetryPolicy({
      maximumRetryAttempts: this.#retry.maximumRetryAttempts,
      maximumEventAgeMs: this.#retry.maximumRecordAgeMs,
      baseDelayMs: this.#retry.baseDelayMs,
      maxDelayMs: this.#retry.maxDelayMs,
    });
    this.#filter = compilePipeFilters(options.filters);
    this.#target = compileEventBusTarget(options.target);
    this.name = name;
    this.arn = `arn:aws:pipes:${region}:${account}:pipe/${name}`;
    this.dlq = options.dlq;
    this.#options = options;
    this.#batchSize = batchSize;
    this.#source = {
      sourceArn: options.sourceArn,
      region,
      roleArn: options.roleArn ?? `arn:aws:iam::${account}:role/${name}`,
    };
    const bus = options.target.eventBusName;
    this.#targetArn = bus.startsWith('arn:') ? bus : `arn:aws:events:${region}:${account}:event-bus/${bus}`;
    this.#now = options.now ?? (() => new Date());
    this.#random = options.random ?? Math.random;
  }

  /** Counts since the Pipe was created. */
  stats(): PipeBatchResult {
    return { ...this.#totals };
  }

  /**
   * Filters, transforms and puts records on the bus in order, `batchSize` at a time, ≤ 10 entries per call.
   * Resolves once every record was sent, filtered out or written to the DLQ, so the caller may checkpoint
   * past the last record; rejects (do not checkpoint) only if the DLQ itself can not be written.
   */
  async handleBatch(records: readonly PipeKinesisRecord[]): Promise<PipeBatchResult> {
    let result: PipeBatchResult = { received: records.length, filtered: 0, sent: 0, failed: 0, retried: 0 };
    for (let start = 0; start < records.length; start += this.#batchSize) {
      const batch = records.slice(start, start + this.#batchSize);
      const counts = await this.#handleOneBatch(batch);
      result = {
        received: result.received,
        filtered: result.filtered + counts.filtered,
        sent: result.sent + counts.sent,
        failed: result.failed + counts.failed,
        retried: result.retried + counts.retried,
      };
    }
    this.#totals = {
      received: this.#totals.received + result.received,
      filtered: this.#totals.filtered + result.filtered,
      sent: this.#totals.sent + result.sent,
      failed: this.#totals.failed + result.failed,
      retried: this.#totals.retried + result.retried,
    };
    return result;
  }

  async #handleOneBatch(batch: readonly PipeKinesisRecord[]): Promise<Omit<PipeBatchResult, 'received'>> {
    const prepared: Prepared[] = [];
    const failures: Failure[] = [];
    let filtered = 0;
    for (const record of batch) {
      const decoded = decodePipeRecord(record, this.#source);
      if (!this.#filter(decoded)) {
        filtered += 1;
        continue;
      }
      try {
        const detail =
          this.#template === undefined
            ? JSON.stringify(decoded.event)
            : this.#template.render(decoded.event, {
                pipeArn: this.arn,
                pipeName: this.name,
                sourceArn: this.#source.sourceArn,
                targetArn: this.#targetArn,
                ingestionTime: this.#now(),
              });
        prepared.push({ record, entry: this.#target.toEntry(decoded.event, detail) });
      } catch (error) {
        const code = error instanceof PipeRecordError ? error.code : 'TransformationFailed';
        failures.push({ record, code, message: (error as Error).message, attempts: 0 });
      }
    }
    let sent = 0;
    let retried = 0;
    for (const chunk of chunkPutEventsEntries(prepared)) {
      const outcome = await this.#send(chunk);
      sent += outcome.sent;
      retried += outcome.retried;
      failures.push(...outcome.failures);
    }
    if (failures.length > 0)
      await this.dlq.append(failures.map((failure) => this.#deadLetter(failure, batch)));
    return { filtered, sent, failed: failures.length, retried };
  }

  /** Puts one chunk, re-sending only the failed entries (in their order) with backoff. */
  async #send(chunk: readonly Prepared[]): Promise<{ sent: number; retried: number; failures: Failure[] }> {
    const failures: Failure[] = [];
    let pending: { item: Prepared; code: string; message: string }[] = chunk.map((item) => ({
      item,
      code: '',
      message: '',
    }));
    let sent = 0;
    let retried = 0;
    const maxAttempts = Math.floor(this.#retry.maximumRetryAttempts) + 1;
    for (let attempt = 1; attempt <= maxAttempts && pending.length > 0; attempt += 1) {
      if (attempt > 1) {
        retried += pending.length;
        await sleep(backoffDelayMs(attempt - 1, this.#backoff, this.#random));
      }
      const now = this.#now().getTime();
      pending = pending.filter((p) => {
        const expired =
          now - p.item.record.approximateArrivalTimestamp * 1000 > this.#retry.maximumRecordAgeMs;
        if (expired) {
          failures.push({
            record: p.item.record,
            code: 'MaximumRecordAgeExceeded',
            message: p.message || 'the record is older than maximumRecordAgeMs',
            attempts: attempt - 1,
          });
        }
        return !expired;
      });
      if (pending.length === 0) break;
      const next: typeof pending = [];
      try {
        const result = await this.#options.bus.putEvents(pending.map((p) => p.item.entry));
        pending.forEach((p, i) => {
          const entry = result.Entries[i];
          if (entry?.ErrorCode === undefined && entry !== undefined) {
            sent += 1;
          } else {
            const code = entry?.ErrorCode ?? 'MissingResultEntry';
            const message = entry?.ErrorMessage ?? 'PutEvents returned no result for this entry';
            if (PERMANENT_ENTRY_ERRORS.has(code))
              failures.push({ record: p.item.record, code, message, attempts: attempt });
            else next.push({ item: p.item, code, message });
          }
        });
      } catch (error) {
        const code = (error as Error).name ?? 'Error';
        const message = (error as Error).message ?? String(error);
        if (error instanceof PutEventsValidationError) {
          for (const p of pending) failures.push({ record: p.item.record, code, message, attempts: attempt });
        } else {
          for (const p of pending) next.push({ item: p.item, code, message });
        }
      }
      pending = next;
    }
    for (const p of pending) {
      failures.push({ record: p.item.record, code: p.code, message: p.message, attempts: maxAttempts });
    }
    return { sent, retried, failures };
  }

  #deadLetter(failure: Failure, batch: readonly PipeKinesisRecord[]): PipeDeadLetter {
    return {
      pipeName: this.name,
      pipeArn: this.arn,
      errorCode: failure.code,
      errorMessage: failure.message,
      attempts: failure.attempts,
      failedAt: this.#now().toISOString(),
      record: failure.record,
      KinesisBatchInfo: {
        shardId: failure.record.shardId,
        startSequenceNumber: batch[0]?.sequenceNumber ?? failure.record.sequenceNumber,
        endSequenceNumber: batch[batch.length - 1]?.sequenceNumber ?? failure.record.sequenceNumber,
        streamArn: this.#source.sourceArn,
        batchSize: batch.length,
      },
    };
  }
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
