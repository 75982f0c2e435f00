import type { ReplaySummary } from '../../processors/replay/run-replay.js';
import { formatSeconds } from './progress-bar.js';

/** The closing summary as text: read, filtered, sent, failed, duplicates skipped, time. */
export function formatReplaySummary(s: ReplaySummary): string {
  const seconds = s.elapsedMs / 1000;
  const lines = [
    `${s.dryRun ? 'dry run' : s.declined ? 'declined, nothing written' : s.stopped ? 'stopped (resume with --resume)' : 'replay done'} — run ${s.runId}, target ${s.target}`,
    `objects   ${s.objects} (${s.objectsSkipped} already finished), ${s.read.corruptObjects} corrupt`,
    `read      ${s.read.lines} lines, ${s.read.decoded} valid, ${s.read.badLines} bad`,
    `filtered  ${s.read.filteredOut} dropped by the filter, ${s.read.kept} kept`,
    `dedupe    ${s.archiveDuplicates} archive duplicates skipped, ${s.conflicts.length} conflicts (${s.held} events held)`,
    `${s.dryRun ? 'would send' : 'sent'}${s.dryRun ? ' ' : '      '}${s.dryRun ? s.toSend : s.sent}${s.dryRun ? '' : `, ${s.targetDuplicates} already at the target, ${s.failed} failed`}${s.alreadyDone > 0 ? `, ${s.alreadyDone} done in an earlier run` : ''}`,
    `time      ${formatSeconds(seconds)} (${seconds > 0 ? Math.round((s.sent + s.targetDuplicates) / seconds) : 0} events/s)${s.spilledRuns > 0 ? `, ${s.spilledRuns} sorted runs spilled to disk` : ''}`,
  ];
  if (s.dryRun) {
    const types = Object.entries(s.byEventType)
      .map(([t, n]) => `${t}=${n}`)
      .join(' ');
    lines.push(`by type   ${types || '-'}`);
    for (const e of s.sample)
      lines.push(`  e.g. ${e.aggregateType}#${e.aggregateId} #${e.sequence} ${e.type} ${e.eventId}`);
  }
  for (const c of s.conflicts.slice(0, 10))
    lines.push(
      `conflict  ${c.aggregateType}#${c.aggregateId} @${c.sequence}: ${c.detail} (${c.eventIds.join(', ')})`,
    );
  for (const f of s.failures.slice(0, 10))
    lines.push(`failed    ${f.aggregate} #${f.sequence}: ${f.message}`);
  for (const i of s.issues.slice(0, 10))
    lines.push(`bad input ${i.key}${i.line === undefined ? '' : `:${i.line}`}: ${i.reason}`);
  return lines.join('\n');
}
