import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LoadCommandResult, runLoadCommand } from '../../load/load-command.js';
import { parseLoadOptions } from '../../load/options.js';
import { ProgressLine } from '../../load/progress-bar.js';
import { type RunningLocalStack, startLocalStack } from '../../local/stack/index.js';

// The smoke scenario exactly as preset (200 events/s for 10 s) against the in-process local stack.
describe('load: smoke scenario against the local stack', () => {
  let dir: string;
  let stack: RunningLocalStack;
  let result: LoadCommandResult;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'load-smoke-'));
    stack = await startLocalStack({
      dataDir: join(dir, 'data'),
      quiet: true,
      archiveBufferIntervalSeconds: 1,
    });
    const options = parseLoadOptions([
      '--scenario',
      'smoke',
      '--target',
      'local',
      '--data-dir',
      join(dir, 'data'),
      '--report-dir',
      join(dir, 'reports'),
      '--drain-timeout',
      '40',
    ]);
    result = await runLoadCommand(options, { progress: new ProgressLine(undefined), log: () => {} });
  });

  afterAll(async () => {
    await stack?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('sends every event, accepted, and verifies projection, archive and bus', () => {
    const run = result.report.run;
    expect(result.exitCode).toBe(0);
    expect(run?.events).toEqual({ sent: 2000, accepted: 2000, rejected: 0, uncertain: 0 });
    expect(run?.verification?.ok).toBe(true);
    // Aggregates are drawn at random per event, so a few of the 100 may have received none.
    expect(run?.verification?.projection.checked).toBeGreaterThan(90);
    expect(run?.verification?.projection.matched).toBe(run?.verification?.projection.checked);
    expect(run?.verification?.archive).toMatchObject({ expected: 2000, found: 2000, missing: 0 });
    expect(run?.verification?.bus).toMatchObject({ expected: 2000, found: 2000, missing: 0 });
    expect(run?.drain?.drained).toBe(true);
    // Lag is sampled from the applied times the snapshots keep: the last 16 sequences of each of the 100 aggregates
    // (about 20 events each), so most events but at most 1,600 (docs/design.md §3, "Applied times").
    expect(run?.lag?.distribution.count).toBeGreaterThan(1_000);
    expect(run?.lag?.distribution.count).toBeLessThanOrEqual(1_600);
  });

  it('agrees with the stack’s own counters', () => {
    const stats = stack.stats();
    expect(stats.applied).toBeGreaterThanOrEqual(2000);
    expect(stats.poison).toBe(0);
    expect(stats.failed).toBe(0);
  });

  it('writes the run file and a report folder with json, markdown and self-contained html', async () => {
    const runFile = (await readFile(join(result.reportDir, 'run.ndjson'), 'utf8')).trim().split('\n');
    expect(runFile).toHaveLength(2000);
    const line = JSON.parse(runFile[0] as string);
    expect(Object.keys(line)).toEqual(
      expect.arrayContaining(['aggregateId', 'sequence', 'eventId', 'sentAt', 'status']),
    );
    expect(line.status).toBe(202);
    const json = JSON.parse(await readFile(join(result.reportDir, 'report.json'), 'utf8'));
    expect(json.ok).toBe(true);
    const md = await readFile(join(result.reportDir, 'report.md'), 'utf8');
    expect(md).toMatch(/achieved rate/);
    expect(md).toMatch(/lag p50 \/ p99 \/ max/);
    const html = await readFile(join(result.reportDir, 'report.html'), 'utf8');
    // Rate, latency, the lag histogram and, from the stack's spans (tracing is on locally), the per-hop latency.
    expect(md).toMatch(/Per-hop latency/);
    expect(json.run.hopLatency.hops.map((h: { hop: string }) => h.hop)).toEqual(
      expect.arrayContaining(['ingest', 'stream', 'processor', 'write', 'applied']),
    );
    expect(html.match(/<svg /g)?.length).toBe(4);
    expect(html).not.toMatch(/<script|src="http|href="http/);
  });
});
