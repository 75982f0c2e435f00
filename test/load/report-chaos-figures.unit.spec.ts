import { describe, expect, it } from 'vitest';
import { buildRunReport, type LoadReport } from '../../load/report.js';
import { renderHtml } from '../../load/report-html.js';
import { renderMarkdown } from '../../load/report-markdown.js';
import { terminalSummary } from '../../load/terminal-summary.js';
import { FAULT_KINDS, type FaultCounts } from '../../local/faults/index.js';
import { quietRunOutcome, REPORT_TEST_SETTINGS } from './run-outcome-fixture.js';

const outcome = quietRunOutcome({
  delivery: { acknowledged: 1200, applied: 1199, lost: 1, appliedTwice: 2, outOfOrder: 3 },
});
const settings = REPORT_TEST_SETTINGS;
const faults = Object.fromEntries(FAULT_KINDS.map((kind, i) => [kind, 10 + i])) as FaultCounts;

function report(withFaults: boolean): LoadReport {
  const run = buildRunReport(outcome, settings);
  return {
    kind: 'run',
    createdAt: '2026-01-01T00:00:00.000Z',
    target: { kind: 'local', description: 'local', eventsUrl: 'http://127.0.0.1:1/events' },
    scenario: withFaults ? 'chaos' : undefined,
    run: withFaults ? { ...run, faults } : run,
    findMax: undefined,
    ok: false,
  };
}

describe('report: delivery figures and faults injected', () => {
  it('the run report carries the delivery figures, and no faults outside a chaos run', () => {
    const run = buildRunReport(outcome, settings);
    expect(run.delivery).toEqual(outcome.delivery);
    expect(run.faults).toBeUndefined();
  });

  it('markdown: a delivery row and a faults table with every kind and the total', () => {
    const markdown = renderMarkdown(report(true));
    expect(markdown).toContain('| 1,200 | 1,199 | 1 | 2 | 3 |');
    for (const kind of FAULT_KINDS) expect(markdown).toContain(`| ${kind} | ${faults[kind]} |`);
    const total = Object.values(faults).reduce((a, b) => a + b, 0);
    expect(markdown).toContain(`| **total** | ${total} |`);
    expect(renderMarkdown(report(false))).not.toContain('Faults injected');
  });

  it('terminal and html show them too', () => {
    const text = terminalSummary(report(true), '/tmp/r');
    expect(text).toContain('acknowledged 1,200, applied 1,199, lost 1, applied twice 2, out of order 3');
    expect(text).toContain('processor-crash 16');
    const html = renderHtml(report(true));
    expect(html).toContain('Faults injected by kind');
    expect(renderHtml(report(false))).not.toContain('Faults injected by kind');
  });
});
