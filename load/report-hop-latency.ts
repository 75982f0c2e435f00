/** The report's per-hop latency breakdown, from the local span store (docs/tracing.md, "Follow an event") (pure). */
import type { EventWaterfall } from '../tools/trace/event-waterfall.js';
import {
  BREAKDOWN_HOP_MEANING,
  BREAKDOWN_HOPS,
  type BreakdownHop,
  hopLatencies,
} from '../tools/trace/hop-latency.js';
import { fmt, fmtMs } from './number-format.js';
import { percentile } from './percentiles.js';

/** One hop's latency across the run's events (ms). */
export interface HopLatencyRow {
  readonly hop: BreakdownHop;
  readonly meaning: string;
  /** Events that reached this hop. */
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

/** The breakdown, or why there is none (a remote target, tracing off). */
export interface HopLatencyReport {
  /** Events of the run found in the span store. */
  readonly events: number;
  /** Empty when not measured (see `note`). */
  readonly hops: readonly HopLatencyRow[];
  readonly note: string | undefined;
}

/** Percentiles per hop over the events' waterfalls (pure); hops no event reached are left out. */
export function summarizeHopLatency(waterfalls: readonly EventWaterfall[], note?: string): HopLatencyReport {
  const samples = new Map<BreakdownHop, number[]>(BREAKDOWN_HOPS.map((hop) => [hop, []]));
  for (const waterfall of waterfalls) {
    const latencies = hopLatencies(waterfall);
    for (const hop of BREAKDOWN_HOPS) {
      const value = latencies[hop];
      if (value !== undefined) samples.get(hop)?.push(value);
    }
  }
  const hops = BREAKDOWN_HOPS.flatMap((hop): HopLatencyRow[] => {
    const sorted = (samples.get(hop) ?? []).sort((a, b) => a - b);
    if (sorted.length === 0) return [];
    return [
      {
        hop,
        meaning: BREAKDOWN_HOP_MEANING[hop],
        count: sorted.length,
        p50: percentile(sorted, 50),
        p95: percentile(sorted, 95),
        p99: percentile(sorted, 99),
        max: sorted.at(-1) as number,
      },
    ];
  });
  return { events: waterfalls.length, hops, note };
}

/** A breakdown that was not measured, with the reason (pure). */
export function hopLatencyNotMeasured(note: string): HopLatencyReport {
  return { events: 0, hops: [], note };
}

/** The "Per-hop latency" section of report.md (pure); empty when the report has none. */
export function hopLatencySection(report: HopLatencyReport | undefined, heading = '##'): string[] {
  if (report === undefined) return [];
  const lines = [`${heading}# Per-hop latency (spans)`, ''];
  if (report.hops.length === 0) {
    lines.push(`Not measured: ${report.note ?? 'no span of the run in the span store'}.`, '');
    return lines;
  }
  lines.push(
    `From the local span store: ${fmt(report.events)} events of the run (\`npm run trace -- <eventId>\` follows one).`,
    '',
    '| hop | what it measures | events | p50 | p95 | p99 | max |',
    '|---|---|---|---|---|---|---|',
    ...report.hops.map(
      (row) =>
        `| ${row.hop} | ${row.meaning} | ${fmt(row.count)} | ${fmtMs(row.p50)} | ${fmtMs(row.p95)} | ${fmtMs(row.p99)} | ${fmtMs(row.max)} |`,
    ),
    '',
  );
  if (report.note !== undefined) lines.push(`Note: ${report.note}.`, '');
  return lines;
}

/** The terminal summary's line (pure); undefined when the report has none. */
export function hopLatencyLine(report: HopLatencyReport | undefined): string | undefined {
  if (report === undefined) return undefined;
  if (report.hops.length === 0) return `hops     not measured: ${report.note ?? 'no span of the run'}`;
  return `hops p50 ${report.hops.map((row) => `${row.hop} ${fmtMs(row.p50)}`).join(', ')}`;
}
