import { fmt, fmtMs } from './number-format.js';
import type { FindMaxReport, LoadReport, RunReport } from './report.js';
import { hopLatencySection } from './report-hop-latency.js';
import { kinesisThrottleSection } from './report-kinesis-throttles.js';
import type { CopyCheck } from './verifier.js';

/** `report.md` (pure). */
export function renderMarkdown(report: LoadReport): string {
  const lines = [
    `# Load report ${report.ok ? '— PASS' : '— FAIL'}`,
    '',
    `- Target: ${report.target.description} (\`${report.target.eventsUrl}\`)`,
    `- Created: ${report.createdAt}`,
    ...(report.scenario === undefined ? [] : [`- Scenario: ${report.scenario}`]),
    '',
  ];
  if (report.findMax !== undefined) lines.push(...findMaxSection(report.findMax), '');
  if (report.run !== undefined) lines.push(...runSection(report.run));
  return `${lines.join('\n')}\n`;
}

/** The sections of one run (pure). */
export function runSection(run: RunReport, heading = '##'): string[] {
  const lines = [
    `${heading} Run ${run.runId}`,
    '',
    `Aggregates \`${run.aggregatePrefix}-*\`: ${fmt(run.settings.aggregates)}, ${run.settings.eventsPerRequest} events/request, ${run.settings.connections} connections, seed ${run.settings.seed}.`,
    '',
    '| | value |',
    '|---|---|',
    `| target rate | ${fmt(run.targetRate)} events/s |`,
    `| achieved rate | ${fmt(run.achievedRate)} events/s |`,
    `| events sent / accepted / rejected / uncertain | ${fmt(run.events.sent)} / ${fmt(run.events.accepted)} / ${fmt(run.events.rejected)} / ${fmt(run.events.uncertain)} |`,
    `| requests (retries) | ${fmt(run.requests.total)} (${fmt(run.requests.retries)}) |`,
    `| HTTP status counts | ${Object.entries(run.requests.byStatus)
      .map(([s, n]) => `${s}: ${fmt(n)}`)
      .join(', ')} |`,
    `| HTTP latency p50 / p90 / p99 / max | ${fmtMs(run.latency.p50)} / ${fmtMs(run.latency.p90)} / ${fmtMs(run.latency.p99)} / ${fmtMs(run.latency.max)} |`,
    `| ingest-to-applied lag p50 / p99 / max | ${run.lag === undefined ? '-' : `${fmtMs(run.lag.distribution.p50)} / ${fmtMs(run.lag.distribution.p99)} / ${fmtMs(run.lag.distribution.max)} (${fmt(run.lag.distribution.count)} events, ${fmt(run.lag.coverage * 100)}%)`} |`,
    `| drain (applied / archived / bridged) | ${run.drain === undefined ? '-' : `${run.drain.drained ? '' : 'NOT DRAINED '}${fmt(run.drain.seconds, 1)} s (${fmt(run.drain.appliedSeconds, 1)} / ${fmt(run.drain.archivedSeconds, 1)} / ${fmt(run.drain.bridgedSeconds, 1)} s)`} |`,
    '',
  ];
  if (run.phases.length > 0) {
    lines.push(
      '| phase | target ev/s | planned ev/s (req/s × events) | connections | seconds | achieved ev/s | latency p50 / p99 (corrected) |',
      '|---|---|---|---|---|---|---|',
      ...run.phases.map(
        (p) =>
          `| ${p.label} | ${fmt(p.targetRate)} | ${fmt(p.plannedRate)} (${fmt(p.requestRate)} × ${run.settings.eventsPerRequest}) | ${p.connections} | ${fmt(p.durationSeconds, 1)} | ${fmt(p.achievedRate)} | ${fmtMs(p.latencyCorrected.p50)} / ${fmtMs(p.latencyCorrected.p99)} |`,
      ),
      '',
    );
  }
  lines.push(`${heading}# Verification`, '');
  const v = run.verification;
  if (v === undefined) lines.push(`Skipped: ${run.verificationSkipped ?? 'not run'}.`, '');
  else {
    lines.push(
      `**${v.ok ? 'PASS' : 'FAIL'}** — ${fmt(v.acceptedEvents)} accepted events over ${fmt(v.aggregates)} aggregates.`,
      '',
      '| check | result |',
      '|---|---|',
      `| projection (version = accepted count, chain = chainOf(sent eventIds)) | ${fmt(v.projection.matched)} / ${fmt(v.projection.checked)} aggregates match |`,
      `| archive (exactly once) | ${copyLine(v.archive)} |`,
      `| bus (\`order-events\` queue) | ${copyLine(v.bus)} |`,
      '',
    );
    if (v.mismatchCount > 0) {
      lines.push(
        `Mismatches (${fmt(v.mismatchCount)} aggregates${v.mismatchCount > v.mismatches.length ? `, first ${v.mismatches.length}` : ''}):`,
        '',
      );
      for (const m of v.mismatches) lines.push(`- \`${m.aggregateId}\`: ${m.problems.join('; ')}`);
      lines.push('');
    }
  }
  lines.push(...deliverySection(run, heading));
  lines.push(...hopLatencySection(run.hopLatency, heading));
  if (run.notes.length > 0) lines.push(`${heading}# Notes`, '', ...run.notes.map((n) => `- ${n}`), '');
  return lines;
}

/** Delivery figures and the faults injected, when the run has them (pure). */
export function deliverySection(run: RunReport, heading = '##'): string[] {
  const lines: string[] = [];
  const d = run.delivery;
  if (d !== undefined)
    lines.push(
      `${heading}# Delivery`,
      '',
      '| acknowledged | applied | lost | applied twice | out of order |',
      '|---|---|---|---|---|',
      `| ${fmt(d.acknowledged)} | ${fmt(d.applied)} | ${fmt(d.lost)} | ${fmt(d.appliedTwice)} | ${fmt(d.outOfOrder)} |`,
      '',
    );
  if (run.faults !== undefined) {
    const entries = Object.entries(run.faults);
    lines.push(
      `${heading}# Faults injected`,
      '',
      '| kind | injected |',
      '|---|---|',
      ...entries.map(([kind, count]) => `| ${kind} | ${fmt(count)} |`),
      `| **total** | ${fmt(entries.reduce((sum, [, count]) => sum + count, 0))} |`,
      '',
    );
  }
  lines.push(...kinesisThrottleSection(run.kinesisThrottles, heading));
  return lines;
}

function copyLine(check: CopyCheck | undefined): string {
  if (check === undefined) return 'not checked';
  const parts = [`${fmt(check.found)} / ${fmt(check.expected)} present, ${fmt(check.missing)} missing`];
  parts.push(
    `${fmt(check.duplicatedEvents)} duplicated (${fmt(check.extraCopies)} extra copies, at-least-once)`,
  );
  if (check.uncertainPresent > 0) parts.push(`${fmt(check.uncertainPresent)} uncertain present`);
  if (check.rejectedPresent > 0) parts.push(`${fmt(check.rejectedPresent)} REJECTED but present`);
  return parts.join(', ');
}

function findMaxSection(search: FindMaxReport): string[] {
  const c = search.ceiling;
  return [
    '## Find max',
    '',
    `**Highest sustained rate: ${fmt(search.maxSustainedRate)} events/s** with zero verification failures; knee (lag starts to grow) at ${search.kneeRate === undefined ? 'not reached' : `${fmt(search.kneeRate)} events/s target`}.`,
    '',
    ...(c === undefined
      ? []
      : [
          `Raw ceilings measured in the same run: kinesalite PutRecords ${fmt(c.kinesisPutRecordsPerSecond)} records/s, GetRecords ${fmt(c.kinesisGetRecordsPerSecond)} records/s, dynalite conditional UpdateItem ${fmt(c.dynamodbConditionalWritesPerSecond)} writes/s. Slowest stage: ${c.slowestStage} (${fmt(c.slowestPerSecond)}/s); sustained rate / slowest = **${fmt(search.ratioToSlowestStage, 2)}×**.`,
          '',
        ]),
    '| target ev/s | achieved ev/s | verified | lag p50 | lag p99 | early → late lag p50 | applied drain | sustained | why |',
    '|---|---|---|---|---|---|---|---|---|',
    ...search.steps.map(
      (s) =>
        `| ${fmt(s.targetRate)} | ${fmt(s.achievedRate)} | ${s.verified ? 'yes' : 'NO'} | ${fmtMs(s.lagP50)} | ${fmtMs(s.lagP99)} | ${fmtMs(s.earlyLagP50)} → ${fmtMs(s.lateLagP50)} | ${s.appliedDrainSeconds === undefined ? '-' : `${fmt(s.appliedDrainSeconds, 1)} s`} | ${s.sustained ? 'yes' : 'no'} | ${s.reason} |`,
    ),
  ];
}
