import { createWriteStream, type WriteStream } from 'node:fs';
import type { LaneListener } from './lane.js';

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
