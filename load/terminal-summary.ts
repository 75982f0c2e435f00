import { fmt, fmtMs } from './number-format.js';
import type { LoadReport } from './report.js';
import { hopLatencyLine } from './report-hop-latency.js';
import { kinesisThrottleLine } from './report-kinesis-throttles.js';
import { verdictLines } from './verifier.js';

/** The short summary printed at the end (pure). */
export function terminalSummary(report: LoadReport, reportDir: string): string {
  const lines: string[] = [];
  const search = report.findMax;
  if (search !== undefined) {
    lines.push(
      `find-max: highest sustained ${fmt(search.maxSustainedRate)} events/s; knee at ${search.kneeRate === undefined ? 'not reached' : `${fmt(search.kneeRate)} events/s`}`,
    );
    if (search.ceiling !== undefined)
      lines.push(
        `  slowest stage ${search.ceiling.slowestStage} ${fmt(search.ceiling.slowestPerSecond)}/s → ratio ${fmt(search.ratioToSlowestStage, 2)}×`,
      );
  }
  const run = report.run;
  if (run !== undefined) {
    lines.push(
      `rate     target ${fmt(run.targetRate)} ev/s, achieved ${fmt(run.achievedRate)} ev/s (${fmt(run.events.accepted)}/${fmt(run.events.sent)} accepted)`,
      `latency  p50 ${fmtMs(run.latency.p50)}  p90 ${fmtMs(run.latency.p90)}  p99 ${fmtMs(run.latency.p99)}  max ${fmtMs(run.latency.max)}; statuses ${Object.entries(
        run.requests.byStatus,
      )
        .map(([s, n]) => `${s}×${n}`)
        .join(' ')}`,
    );
    if (run.lag !== undefined)
      lines.push(
        `lag      p50 ${fmtMs(run.lag.distribution.p50)}  p99 ${fmtMs(run.lag.distribution.p99)}  max ${fmtMs(run.lag.distribution.max)}`,
      );
    if (run.drain !== undefined)
      lines.push(`drain    ${run.drain.drained ? '' : 'NOT drained, '}${fmt(run.drain.seconds, 1)} s`);
    const v = run.verification;
    if (v === undefined) lines.push(`verify   skipped: ${run.verificationSkipped}`);
    // The same verdict lines as `--verify` prints, unreadable archive objects and bus lines included.
    else lines.push(...verdictLines(v, 10, v.mismatchCount));
    const d = run.delivery;
    if (d !== undefined)
      lines.push(
        `delivery acknowledged ${fmt(d.acknowledged)}, applied ${fmt(d.applied)}, lost ${fmt(d.lost)}, applied twice ${fmt(d.appliedTwice)}, out of order ${fmt(d.outOfOrder)}`,
      );
    if (run.faults !== undefined)
      lines.push(
        `faults   ${Object.entries(run.faults)
          .map(([kind, count]) => `${kind} ${fmt(count)}`)
          .join(', ')}`,
      );
    const throttles = kinesisThrottleLine(run.kinesisThrottles);
    if (throttles !== undefined) lines.push(throttles);
    const hops = hopLatencyLine(run.hopLatency);
    if (hops !== undefined) lines.push(hops);
    for (const note of run.notes) lines.push(`note     ${note}`);
  }
  lines.push(`report   ${reportDir}/report.html`, report.ok ? 'PASS' : 'FAIL');
  return lines.join('\n');
}
