import type { ChainSkip } from '../../processors/engine/chain.js';
import type { AggregateSnapshot, LoadedAggregate, SkipRecord } from '../../processors/engine/index.js';
import type { GapListing } from '../../processors/operator/aggregate-operations.js';

function duration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m`;
}

/** Renders rows as an aligned plain-text table. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The `stalled` listing as a table. */
export function formatGaps(gaps: readonly GapListing[]): string {
  if (gaps.length === 0) return 'no stalled aggregates';
  return table(
    ['aggregate', 'version', 'missing', 'buffered', 'gap age', 'stalled', 'reason'],
    gaps.map((g) => [
      `${g.aggregateType} ${g.aggregateId}`,
      String(g.version),
      g.missingFrom === g.missingTo ? String(g.missingFrom) : `${g.missingFrom}-${g.missingTo}`,
      String(g.buffered),
      duration(g.ageMs),
      g.stalled ? 'yes' : 'no',
      g.blocked === undefined
        ? 'gap'
        : `#${g.blocked.sequence} ${g.blocked.reason}: ${g.blocked.detail}`.slice(0, 120),
    ]),
  );
}

/** The `show` view: snapshot, buffered events, skips and chain. */
export function formatAggregate(loaded: LoadedAggregate): string {
  const s: AggregateSnapshot = loaded.snapshot;
  const lines = [
    `aggregate   ${s.aggregateType} ${s.aggregateId}`,
    `version     ${s.version}`,
    `chain       ${s.chain || '(empty)'}`,
    `revision    ${s.revision}`,
    `updatedAt   ${s.updatedAt}`,
    `state       ${JSON.stringify(s.state, null, 2).replaceAll('\n', '\n            ')}`,
  ];
  if (s.pending.length > 0) {
    lines.push(
      `buffered    ${s.pending.length} (missing ${s.version + 1}-${(s.pending[0]?.sequence ?? 0) - 1})`,
    );
    for (const p of s.pending) {
      const envelope = loaded.pendingEvents.get(p.sequence);
      lines.push(
        `  #${p.sequence}  ${p.eventId}  ${envelope?.type ?? '(item missing)'}  buffered ${p.bufferedAt}`,
      );
    }
  } else {
    lines.push('buffered    none');
  }
  for (const skip of s.skips as readonly (SkipRecord & ChainSkip)[]) {
    // Which chain rule verifies this skip (docs/design.md, "version and chain"); unmarked = a token per sequence.
    const rule = skip.chainToken === 'range' ? ' (chain: one token for the range)' : '';
    lines.push(`skipped     ${skip.from}-${skip.to} at ${skip.at}: ${skip.reason}${rule}`);
  }
  return lines.join('\n');
}
