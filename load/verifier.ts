import { chainOf } from '../processors/engine/index.js';
import type { EventCounter, UnreadablePart } from './event-counter.js';
import type { RunLedger } from './ledger.js';
import type { ProjectionSnapshot } from './projection-reader.js';

/** Everything wrong with one aggregate. */
export interface AggregateMismatch {
  readonly aggregateId: string;
  readonly problems: string[];
}

/** Result of one copy check (archive or bus). */
export interface CopyCheck {
  /** Accepted events expected. */
  readonly expected: number;
  /** Accepted events found at least once. */
  readonly found: number;
  readonly missing: number;
  /** Accepted events found more than once (at-least-once delivery: shown, not a failure). */
  readonly duplicatedEvents: number;
  /** Extra copies over all duplicated events. */
  readonly extraCopies: number;
  /** Events of given-up requests that still arrived (possible for uncertain ones; a failure for rejected ones). */
  readonly uncertainPresent: number;
  readonly rejectedPresent: number;
  /**
   * Archive objects (by key) or bus lines that could not be read, skipped: not a failure by themselves (the events
   * may be complete elsewhere), but named so a missing event can be looked for there.
   */
  readonly unreadable: readonly UnreadablePart[];
}

/** The verification of a run. */
export interface VerificationResult {
  readonly ok: boolean;
  readonly aggregates: number;
  readonly acceptedEvents: number;
  readonly projection: { readonly checked: number; readonly matched: number };
  readonly archive: CopyCheck | undefined;
  readonly bus: CopyCheck | undefined;
  /** Mismatches by aggregate (projection, archive and bus problems together). */
  readonly mismatches: readonly AggregateMismatch[];
}

/** What the pipeline holds after the drain. */
export interface PipelineObservation {
  readonly projections: ReadonlyMap<string, ProjectionSnapshot>;
  readonly archive: EventCounter | undefined;
  readonly bus: EventCounter | undefined;
}

/**
 * Compares the ledger with the pipeline's state (pure).
 * - Projection: `version` = events accepted for the aggregate (plus at most its given-up uncertain tail,
 *   which may have been written), and `chain` = `chainOf` of the first `version` sent eventIds: no loss,
 *   no duplicate, no reorder.
 * - Archive and bus: every accepted event present; duplicates counted, not failed.
 */
export function verifyRun(ledger: RunLedger, observed: PipelineObservation): VerificationResult {
  const problems = new Map<string, string[]>();
  const note = (aggregateId: string, problem: string) => {
    let list = problems.get(aggregateId);
    if (list === undefined) {
      list = [];
      problems.set(aggregateId, list);
    }
    list.push(problem);
  };
  let acceptedEvents = 0;
  let matched = 0;
  for (const [aggregateId, events] of ledger.aggregates) {
    const accepted = events.filter((e) => e.outcome === 'accepted').length;
    const uncertain = events.filter((e) => e.outcome === 'uncertain').length;
    acceptedEvents += accepted;
    const snapshot = observed.projections.get(aggregateId);
    const version = snapshot?.version ?? 0;
    const before = problems.get(aggregateId)?.length ?? 0;
    if (version < accepted || version > accepted + uncertain) {
      note(
        aggregateId,
        snapshot === undefined
          ? `projection: no item, expected version ${accepted}`
          : `projection: version ${version}, expected ${uncertain === 0 ? accepted : `${accepted}–${accepted + uncertain}`}`,
      );
    } else if ((snapshot?.chain ?? '') !== chainOf(events.slice(0, version).map((e) => e.eventId))) {
      note(
        aggregateId,
        `projection: chain differs from the sent eventIds at version ${version} (reorder, loss or duplicate)`,
      );
    }
    if ((problems.get(aggregateId)?.length ?? 0) === before) matched += 1;
  }
  const archive =
    observed.archive === undefined ? undefined : checkCopies(ledger, observed.archive, 'archive', note);
  const bus = observed.bus === undefined ? undefined : checkCopies(ledger, observed.bus, 'bus', note);
  const mismatches = [...problems].map(([aggregateId, list]) => ({ aggregateId, problems: list }));
  return {
    ok: mismatches.length === 0,
    aggregates: ledger.aggregates.size,
    acceptedEvents,
    projection: { checked: ledger.aggregates.size, matched },
    archive,
    bus,
    mismatches,
  };
}

function checkCopies(
  ledger: RunLedger,
  counter: EventCounter,
  where: string,
  note: (aggregateId: string, problem: string) => void,
): CopyCheck {
  const tally = {
    expected: 0,
    found: 0,
    duplicatedEvents: 0,
    extraCopies: 0,
    uncertainPresent: 0,
    rejectedPresent: 0,
  };
  for (const [aggregateId, events] of ledger.aggregates) {
    const missing: number[] = [];
    for (const event of events) {
      const count = counter.counts.get(event.eventId) ?? 0;
      if (event.outcome === 'accepted') {
        tally.expected += 1;
        if (count === 0) missing.push(event.sequence);
        else tally.found += 1;
        if (count > 1) {
          tally.duplicatedEvents += 1;
          tally.extraCopies += count - 1;
        }
      } else if (count > 0) {
        if (event.outcome === 'rejected') {
          tally.rejectedPresent += 1;
          note(aggregateId, `${where}: sequence ${event.sequence} was rejected by ingest but is present`);
        } else tally.uncertainPresent += 1;
      }
    }
    if (missing.length > 0)
      note(
        aggregateId,
        `${where}: ${missing.length} accepted event(s) missing (sequences ${abbreviate(missing)})${counter.unreadable.length > 0 ? `, or in the ${counter.unreadable.length} unreadable part(s) skipped` : ''}`,
      );
  }
  const { expected, found, ...copies } = tally;
  return { expected, found, missing: expected - found, ...copies, unreadable: counter.unreadable };
}

function abbreviate(values: readonly number[]): string {
  return values.length <= 8 ? values.join(', ') : `${values.slice(0, 8).join(', ')}, … (${values.length})`;
}

/**
 * The verdict as printed at the end of a run and by `--verify <run file>` (pure). `mismatchCount` is the full count
 * when `v.mismatches` was cut short (the report keeps at most 500).
 */
export function verdictLines(
  v: VerificationResult,
  maxMismatches = 10,
  mismatchCount = v.mismatches.length,
): string[] {
  const copies = (c: CopyCheck | undefined) =>
    c === undefined ? '-' : `${c.found}/${c.expected} (+${c.extraCopies} dup)`;
  const lines = [
    `verify   ${v.ok ? 'PASS' : 'FAIL'}: projection ${v.projection.matched}/${v.projection.checked}, archive ${copies(v.archive)}, bus ${copies(v.bus)}`,
  ];
  for (const m of v.mismatches.slice(0, maxMismatches))
    lines.push(`  ${m.aggregateId}: ${m.problems.join('; ')}`);
  if (mismatchCount > maxMismatches) lines.push(`  … ${mismatchCount - maxMismatches} more`);
  for (const [place, check] of [
    ['archive', v.archive],
    ['bus', v.bus],
  ] as const) {
    const parts = check?.unreadable ?? [];
    for (const part of parts.slice(0, maxMismatches))
      lines.push(`  ${place}: unreadable, skipped: ${part.where}: ${part.error}`);
    if (parts.length > maxMismatches)
      lines.push(`  ${place}: … ${parts.length - maxMismatches} more unreadable`);
  }
  return lines;
}
