import { describe, expect, it } from 'vitest';
import { buildRunReport, type LoadReport } from '../../load/report.js';
import { renderHtml } from '../../load/report-html.js';
import type { KinesisThrottleReport } from '../../load/report-kinesis-throttles.js';
import { renderMarkdown } from '../../load/report-markdown.js';
import { terminalSummary } from '../../load/terminal-summary.js';
import { AWS_SHARD_LIMITS } from '../../local/kinesis-limits/index.js';
import { quietRunOutcome, REPORT_TEST_SETTINGS } from './run-outcome-fixture.js';

const outcome = quietRunOutcome();
const settings = REPORT_TEST_SETTINGS;
const throttles: KinesisThrottleReport = {
  shards: 2,
  limits: AWS_SHARD_LIMITS,
  perShard: [
    {
      shardId: 'shardId-000000000000',
      acceptedWriteRecords: 12_345,
      throttledWriteRecords: 678,
      acceptedReadCalls: 90,
      throttledReadCalls: 7,
    },
    {
      shardId: 'shardId-000000000001',
      acceptedWriteRecords: 500,
      throttledWriteRecords: 0,
      acceptedReadCalls: 40,
      throttledReadCalls: 0,
    },
  ],
};

function report(withThrottles: KinesisThrottleReport | undefined): LoadReport {
  const run = buildRunReport(outcome, settings);
  return {
    kind: 'run',
    createdAt: '2026-01-01T00:00:00.000Z',
    target: { kind: 'local', description: 'local', eventsUrl: 'http://127.0.0.1:1/events' },
    scenario: withThrottles === undefined ? undefined : 'shard-limits',
    run: withThrottles === undefined ? run : { ...run, kinesisThrottles: withThrottles },
    findMax: undefined,
    ok: true,
  };
}

describe('report: "Where AWS would throttle"', () => {
  it('markdown: the limits, the shard count, a row per shard and the totals', () => {
    const markdown = renderMarkdown(report(throttles));
    expect(markdown).toContain('### Where AWS would throttle');
    expect(markdown).toContain(
      'on 2 shard(s): writes 1,000 records/s or 1.0 MiB/s, reads 5 GetRecords/s and 2.0 MiB/s',
    );
    expect(markdown).toContain('| shardId-000000000000 | 12,345 | 678 | 90 | 7 |');
    expect(markdown).toContain('| shardId-000000000001 | 500 | 0 | 40 | 0 |');
    expect(markdown).toContain(
      '678 record writes and 7 GetRecords calls were answered ProvisionedThroughputExceededException',
    );
    expect(renderMarkdown(report(undefined))).not.toContain('Where AWS would throttle');
  });

  it('says when nothing was throttled', () => {
    const calm = {
      ...throttles,
      perShard: throttles.perShard.map((s) => ({ ...s, throttledWriteRecords: 0, throttledReadCalls: 0 })),
    };
    expect(renderMarkdown(report(calm))).toContain(
      'Nothing was throttled: this load fits the configured shard count.',
    );
  });

  it('terminal and html show them too', () => {
    const text = terminalSummary(report(throttles), '/tmp/r');
    expect(text).toContain(
      'throttle 2 shard(s) at AWS limits: shardId-000000000000 writes 678, reads 7; shardId-000000000001 writes 0, reads 0',
    );
    expect(terminalSummary(report(undefined), '/tmp/r')).not.toContain('throttle ');
    const html = renderHtml(report(throttles));
    expect(html).toContain('Where AWS would throttle');
    expect(html).toContain('shardId-000000000000 writes');
  });
});
