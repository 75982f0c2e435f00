import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLoadOptions } from '../../load/options.js';
import { ProgressLine } from '../../load/progress-bar.js';
import { type ChaosCommandResult, runChaosCommand } from '../../load/scenarios/chaos-command.js';
import { FAULT_KINDS } from '../../local/faults/index.js';

// A short chaos load: the chaos scenario's own stack with every fault kind, then the verifier's figures.
describe('load --scenario chaos: load under injected faults', () => {
  let dir: string;
  let result: ChaosCommandResult;
  const stackErrors: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'chaos-load-'));
    const options = parseLoadOptions([
      '--scenario',
      'chaos',
      '--duration',
      '10',
      '--aggregates',
      '40',
      '--fault-seed',
      '13',
      '--fault-slow-ms',
      '100',
      '--report-dir',
      dir,
      // The drain ends as soon as every aggregate is applied; the long limit only matters on a busy CI machine,
      // where retries with backoff under a 35% crash rate can take a minute.
      '--drain-timeout',
      '150',
      // Injected 5xx on PutRecords may answer 503 several times in a row; retry the request as a client would.
      '--max-attempts',
      '20',
    ]);
    // Archive writes come about once a second: a high rate for them makes "every kind at least once" hold in a
    // short run (at 0.5 a slow CI run with few archive writes still missed S3 once). Invocations are many more
    // (≈ 90 in this run), so 0.35 still crashes some (P(none) < 1e-4) while keeping 11 crashes in a row on one
    // batch, which would exhaust the mapping's 10 retries, out of reach (0.35^11 ≈ 1e-5; at 0.5 it was ≈ 5e-4 per
    // batch, and a CI run once left 17 aggregates behind).
    const faults = {
      ...options.faults,
      rate: options.faults?.rate ?? 0.05,
      rates: { 's3-5xx': 0.65, 'processor-crash': 0.35 },
    };
    result = await runChaosCommand(
      { ...options, faults },
      {
        progress: new ProgressLine(undefined),
        log: () => {},
        onStackError: (error, where) =>
          stackErrors.push(
            `${where}: ${(error as Error).message}: ${((error as Error).cause as Error)?.message}`,
          ),
      },
    );
  }, 240_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('injects every fault kind at least once', () => {
    for (const kind of FAULT_KINDS)
      expect({ kind, injected: result.faults[kind] > 0 }).toEqual({ kind, injected: true });
    expect(result.kindsNotInjected).toEqual([]);
    // The processor crashes reached the emulated event source mapping as function errors.
    expect(
      stackErrors.some((line) => line.includes('InjectedProcessorCrash') || line.includes('crashed')),
    ).toBe(true);
  });

  it('loses nothing, applies nothing twice, reorders nothing; archive and bus hold every accepted event', () => {
    const run = result.report.run;
    // The delivery figures first: on a failure they tell lost events from a drain that ran out of time.
    expect({ delivery: run?.delivery, drain: run?.drain }).toMatchObject({
      delivery: { lost: 0, appliedTwice: 0, outOfOrder: 0 },
    });
    expect(run?.verification?.mismatches).toEqual([]);
    expect(run?.delivery?.acknowledged).toBeGreaterThan(500);
    expect(run?.verification?.archive?.missing).toBe(0);
    expect(run?.verification?.bus?.missing).toBe(0);
    expect(result.exitCode).toBe(0);
  });

  it('writes the figures and the faults into the report', async () => {
    const markdown = await readFile(join(result.reportDir, 'report.md'), 'utf8');
    expect(markdown).toContain('| acknowledged | applied | lost | applied twice | out of order |');
    expect(markdown).toContain('| processor-crash |');
    const json = JSON.parse(await readFile(join(result.reportDir, 'report.json'), 'utf8'));
    expect(json.run.faults).toEqual(result.faults);
  });
});
