import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  inAggregateSample,
  localDataDirOf,
  MAX_BREAKDOWN_EVENTS,
  readHopLatency,
} from '../../load/hop-latency-reader.js';
import { buildRunReport, type LoadReport } from '../../load/report.js';
import type { HopLatencyReport } from '../../load/report-hop-latency.js';
import { renderHtml } from '../../load/report-html.js';
import { renderMarkdown } from '../../load/report-markdown.js';
import { terminalSummary } from '../../load/terminal-summary.js';
import { useTempDir } from '../support/temp-dir.js';
import { writeScenarioStore } from '../trace/span-store-fixture.js';
import { quietRunOutcome, REPORT_TEST_SETTINGS } from './run-outcome-fixture.js';

const tempDir = useTempDir('report-hop-latency-');

function report(hopLatency: HopLatencyReport | undefined): LoadReport {
  const run = buildRunReport(quietRunOutcome(), REPORT_TEST_SETTINGS);
  return {
    kind: 'run',
    createdAt: '2026-01-01T00:00:00.000Z',
    target: { kind: 'local', description: 'local', eventsUrl: 'http://127.0.0.1:1/events' },
    scenario: undefined,
    run: hopLatency === undefined ? run : { ...run, hopLatency },
    findMax: undefined,
    ok: run.ok,
  };
}

describe('per-hop latency of a run', () => {
  it('sums up each hop across the run events of the span store (p50/p95/p99/max)', async () => {
    await writeScenarioStore(tempDir());
    // The fixture's aggregate is o-123: the run prefix "o" covers it, as a run's "<prefix>-<n>" aggregates.
    const breakdown = await readHopLatency(tempDir(), 'o');
    expect(breakdown.events).toBe(5);
    const row = (hop: string) => breakdown.hops.find((r) => r.hop === hop);
    // Times of the fixture (test/trace/span-store-fixture.ts): e-3 waited 400 ms behind the gap before it was applied.
    expect(row('stream')).toMatchObject({ count: 5, p50: 192, p95: 192, max: 192 });
    expect(row('processor')).toMatchObject({ count: 3, p50: 3, p95: 403, p99: 403, max: 403 });
    expect(row('bus')).toMatchObject({ count: 4, p50: 254, p95: 604 });
    expect(row('applied')).toMatchObject({ count: 3, p50: 203, max: 553 });
    expect(row('ingest')?.count).toBe(5);
    expect(breakdown.hops.map((r) => r.hop)).toEqual([
      'ingest',
      'stream',
      'processor',
      'write',
      'archive',
      'bus',
      'queue',
      'applied',
    ]);
    expect((await readHopLatency(tempDir(), 'load-other')).hops).toEqual([]);
  });

  it('is absent with a note for a remote target or a local stack without a span store', async () => {
    expect(await readHopLatency(undefined, 'load-r1')).toMatchObject({
      hops: [],
      note: expect.stringContaining('not a local stack'),
    });
    expect(await readHopLatency(join(tempDir(), 'no-store'), 'load-r1')).toMatchObject({
      hops: [],
      note: expect.stringContaining('tracing is off'),
    });
  });

  it('finds the data directory only for a local-stack target', () => {
    expect(localDataDirOf({}, {})).toBe(resolve('.local'));
    expect(localDataDirOf({ dataDir: '/tmp/x' }, {})).toBe('/tmp/x');
    expect(localDataDirOf({ stack: 'dev' }, {})).toBeUndefined();
    expect(localDataDirOf({ url: 'https://example.invalid', table: 't', bucket: 'b' }, {})).toBeUndefined();
  });

  it('renders the breakdown in report.md, report.html and the terminal summary, and the note when absent', async () => {
    await writeScenarioStore(tempDir());
    const measured = report(await readHopLatency(tempDir(), 'o'));
    const markdown = renderMarkdown(measured);
    expect(markdown).toContain('### Per-hop latency (spans)');
    expect(markdown).toContain(
      '| processor | batch started → event applied (includes time buffered behind a gap) | 3 | 3 ms | 403 ms | 403 ms | 403 ms |',
    );
    expect(renderHtml(measured)).toContain('Per-hop latency p95 (spans)');
    expect(terminalSummary(measured, '/r')).toContain('hops p50 ingest 10 ms, stream 192 ms, processor 3 ms');
    const remote = report(await readHopLatency(undefined, 'load-r1'));
    expect(renderMarkdown(remote)).toContain('Not measured: the target is not a local stack');
    expect(terminalSummary(remote, '/r')).toContain('hops     not measured: the target is not a local stack');
    expect(renderMarkdown(report(undefined))).not.toContain('Per-hop latency');
  });
});

describe('a big run', () => {
  it('samples aggregates stably, about 1 in n, all or none of an aggregate', () => {
    const ids = Array.from({ length: 10_000 }, (_, i) => `load-r1-${i}`);
    const kept = ids.filter((id) => inAggregateSample(id, 10));
    expect(kept.length).toBeGreaterThan(800);
    expect(kept.length).toBeLessThan(1200);
    expect(ids.filter((id) => inAggregateSample(id, 10))).toEqual(kept);
    expect(ids.every((id) => inAggregateSample(id, 1))).toBe(true);
  });

  it('keeps or leaves out a whole aggregate in a sampled breakdown, and says it is sampled', async () => {
    await writeScenarioStore(tempDir());
    const factors = Array.from({ length: 4000 }, (_, i) => i + 2);
    const keeps = factors.find((every) => inAggregateSample('o-123', every)) as number;
    const drops = factors.find((every) => !inAggregateSample('o-123', every)) as number;
    const kept = await readHopLatency(tempDir(), 'o', MAX_BREAKDOWN_EVENTS * keeps);
    expect(kept.events).toBe(5);
    expect(kept.note).toContain(`sampled: the events of 1 aggregate in ${keeps}`);
    const dropped = await readHopLatency(tempDir(), 'o', MAX_BREAKDOWN_EVENTS * drops);
    expect(dropped).toMatchObject({ events: 0, hops: [] });
    expect((await readHopLatency(tempDir(), 'o', MAX_BREAKDOWN_EVENTS)).note).not.toContain('sampled');
  });
});
