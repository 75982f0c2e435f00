import type { LedgerRequest } from './ledger.js';
import { percentile } from './percentiles.js';

/** One second of a run, by answer time. */
export interface TimelinePoint {
  /** Seconds since the run began. */
  readonly t: number;
  readonly requests: number;
  /** Events in 2xx answers: the achieved rate. */
  readonly eventsAccepted: number;
  readonly errors: number;
  readonly latencyP50: number;
  readonly latencyP99: number;
}

/** Per-second achieved rate and latency from the attempts (pure). */
export function buildTimeline(requests: readonly LedgerRequest[], startedAt: number): TimelinePoint[] {
  const seconds = new Map<
    number,
    { requests: number; accepted: number; errors: number; latencies: number[] }
  >();
  let last = 0;
  for (const request of requests) {
    const t = Math.max(0, Math.floor((request.respondedAt - startedAt) / 1000));
    last = Math.max(last, t);
    let bucket = seconds.get(t);
    if (bucket === undefined) {
      bucket = { requests: 0, accepted: 0, errors: 0, latencies: [] };
      seconds.set(t, bucket);
    }
    bucket.requests += 1;
    const ok = typeof request.status === 'number' && request.status >= 200 && request.status < 300;
    if (ok) bucket.accepted += request.events;
    else bucket.errors += 1;
    bucket.latencies.push(request.respondedAt - request.sentAt);
  }
  const points: TimelinePoint[] = [];
  for (let t = 0; t <= last && t < 100_000; t++) {
    const bucket = seconds.get(t);
    const sorted = (bucket?.latencies ?? []).sort((a, b) => a - b);
    points.push({
      t,
      requests: bucket?.requests ?? 0,
      eventsAccepted: bucket?.accepted ?? 0,
      errors: bucket?.errors ?? 0,
      latencyP50: sorted.length === 0 ? 0 : percentile(sorted, 50),
      latencyP99: sorted.length === 0 ? 0 : percentile(sorted, 99),
    });
  }
  return points;
}
