import { appendFile, mkdir, open, readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { SpanStoreClosedError, SpanStoreWriteError } from './errors.js';
import {
  halveOtlpTraceRequest,
  type OtlpTraceRequest,
  otlpTraceRequestSpanCount,
} from './otlp-trace-request.js';

/** Folder of the span store under a data directory (docs/tracing.md "Local span store"). */
export const SPAN_STORE_FOLDER = 'traces';

/** A span file's name: `spans-<n>.jsonl`, `n` counting up from 1 across restarts. */
export function spanFileName(n: number): string {
  return `spans-${n}.jsonl`;
}

/** The number of a span file's name, or undefined for any other name. */
export function spanFileNumber(name: string): number | undefined {
  const match = /^spans-([1-9]\d{0,15})\.jsonl$/.exec(name);
  return match === null ? undefined : Number(match[1]);
}

/** Options of {@link OtlpJsonFileExporter}. */
export interface OtlpJsonFileExporterOptions {
  /** The stack's data directory; spans go to `<dataDir>/traces/`. */
  readonly dataDir: string;
  /** A file is closed once the next line would take it over this. @default 16 MiB */
  readonly maxFileBytes?: number;
  /** Files kept; the oldest are removed beyond this. @default 8 */
  readonly maxFiles?: number;
  /** Told about every failed export (the pipeline never sees it). @default ignore */
  readonly onError?: (error: unknown) => void;
}

/** Counters since the exporter was created. */
export interface SpanStoreStats {
  readonly spansWritten: number;
  readonly linesWritten: number;
  readonly filesRemoved: number;
  readonly exportsFailed: number;
}

const NEWLINE = 0x0a;

/**
 * An OpenTelemetry span exporter writing the local span store: one OTLP JSON `ExportTraceServiceRequest` per line
 * (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding: hex trace and span ids) in
 * `<dataDir>/traces/spans-<n>.jsonl`, a file closed at `maxFileBytes` and the oldest removed beyond `maxFiles`, so the
 * store stays under `maxFileBytes × maxFiles` whatever the load. A restart continues the last file when it ends with
 * a whole line, else starts the next number. Exports run one after another; a failure is reported to `onError` and
 * answered `FAILED`, never thrown.
 * @example
 * const exporter = new OtlpJsonFileExporter({ dataDir: '.local' });
 * const tracing = createTracing({ serviceName: 'firehose', exporter: exporter.shared() });
 */
export class OtlpJsonFileExporter implements SpanExporter {
  /** `<dataDir>/traces`. */
  readonly directory: string;
  readonly #maxFileBytes: number;
  readonly #maxFiles: number;
  readonly #onError: (error: unknown) => void;
  #tail: Promise<void> = Promise.resolve();
  #current: { n: number; bytes: number } | undefined;
  #closed = false;
  readonly #stats = { spansWritten: 0, linesWritten: 0, filesRemoved: 0, exportsFailed: 0 };

  constructor(options: OtlpJsonFileExporterOptions) {
    const maxFileBytes = options.maxFileBytes ?? 16 * 1024 * 1024;
    const maxFiles = options.maxFiles ?? 8;
    if (!(Number.isInteger(maxFileBytes) && maxFileBytes >= 1024))
      throw new RangeError(`maxFileBytes must be an integer of at least 1024, got ${maxFileBytes}`);
    if (!(Number.isInteger(maxFiles) && maxFiles >= 1))
      throw new RangeError(`maxFiles must be a positive integer, got ${maxFiles}`);
    this.directory = join(options.dataDir, SPAN_STORE_FOLDER);
    this.#maxFileBytes = maxFileBytes;
    this.#maxFiles = maxFiles;
    this.#onError = options.onError ?? (() => {});
  }

  /** Appends the spans as one line (or more, if one line would not fit a file); never throws. */
  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.#closed) {
      const error = new SpanStoreClosedError(this.directory);
      this.#stats.exportsFailed += 1;
      this.#report(error);
      resultCallback({ code: ExportResultCode.FAILED, error });
      return;
    }
    const write = this.#tail.then(() => this.#write(spans));
    this.#tail = write.then(
      () => resultCallback({ code: ExportResultCode.SUCCESS }),
      (cause: unknown) => {
        const error =
          cause instanceof SpanStoreWriteError ? cause : new SpanStoreWriteError(this.directory, cause);
        this.#stats.exportsFailed += 1;
        this.#report(error);
        resultCallback({ code: ExportResultCode.FAILED, error });
      },
    );
  }

  /**
   * Appends a request already in OTLP JSON (from another process, docs/local-stack.md "Traces") through the same
   * queue, rotation and bounds as {@link export}; rejects with a {@link SpanStoreClosedError} or
   * {@link SpanStoreWriteError} (also reported to `onError`).
   */
  appendRequest(request: OtlpTraceRequest): Promise<void> {
    if (this.#closed) {
      const error = new SpanStoreClosedError(this.directory);
      this.#stats.exportsFailed += 1;
      this.#report(error);
      return Promise.reject(error);
    }
    const write = this.#tail.then(() => this.#writeLines(this.#requestLines(request), request));
    this.#tail = write.catch(() => {});
    return write.catch((cause: unknown) => {
      const error =
        cause instanceof SpanStoreWriteError ? cause : new SpanStoreWriteError(this.directory, cause);
      this.#stats.exportsFailed += 1;
      this.#report(error);
      throw error;
    });
  }

  /** Resolves once every export so far is on disk (or failed). */
  forceFlush(): Promise<void> {
    return this.#tail;
  }

  /** Flushes, then refuses further exports. */
  async shutdown(): Promise<void> {
    this.#closed = true;
    await this.#tail;
  }

  /**
   * A view for one of several tracer providers sharing this store: its `shutdown` only flushes, so one component
   * stopping does not close the store for the others; the owner shuts this exporter down last.
   */
  shared(): SpanExporter {
    return {
      export: (spans, resultCallback) => this.export(spans, resultCallback),
      forceFlush: () => this.forceFlush(),
      shutdown: () => this.forceFlush(),
    };
  }

  /** A copy of the counters. */
  stats(): SpanStoreStats {
    return { ...this.#stats };
  }

  #report(error: unknown): void {
    try {
      this.#onError(error);
    } catch {
      // A throwing listener must not reach the span processor.
    }
  }

  async #write(spans: readonly ReadableSpan[]): Promise<void> {
    if (spans.length === 0) return;
    for (const line of this.#lines(spans)) await this.#appendLine(line);
    this.#stats.spansWritten += spans.length;
  }

  async #writeLines(lines: readonly Buffer[], request: OtlpTraceRequest): Promise<void> {
    for (const line of lines) await this.#appendLine(line);
    this.#stats.spansWritten += otlpTraceRequestSpanCount(request);
  }

  async #appendLine(line: Buffer): Promise<void> {
    const current = await this.#fileFor(line.byteLength);
    await appendFile(join(this.directory, spanFileName(current.n)), line);
    current.bytes += line.byteLength;
    this.#stats.linesWritten += 1;
  }

  /** The request as lines that each fit a file, halved as {@link #lines} does; none for a request without spans. */
  #requestLines(request: OtlpTraceRequest): Buffer[] {
    const spans = otlpTraceRequestSpanCount(request);
    if (spans === 0) return [];
    // Re-encoded: a pretty-printed body would span several lines.
    const line = Buffer.from(`${JSON.stringify(request)}\n`, 'utf8');
    if (line.byteLength <= this.#maxFileBytes) return [line];
    if (spans === 1)
      throw new SpanStoreWriteError(
        this.directory,
        new Error(
          `one span encodes to ${line.byteLength} bytes, over the file limit of ${this.#maxFileBytes}`,
        ),
      );
    return halveOtlpTraceRequest(request).flatMap((half) => this.#requestLines(half));
  }

  /** The spans as lines that each fit a file: a request too big for one is split in halves. */
  #lines(spans: readonly ReadableSpan[]): Buffer[] {
    const line = encodeLine(spans);
    if (line.byteLength <= this.#maxFileBytes) return [line];
    if (spans.length === 1)
      throw new SpanStoreWriteError(
        this.directory,
        new Error(
          `one span encodes to ${line.byteLength} bytes, over the file limit of ${this.#maxFileBytes}`,
        ),
      );
    const half = Math.ceil(spans.length / 2);
    return [...this.#lines(spans.slice(0, half)), ...this.#lines(spans.slice(half))];
  }

  /** The file the next `bytes` go to: the current one while they fit, else the next (removing the oldest). */
  async #fileFor(bytes: number): Promise<{ n: number; bytes: number }> {
    this.#current ??= await this.#resume();
    if (this.#current.bytes > 0 && this.#current.bytes + bytes > this.#maxFileBytes) {
      this.#current = { n: this.#current.n + 1, bytes: 0 };
      await this.#removeOldest();
    }
    return this.#current;
  }

  /** Where a new process continues: the last file if it ends with a whole line and has room, else the next one. */
  async #resume(): Promise<{ n: number; bytes: number }> {
    await mkdir(this.directory, { recursive: true });
    const last = (await this.#fileNumbers()).at(-1);
    this.#current = await this.#resumeAt(last);
    // Also when an earlier run kept more files than this one may.
    await this.#removeOldest();
    return this.#current;
  }

  async #resumeAt(last: number | undefined): Promise<{ n: number; bytes: number }> {
    if (last === undefined) return { n: 1, bytes: 0 };
    const file = join(this.directory, spanFileName(last));
    const { size } = await stat(file);
    if (size === 0) return { n: last, bytes: 0 };
    // A line torn by a crash stays the last line of its file (a reader skips it); appending would glue onto it.
    if (size < this.#maxFileBytes && (await endsWithNewline(file, size))) return { n: last, bytes: size };
    return { n: last + 1, bytes: 0 };
  }

  async #removeOldest(): Promise<void> {
    const current = this.#current?.n ?? 0;
    // The current file counts even before its first byte is written.
    const numbers = [...new Set([...(await this.#fileNumbers()), current])].sort((a, b) => a - b);
    for (const n of numbers.slice(0, Math.max(0, numbers.length - this.#maxFiles))) {
      await unlink(join(this.directory, spanFileName(n))).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
      this.#stats.filesRemoved += 1;
    }
  }

  async #fileNumbers(): Promise<number[]> {
    const names = await readdir(this.directory);
    return names
      .map(spanFileNumber)
      .filter((n): n is number => n !== undefined)
      .sort((a, b) => a - b);
  }
}

/** One `ExportTraceServiceRequest` in OTLP JSON, newline-terminated. */
function encodeLine(spans: readonly ReadableSpan[]): Buffer {
  const body = JsonTraceSerializer.serializeRequest([...spans]);
  if (body === undefined) throw new Error('the OTLP JSON serializer returned nothing');
  const line = Buffer.allocUnsafe(body.byteLength + 1);
  line.set(body, 0);
  line[body.byteLength] = NEWLINE;
  return line;
}

async function endsWithNewline(file: string, size: number): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(1), 0, 1, size - 1);
    return bytesRead === 1 && buffer[0] === NEWLINE;
  } finally {
    await handle.close();
  }
}
