import { fmt } from './number-format.js';
import type { LoadReport, RunReport } from './report.js';
import { renderMarkdown } from './report-markdown.js';
import { barChart, escapeXml, lineChart } from './svg-charts.js';

/** The charts of one run: achieved rate and latency over time, lag distribution (pure). */
export function runCharts(run: RunReport): string[] {
  const charts: string[] = [];
  let t = 0;
  const target: [number, number][] = [];
  for (const phase of run.phases) {
    target.push([t, phase.plannedRate], [t + phase.durationSeconds, phase.plannedRate]);
    t += phase.durationSeconds;
  }
  charts.push(
    lineChart(
      'Achieved rate over time',
      [
        {
          name: 'accepted events/s',
          color: '#4c78a8',
          points: run.timeline.map((p) => [p.t, p.eventsAccepted] as const),
        },
        { name: 'target events/s', color: '#e45756', points: target, dashed: true },
      ],
      'seconds since start',
      'events/s',
    ),
    lineChart(
      'HTTP latency over time',
      [
        { name: 'p50 ms', color: '#54a24b', points: run.timeline.map((p) => [p.t, p.latencyP50] as const) },
        { name: 'p99 ms', color: '#f58518', points: run.timeline.map((p) => [p.t, p.latencyP99] as const) },
      ],
      'seconds since start',
      'ms',
    ),
  );
  if (run.lag !== undefined && run.lag.histogram.length > 0)
    charts.push(
      barChart(
        'Ingest-to-applied lag distribution',
        run.lag.histogram.map((b) => [`${fmt(b.from)}`, b.count] as const),
        'lag (ms, bucket start)',
        'events',
      ),
    );
  if (run.faults !== undefined)
    charts.push(barChart('Faults injected by kind', Object.entries(run.faults), 'fault kind', 'faults'));
  if (run.kinesisThrottles !== undefined)
    charts.push(
      barChart(
        'Where AWS would throttle: Kinesis calls and records throttled per shard',
        run.kinesisThrottles.perShard.flatMap((s) => [
          [`${s.shardId} writes`, s.throttledWriteRecords] as const,
          [`${s.shardId} reads`, s.throttledReadCalls] as const,
        ]),
        'shard',
        'throttled',
      ),
    );
  if (run.hopLatency !== undefined && run.hopLatency.hops.length > 0)
    charts.push(
      barChart(
        'Per-hop latency p95 (spans)',
        run.hopLatency.hops.map((row) => [row.hop, row.p95] as const),
        'hop',
        'ms',
      ),
    );
  return charts;
}

/** `report.html`: self-contained (inline SVG, inline CSS, no scripts or network) (pure). */
export function renderHtml(report: LoadReport): string {
  const sections: string[] = [];
  if (report.findMax !== undefined) {
    const steps = report.findMax.steps;
    sections.push(
      lineChart(
        'Find max: target vs achieved',
        [
          {
            name: 'achieved events/s',
            color: '#4c78a8',
            points: steps.map((s, i) => [i + 1, s.achievedRate] as const),
          },
          {
            name: 'target events/s',
            color: '#e45756',
            points: steps.map((s, i) => [i + 1, s.targetRate] as const),
            dashed: true,
          },
        ],
        'step',
        'events/s',
      ),
      lineChart(
        'Find max: lag per step',
        [
          { name: 'lag p50 ms', color: '#54a24b', points: steps.map((s, i) => [i + 1, s.lagP50] as const) },
          { name: 'lag p99 ms', color: '#f58518', points: steps.map((s, i) => [i + 1, s.lagP99] as const) },
        ],
        'step',
        'ms',
      ),
    );
    const last = steps.at(-1);
    if (last !== undefined)
      sections.push(`<h3>Last step (${fmt(last.targetRate)} events/s)</h3>`, ...runCharts(last.report));
  }
  if (report.run !== undefined) sections.push(...runCharts(report.run));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Load report ${escapeXml(report.createdAt)}</title>
<style>body{font:14px/1.45 system-ui,sans-serif;max-width:980px;margin:24px auto;padding:0 16px;color:#222}
pre{white-space:pre-wrap;background:#f6f6f6;padding:12px;border-radius:6px}svg{display:block;margin:16px 0;background:#fff}
.pass{color:#2a7a2a}.fail{color:#b22}</style></head><body>
<h1 class="${report.ok ? 'pass' : 'fail'}">Load report: ${report.ok ? 'PASS' : 'FAIL'}</h1>
${sections.join('\n')}
<h2>Summary</h2>
<pre>${escapeXml(renderMarkdown(report))}</pre>
</body></html>
`;
}
