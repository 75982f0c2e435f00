import type { AggregateRegistry } from '../aggregates/registry.js';
import { type AggregateCoverage, AggregateSequencer } from './aggregate-sequencer.js';
import {
  type ArchiveIssue,
  type BadInputPolicy,
  listArchiveObjects,
  type ScanStats,
  scanArchive,
} from './archive-scan.js';
import type { ArchiveSource } from './archive-source.js';
import type { EventFilter } from './event-filter.js';
import type { TimeRange } from './time-range.js';

/** Options of {@link verifyArchive}. */
export interface VerifyArchiveOptions {
  readonly source: ArchiveSource;
  readonly registry: AggregateRegistry;
  readonly range: TimeRange;
  /** @default 'events/' */
  readonly prefix?: string;
  readonly filter?: EventFilter;
  readonly badInput?: BadInputPolicy;
  /** Estimated bytes of buffered events before sorted runs spill to disk. @default a quarter of V8's heap limit */
  readonly memoryBudgetBytes?: number;
  /** Keep the coverage of aggregates without findings too. @default false */
  readonly includeClean?: boolean;
}

/** The archive's sequence coverage for a range. */
export interface ArchiveVerification {
  readonly range: { readonly from: string; readonly to: string };
  readonly objects: number;
  readonly read: ScanStats;
  readonly issues: readonly ArchiveIssue[];
  readonly totals: {
    readonly aggregates: number;
    readonly events: number;
    readonly aggregatesWithGaps: number;
    readonly missingSequences: number;
    readonly duplicates: number;
    readonly conflicts: number;
    /** Aggregates whose first sequence in the range is above 1 (their start is older than the range). */
    readonly startingAfterOne: number;
  };
  /** Aggregates with gaps or conflicts (all aggregates with `includeClean`). */
  readonly aggregates: readonly AggregateCoverage[];
  /**
   * `empty`: no archive object in the range (nothing was verified). `findings`: a gap, a conflict or an unreadable
   * object (which may hide the tail of an aggregate). Duplicates (at-least-once delivery) and bad lines (poison
   * records, archived as they arrived) are information only: they are counted and listed, not findings.
   */
  readonly outcome: VerificationOutcome;
  /** True when the outcome is `clean`. */
  readonly ok: boolean;
}

/** The verdict of {@link verifyArchive}. */
export type VerificationOutcome = 'clean' | 'findings' | 'empty';

/**
 * Scans a range and reports each aggregate's sequence coverage: gaps, duplicates by eventId, conflicts. It reads
 * through the same bounded-memory sort as replay.
 */
export async function verifyArchive(options: VerifyArchiveOptions): Promise<ArchiveVerification> {
  const objects = await listArchiveObjects({
    source: options.source,
    range: options.range,
    ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
  });
  const scan = await scanArchive({
    source: options.source,
    objects,
    registry: options.registry,
    ...(options.filter === undefined ? {} : { filter: options.filter }),
    ...(options.badInput === undefined ? {} : { badInput: options.badInput }),
    ...(options.memoryBudgetBytes === undefined ? {} : { memoryBudgetBytes: options.memoryBudgetBytes }),
  });
  const totals = {
    aggregates: 0,
    events: 0,
    aggregatesWithGaps: 0,
    missingSequences: 0,
    duplicates: 0,
    conflicts: 0,
    startingAfterOne: 0,
  };
  const aggregates: AggregateCoverage[] = [];
  const take = (coverage: AggregateCoverage) => {
    totals.aggregates++;
    totals.events += coverage.events;
    totals.duplicates += coverage.duplicates;
    totals.conflicts += coverage.conflicts.length;
    if (coverage.firstSequence > 1) totals.startingAfterOne++;
    if (coverage.gaps.length > 0) totals.aggregatesWithGaps++;
    for (const gap of coverage.gaps) totals.missingSequences += gap.to - gap.from + 1;
    const finding = coverage.gaps.length > 0 || coverage.conflicts.length > 0;
    if (finding || options.includeClean === true) aggregates.push(coverage);
  };
  try {
    const sequencer = new AggregateSequencer();
    for await (const batch of scan.ordered()) {
      for (const item of batch) {
        for (const out of sequencer.push(item)) if (out.kind === 'aggregate-end') take(out.coverage);
      }
    }
    for (const out of sequencer.finish()) if (out.kind === 'aggregate-end') take(out.coverage);
  } finally {
    await scan.dispose();
  }
  const outcome: VerificationOutcome =
    objects.length === 0
      ? 'empty'
      : totals.missingSequences > 0 || totals.conflicts > 0 || scan.stats.corruptObjects > 0
        ? 'findings'
        : 'clean';
  return {
    range: { from: options.range.from.toISOString(), to: options.range.to.toISOString() },
    objects: objects.length,
    read: { ...scan.stats },
    issues: scan.issues,
    totals,
    aggregates,
    outcome,
    ok: outcome === 'clean',
  };
}

/** Renders a verification as a plain-text table (one row per aggregate with findings) and totals. */
export function formatVerification(v: ArchiveVerification, maxRows = 50): string {
  const rows = v.aggregates
    .slice(0, maxRows)
    .map((a) => [
      `${a.aggregateType}#${a.aggregateId}`,
      String(a.events),
      `${a.firstSequence}..${a.lastSequence}`,
      a.gaps.map((g) => (g.from === g.to ? `${g.from}` : `${g.from}-${g.to}`)).join(',') || '-',
      String(a.duplicates),
      a.conflicts.map((c) => `${c.sequence}`).join(',') || '-',
    ]);
  const header = ['aggregate', 'events', 'sequences', 'gaps', 'duplicates', 'conflicts at'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i] as number)).join('  ');
  const t = v.totals;
  const out = [
    `archive ${v.range.from} .. ${v.range.to}: ${v.objects} objects, ${v.read.lines} lines, ${t.aggregates} aggregates, ${t.events} distinct events`,
    `gaps: ${t.missingSequences} missing sequences in ${t.aggregatesWithGaps} aggregates; duplicates: ${t.duplicates}; conflicts: ${t.conflicts}; bad lines: ${v.read.badLines}; corrupt objects: ${v.read.corruptObjects}; starting after sequence 1: ${t.startingAfterOne}`,
  ];
  if (rows.length > 0) out.push('', line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line));
  if (v.aggregates.length > maxRows) out.push(`… ${v.aggregates.length - maxRows} more (use --json)`);
  for (const issue of v.issues.slice(0, 20)) {
    out.push(`bad input: ${issue.key}${issue.line === undefined ? '' : `:${issue.line}`}: ${issue.reason}`);
  }
  if (v.read.badLines > 0 || t.duplicates > 0) {
    out.push(
      '',
      'duplicates (at-least-once delivery) and bad lines (poison records, archived as they arrived) are information, not findings',
    );
  }
  out.push(
    '',
    v.outcome === 'empty'
      ? `EMPTY: no archive objects between ${v.range.from} and ${v.range.to}: nothing was verified (check the range, --bucket and the archive prefix)`
      : v.outcome === 'clean'
        ? 'OK'
        : 'FINDINGS',
  );
  return out.join('\n');
}
