import { setTimeout as sleep } from 'node:timers/promises';
import { type Backoff, backoffDelayMs } from '../../processors/retry/backoff.js';
import {
  type EventBusPort,
  type NdjsonQueue,
  type PutEventsRequestEntry,
  PutEventsValidationError,
  type RetryClock,
  resolveRetryPolicy,
} from '../bus/index.js';
import { chunkPutEventsEntries } from './batching.js';
import { ENRICHMENT_RESPONSE_LIMIT_BYTES, enrichedEvents } from './enrichment-response.js';
import { InvalidPipeConfigError, PipeRecordError } from './errors.js';
import { compilePipeFilters, type PipeFilterCriteria } from './filter-criteria.js';
import { type CompiledInputTemplate, compileInputTemplate } from './input-template.js';
import {
  type DecodedPipeRecord,
  decodePipeRecord,
  type PipeKinesisRecord,
  pipeSourceEvent,
} from './kinesis-record.js';
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

/**
 * Pipes `Enrichment`, a function invoked synchronously (as Pipes invokes a Lambda enrichment): the batch of
 * records in (one JSON array), the events for the target out.
 */
export type PipeEnrichment = (events: unknown[]) => Promise<unknown>;

/** Options of `createPipe`. */
export interface PipeOptions extends RetryClock {
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
  /**
   * Pipes `Enrichment`. Each filtered batch goes to it as one array (the records with `data` base64, or what
   * `enrichmentInputTemplate` renders per record); what it returns is what the target receives. An error
   * fails the batch: it is split in two while `bisectOnEnrichmentError` allows, else retried under `retry`,
   * then dead-lettered. https://docs.aws.amazon.com/eventbridge/latest/userguide/pipes-enrichment.html
   */
  readonly enrichment?: PipeEnrichment | undefined;
  /** `EnrichmentParameters.InputTemplate`, rendered per record against the event with `data` parsed. */
  readonly enrichmentInputTemplate?: string;
  /** `OnPartialBatchItemFailure: AUTOMATIC_BISECT` for enrichment errors. @default true */
  readonly bisectOnEnrichmentError?: boolean;
  /** `<aws.pipes.enrichment-arn>`. @default `arn:aws:lambda:<region>:<account>:function:<name>-enrichment` */
  readonly enrichmentArn?: string;
  /**
   * Pipes `InputTemplate`; it must render a JSON object (the bus entry's `Detail`). It and the target's dynamic
   * paths read the source event, or with an enrichment what the enrichment returned. Without one the whole
   * event is the detail.
   */
  readonly inputTemplate?: string | undefined;
  readonly target: PipeEventBusTarget;
  /** Records per batch, 1–10 (an event bus target takes at most 10). @default 10 */
  readonly batchSize?: number;
  readonly bus: EventBusPort;
  readonly retry?: Partial<PipeRetryPolicy>;
  /** Where records go when they can not be delivered. */
  readonly dlq: NdjsonQueue<PipeDeadLetter>;
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

/**
 * A Pipe DLQ message: why it failed, AWS's Kinesis batch info, and what failed: the record, or with an
 * enrichment, the enriched event the target refused (it has no single record).
 */
export interface PipeDeadLetter {
  readonly pipeName: string;
  readonly pipeArn: string;
  readonly errorCode: string;
  readonly errorMessage: string;
  readonly attempts: number;
  readonly failedAt: string;
  readonly record?: PipeKinesisRecord;
  readonly event?: unknown;
  readonly KinesisBatchInfo: {
    readonly shardId: string;
    readonly startSequenceNumber: string;
    readonly endSequenceNumber: string;
    readonly streamArn: string;
    readonly batchSize: number;
  };
}

/** What a failure names: the record, or an enriched event. */
type Subject =
  | { readonly record: PipeKinesisRecord; readonly event?: undefined }
  | { readonly record?: undefined; readonly event: unknown };

/** An entry ready for the target; `arrival` is the oldest arrival of the records it came from. */
type Prepared = Subject & { readonly entry: PutEventsRequestEntry; readonly arrival: number };

type Failure = Subject & { readonly code: string; readonly message: string; readonly attempts: number };

interface Matched {
  readonly record: PipeKinesisRecord;
  readonly decoded: DecodedPipeRecord;
}

/** Records (a batch or a bisected part of one) waiting for the enrichment. */
interface EnrichmentPending {
  readonly items: readonly Matched[];
  readonly retries: number;
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
 * Creates the local EventBridge Pipe transform: filter → enrichment (optional) → input template → target
 * parameters → `PutEvents` in order, ≤ 10 entries a call, retries, DLQ. It does no Kinesis I/O: a shard reader calls `handleBatch`.
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
  /** The retry delays (validated like a bus rule's retry policy). */
  readonly #backoff: Backoff;
  readonly #filter: ReturnType<typeof compilePipeFilters>;
  readonly #template: CompiledInputTemplate | undefined;
  readonly #enrichmentTemplate: CompiledInputTemplate | undefined;
  readonly #enrichmentArn: string;
  readonly #bisect: boolean;
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
    this.#enrichmentTemplate =
      options.enrichmentInputTemplate === undefined
        ? undefined
        : compileInputTemplate(options.enrichmentInputTemplate);
    if (this.#enrichmentTemplate !== undefined && options.enrichment === undefined) {
      throw new InvalidPipeConfigError('enrichmentInputTemplate', 'needs an enrichment');
    }
    this.#enrichmentArn =
      options.enrichmentArn ?? `arn:aws:lambda:${region}:${account}:function:${name}-enrichment`;
    this.#bisect = options.bisectOnEnrichmentError ?? true;
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
    const matched: Matched[] = [];
    let filtered = 0;
    for (const record of batch) {
      const decoded = decodePipeRecord(record, this.#source);
      if (this.#filter(decoded)) matched.push({ record, decoded });
      else filtered += 1;
    }
    const prepared: Prepared[] = [];
    const failures: Failure[] = [];
    let retried = 0;
    if (this.#options.enrichment === undefined) {
      for (const { record, decoded } of matched) {
        const made = this.#prepare(decoded.event, { record }, record.approximateArrivalTimestamp);
        if ('entry' in made) prepared.push(made);
        else failures.push(made);
      }
    } else {
      const enriched = await this.#enrich(matched);
      retried += enriched.retried;
      failures.push(...enriched.failures);
      for (const { event, arrival } of enriched.events) {
        const made = this.#prepare(event, { event }, arrival);
        if ('entry' in made) prepared.push(made);
        else failures.push(made);
      }
    }
    let sent = 0;
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

  /** The target's entry for one event (source event, or enriched event): input template, then target parameters. */
  #prepare(event: unknown, subject: Subject, arrival: number): Prepared | Failure {
    try {
      const detail =
        this.#template === undefined
          ? JSON.stringify(event)
          : this.#template.render(event, this.#templateContext());
      return { ...subject, entry: this.#target.toEntry(event, detail), arrival };
    } catch (error) {
      const code = error instanceof PipeRecordError ? error.code : 'TransformationFailed';
      return { ...subject, code, message: (error as Error).message, attempts: 0 };
    }
  }

  #templateContext() {
    return {
      pipeArn: this.arn,
      pipeName: this.name,
      sourceArn: this.#source.sourceArn,
      enrichmentArn: this.#options.enrichment === undefined ? '' : this.#enrichmentArn,
      targetArn: this.#targetArn,
      ingestionTime: this.#now(),
    };
  }

  /**
   * Runs the enrichment over the matched records, in order. A failed call splits its records in two (while
   * bisecting is on and there are two or more; splitting spends no retry), else is retried with backoff,
   * counting against `maximumRetryAttempts`; records past `maximumRecordAgeMs` or out of retries are failed.
   */
  async #enrich(matched: readonly Matched[]): Promise<{
    events: { event: unknown; arrival: number }[];
    failures: Failure[];
    retried: number;
  }> {
    const events: { event: unknown; arrival: number }[] = [];
    const failures: Failure[] = [];
    let retried = 0;
    const queue: EnrichmentPending[] = matched.length === 0 ? [] : [{ items: matched, retries: 0 }];
    for (let head = queue.shift(); head !== undefined; head = queue.shift()) {
      const now = this.#now().getTime();
      const live: Matched[] = [];
      for (const item of head.items) {
        if (now - item.record.approximateArrivalTimestamp * 1000 > this.#retry.maximumRecordAgeMs) {
          failures.push({
            record: item.record,
            code: 'MaximumRecordAgeExceeded',
            message: 'the record is older than maximumRecordAgeMs',
            attempts: head.retries,
          });
        } else live.push(item);
      }
      if (live.length === 0) continue;
      let enriched: unknown[];
      try {
        enriched = await this.#invokeEnrichment(live);
      } catch (error) {
        const message = `${(error as Error).name}: ${(error as Error).message}`;
        if (this.#bisect && live.length > 1) {
          const half = Math.ceil(live.length / 2);
          queue.unshift(
            { items: live.slice(0, half), retries: head.retries },
            { items: live.slice(half), retries: head.retries },
          );
        } else if (head.retries < this.#retry.maximumRetryAttempts) {
          retried += live.length;
          await sleep(backoffDelayMs(head.retries + 1, this.#backoff, this.#random()));
          queue.unshift({ items: live, retries: head.retries + 1 });
        } else {
          const code = error instanceof PipeRecordError ? error.code : 'EnrichmentFailed';
          for (const item of live) {
            failures.push({ record: item.record, code, message, attempts: head.retries + 1 });
          }
        }
        continue;
      }
      const arrival = Math.min(...live.map((item) => item.record.approximateArrivalTimestamp));
      for (const event of enriched) events.push({ event, arrival });
    }
    return { events, failures, retried };
  }

  /** One synchronous enrichment call, through JSON as Lambda's invoke payload and response travel. */
  async #invokeEnrichment(items: readonly Matched[]): Promise<unknown[]> {
    const enrichment = this.#options.enrichment as PipeEnrichment;
    const input = items.map(({ record, decoded }) => {
      if (this.#enrichmentTemplate === undefined) return pipeSourceEvent(record, this.#source);
      const rendered = this.#enrichmentTemplate.render(decoded.event, this.#templateContext());
      return this.#enrichmentTemplate.rendersJson ? (JSON.parse(rendered) as unknown) : rendered;
    });
    const response = await enrichment(JSON.parse(JSON.stringify(input)) as unknown[]);
    const text = response === undefined ? '' : JSON.stringify(response);
    if (Buffer.byteLength(text, 'utf8') > ENRICHMENT_RESPONSE_LIMIT_BYTES) {
      throw new PipeRecordError(
        'EnrichmentResponseTooLarge',
        `the enrichment response is over ${ENRICHMENT_RESPONSE_LIMIT_BYTES} bytes`,
      );
    }
    return enrichedEvents(text === '' ? undefined : JSON.parse(text));
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
        await sleep(backoffDelayMs(attempt - 1, this.#backoff, this.#random()));
      }
      const now = this.#now().getTime();
      pending = pending.filter((p) => {
        const expired = now - p.item.arrival * 1000 > this.#retry.maximumRecordAgeMs;
        if (expired) {
          failures.push({
            ...subjectOf(p.item),
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
              failures.push({ ...subjectOf(p.item), code, message, attempts: attempt });
            else next.push({ item: p.item, code, message });
          }
        });
      } catch (error) {
        const code = (error as Error).name ?? 'Error';
        const message = (error as Error).message ?? String(error);
        if (error instanceof PutEventsValidationError) {
          for (const p of pending) failures.push({ ...subjectOf(p.item), code, message, attempts: attempt });
        } else {
          for (const p of pending) next.push({ item: p.item, code, message });
        }
      }
      pending = next;
    }
    for (const p of pending) {
      failures.push({ ...subjectOf(p.item), code: p.code, message: p.message, attempts: maxAttempts });
    }
    return { sent, retried, failures };
  }

  #deadLetter(failure: Failure, batch: readonly PipeKinesisRecord[]): PipeDeadLetter {
    const first = batch[0];
    const last = batch[batch.length - 1];
    return {
      pipeName: this.name,
      pipeArn: this.arn,
      errorCode: failure.code,
      errorMessage: failure.message,
      attempts: failure.attempts,
      failedAt: this.#now().toISOString(),
      ...(failure.record === undefined ? { event: failure.event } : { record: failure.record }),
      KinesisBatchInfo: {
        shardId: first?.shardId ?? failure.record?.shardId ?? '',
        startSequenceNumber: first?.sequenceNumber ?? failure.record?.sequenceNumber ?? '',
        endSequenceNumber: last?.sequenceNumber ?? failure.record?.sequenceNumber ?? '',
        streamArn: this.#source.sourceArn,
        batchSize: batch.length,
      },
    };
  }
}

/** The record or enriched event an entry came from. */
function subjectOf(item: Prepared): Subject {
  return item.record === undefined ? { event: item.event } : { record: item.record };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
