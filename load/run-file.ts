import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { AttemptStatus, FinalOutcome, LaneListener } from './lane.js';
import { RunLedger } from './ledger.js';

/**
 * Appends one NDJSON line per event per HTTP attempt to the run file:
 * `{ aggregateId, sequence, eventId, lane, attempt, sentAt, respondedAt, status }` (`status` is the HTTP
 * status, `"timeout"` (no answer) or `"refused"` (connection refused)), and one `{ eventId, outcome }` line when its
 * request ends other than accepted (an accepted event is one with a 2xx attempt).
 */
export class RunFile implements LaneListener {
  readonly #stream: WriteStream;

  constructor(readonly path: string) {
    this.#stream = createWriteStream(path, { flags: 'a' });
  }

  onAttempt(attempt: Parameters<LaneListener['onAttempt']>[0]): void {
    let text = '';
    for (const event of attempt.events) {
      text += `${JSON.stringify({
        aggregateId: event.aggregateId,
        sequence: event.sequence,
        eventId: event.eventId,
        lane: attempt.lane,
        attempt: attempt.attempt,
        sentAt: new Date(attempt.sentAt).toISOString(),
        respondedAt: new Date(attempt.respondedAt).toISOString(),
        status: attempt.status,
      })}\n`;
    }
    this.#stream.write(text);
  }

  onFinal(final: Parameters<LaneListener['onFinal']>[0]): void {
    if (final.outcome === 'accepted') return;
    this.#stream.write(
      final.events.map((e) => `${JSON.stringify({ eventId: e.eventId, outcome: final.outcome })}\n`).join(''),
    );
  }

  /** Flushes and closes the file. */
  close(): Promise<void> {
    return new Promise((resolve, reject) =>
      this.#stream.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
  }
}

/** One attempt line of a run file. */
interface AttemptLine {
  readonly aggregateId: string;
  readonly sequence: number;
  readonly eventId: string;
  readonly lane: number;
  readonly attempt: number;
  readonly sentAt: string;
  readonly respondedAt: string;
  readonly status: AttemptStatus;
}

/** Thrown when a run file cannot be read back. */
export class RunFileError extends Error {
  override readonly name = 'RunFileError';
}

/**
 * Rebuilds the ledger of a run from its run file, as the run itself kept it: every attempt (the lines one attempt
 * wrote are consecutive and share lane, attempt, times and status), accepted = a 2xx attempt, the outcome lines of
 * the rest. An event without any outcome (the load was stopped before its request ended) counts as uncertain:
 * it may or may not have been written.
 */
export async function readRunLedger(path: string): Promise<RunLedger> {
  const ledger = new RunLedger();
  let group: AttemptLine[] = [];
  const flush = () => {
    const first = group[0];
    if (first === undefined) return;
    const attempt = {
      lane: first.lane,
      events: group.map(({ aggregateId, sequence, eventId }) => ({ aggregateId, sequence, eventId })),
      attempt: first.attempt,
      sentAt: Date.parse(first.sentAt),
      respondedAt: Date.parse(first.respondedAt),
      status: first.status,
    };
    ledger.onAttempt(attempt);
    if (typeof first.status === 'number' && first.status >= 200 && first.status < 300)
      ledger.onFinal({ events: attempt.events, outcome: 'accepted', at: attempt.respondedAt });
    group = [];
  };
  const sameAttempt = (a: AttemptLine, b: AttemptLine) =>
    a.lane === b.lane &&
    a.attempt === b.attempt &&
    a.sentAt === b.sentAt &&
    a.respondedAt === b.respondedAt &&
    a.status === b.status &&
    a.eventId !== b.eventId;
  let lineNumber = 0;
  let torn: RunFileError | undefined;
  const lines = createInterface({
    input: createReadStream(path, 'utf8'),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  try {
    for await (const text of lines) {
      lineNumber += 1;
      if (text.trim() === '') continue;
      // A load stopped mid-write leaves a torn last line (ignored); a bad line before another is not a run file.
      if (torn !== undefined) throw torn;
      let value: Record<string, unknown>;
      try {
        value = JSON.parse(text) as Record<string, unknown>;
      } catch (error) {
        torn = new RunFileError(`${path}:${lineNumber}: not JSON (${(error as Error).message})`);
        continue;
      }
      if (typeof value.outcome === 'string') {
        flush();
        const outcome = value.outcome as FinalOutcome;
        ledger.onFinal({ events: [{ eventId: String(value.eventId) }], outcome, at: 0 });
      } else if (typeof value.aggregateId === 'string' && typeof value.eventId === 'string') {
        const line = value as unknown as AttemptLine;
        const last = group.at(-1);
        if (last !== undefined && !sameAttempt(last, line)) flush();
        group.push(line);
      } else {
        throw new RunFileError(`${path}:${lineNumber}: neither an attempt nor an outcome line`);
      }
    }
  } catch (error) {
    if (error instanceof RunFileError) throw error;
    throw new RunFileError(`cannot read run file ${path}: ${(error as Error).message}`, { cause: error });
  }
  flush();
  if (ledger.aggregates.size === 0)
    throw new RunFileError(`${path} holds no attempt: is it a load run file?`);
  for (const event of ledger.events()) event.outcome ??= 'uncertain';
  return ledger;
}
