import {
  DescribeExecutionCommand,
  DescribeMapRunCommand,
  DescribeStateMachineCommand,
  ListMapRunsCommand,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { MAX_EXECUTION_INPUT_BYTES } from '../../processors/replay/backfill-sizing.js';
import { type ReplayEnvironment, ReplayOptionsError } from '../../processors/replay/index.js';
import { backfillDefinition } from '../../pulumi/replay-backfill.js';
import { backfillResultsOf, grantedTablesOf } from '../../tools/replay/distributed-backfill.js';
import {
  type BackfillProgress,
  formatBackfillProgress,
  startDistributedBackfill,
} from '../../tools/replay/index.js';

const env: ReplayEnvironment = {
  name: 'pulumi stack prod',
  local: false,
  region: 'eu-west-1',
  endpoints: {},
  streamName: 'events-prod',
  table: 'aggregates-prod',
  bucket: 'archive-prod',
  archivePrefix: 'events/',
  busName: 'ordered-events-prod',
  sourcePrefix: 'pipeline',
  backfillStateMachineArn: 'arn:aws:states:eu-west-1:123456789012:stateMachine:backfill',
};
const request = {
  range: { from: new Date('2026-11-01T00:00:00Z'), to: new Date('2026-11-02T00:00:00Z') },
  target: 'projection',
  table: 'orders-rebuild',
};

/** The deployed definition, as the Pulumi program writes it: the live table and one separate projection table. */
const deployedDefinition = JSON.stringify(
  backfillDefinition({
    functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:backfill-replay',
    bucket: 'archive-prod',
    maxItemsPerBatch: 2,
    maxConcurrency: 5,
    functionTimeoutSeconds: 900,
    grantedTables: ['aggregates-prod', 'orders-rebuild'],
  }),
);
const RESULTS = {
  MapRunArn: 'arn:aws:states:eu-west-1:123456789012:mapRun:backfill/ReplayObjects:ad9b5f27',
  ResultWriterDetails: { Bucket: 'archive-prod', Key: 'backfill-results/ad9b5f27/manifest.json' },
};

/** A Step Functions client faked at the command level: the execution runs for `polls` polls, its Map Run appears on the second. */
function fakeStepFunctions(final: string, polls: number, definition = deployedDefinition) {
  const calls: { name: string; input: unknown }[] = [];
  let described = 0;
  const client = {
    async send(command: { input: unknown }) {
      calls.push({ name: command.constructor.name, input: command.input });
      if (command instanceof DescribeStateMachineCommand) return { definition };
      if (command instanceof StartExecutionCommand) return { executionArn: 'arn:exec:1' };
      if (command instanceof DescribeExecutionCommand) {
        described++;
        // With ResultWriter the execution's output is only the Map Run and where its results are.
        return described >= polls
          ? { status: final, output: JSON.stringify(RESULTS) }
          : { status: 'RUNNING' };
      }
      if (command instanceof ListMapRunsCommand)
        return { mapRuns: described < 2 ? [] : [{ mapRunArn: 'arn:maprun:1' }] };
      if (command instanceof DescribeMapRunCommand) {
        const done = Math.min(200, described * 60);
        return {
          itemCounts: {
            total: 200,
            succeeded: done,
            running: 200 - done,
            failed: 1,
            timedOut: 1,
            aborted: 0,
          },
        };
      }
      throw new Error(`unexpected ${command.constructor.name}`);
    },
  };
  return { client: client as unknown as Pick<SFNClient, 'send'>, calls };
}

describe('startDistributedBackfill', () => {
  it('starts the state machine with the backfill input and follows the Map Run until the execution ends', async () => {
    const { client, calls } = fakeStepFunctions('SUCCEEDED', 4);
    const progress: BackfillProgress[] = [];
    const slept: number[] = [];
    const status = await startDistributedBackfill(env, request, {
      client,
      pollIntervalMs: 5_000,
      sleep: async (ms) => {
        slept.push(ms);
      },
      onProgress: (p) => progress.push(p),
    });
    expect(status).toBe('SUCCEEDED');
    // The table is checked against the deployed state machine before the execution starts.
    expect(calls[0]?.name).toBe('DescribeStateMachineCommand');
    const start = calls[1] as { name: string; input: { stateMachineArn: string; input: string } };
    expect(start.name).toBe('StartExecutionCommand');
    expect(start.input.stateMachineArn).toBe(env.backfillStateMachineArn);
    expect(JSON.parse(start.input.input)).toMatchObject({
      // The range starts at midnight: the folder of 31 Oct 23:00 can hold its first arrivals.
      prefix: 'events/2026/',
      target: 'projection',
      table: 'orders-rebuild',
    });
    expect(progress.map((p) => p.status)).toEqual(['STARTED', 'RUNNING', 'RUNNING', 'RUNNING', 'SUCCEEDED']);
    expect(progress[1]?.objects).toBeUndefined();
    expect(progress.at(-1)?.objects).toEqual({ total: 200, succeeded: 200, running: 0, failed: 2 });
    // The outcome ends with where the Map exported the batches' results (ResultWriter's manifest).
    expect(progress.at(-1)?.results).toEqual({
      bucket: 'archive-prod',
      manifestKey: 'backfill-results/ad9b5f27/manifest.json',
    });
    expect(progress.slice(0, -1).every((p) => p.results === undefined)).toBe(true);
    expect(slept).toEqual([5_000, 5_000, 5_000]);
    // The Map Run is looked up until found, then only described.
    expect(calls.filter((c) => c.name === 'ListMapRunsCommand')).toHaveLength(2);
  });

  it('returns a failed status as it is, for the CLI to exit 1', async () => {
    const { client } = fakeStepFunctions('FAILED', 1);
    const status = await startDistributedBackfill(env, request, { client, onProgress: () => undefined });
    expect(status).toBe('FAILED');
  });

  it('refuses a stack without the backfill output', async () => {
    const { backfillStateMachineArn: _unused, ...undeployed } = env;
    await expect(
      startDistributedBackfill(undeployed, request, { onProgress: () => undefined }),
    ).rejects.toBeInstanceOf(ReplayOptionsError);
  });

  it('refuses, before starting, a --table the deployed state machine does not grant, naming the config key', async () => {
    const { client, calls } = fakeStepFunctions('SUCCEEDED', 1);
    const refused = startDistributedBackfill(
      env,
      { ...request, table: 'someone-elses' },
      { client, onProgress: () => undefined },
    );
    await expect(refused).rejects.toBeInstanceOf(ReplayOptionsError);
    await expect(refused).rejects.toThrow(/\(aggregates-prod, orders-rebuild\).*replay\.projectionTables/);
    expect(calls.map((c) => c.name)).not.toContain('StartExecutionCommand');
  });

  it('lets a stack deployed before separate projection tables write only its live table', async () => {
    const old = JSON.stringify({ StartAt: 'ReplayObjects', States: { ReplayObjects: { Type: 'Map' } } });
    expect(grantedTablesOf(old)).toBeUndefined();
    const { client } = fakeStepFunctions('SUCCEEDED', 1, old);
    await expect(
      startDistributedBackfill(env, request, { client, onProgress: () => undefined }),
    ).rejects.toThrow(/aggregates-prod\)/);
    const live = fakeStepFunctions('SUCCEEDED', 1, old);
    await expect(
      startDistributedBackfill(
        env,
        { ...request, table: 'aggregates-prod' },
        {
          client: live.client,
          onProgress: () => undefined,
        },
      ),
    ).resolves.toBe('SUCCEEDED');
    // The live table needs no look-up.
    expect(live.calls.map((c) => c.name)).not.toContain('DescribeStateMachineCommand');
  });

  it('refuses an input every batch could not carry', async () => {
    const { client, calls } = fakeStepFunctions('SUCCEEDED', 1);
    const aggregateIds = Array.from(
      { length: MAX_EXECUTION_INPUT_BYTES / 16 },
      (_, i) => `order-${i}-xxxxxxx`,
    );
    await expect(
      startDistributedBackfill(
        env,
        { ...request, filter: { aggregateIds } },
        { client, onProgress: () => undefined },
      ),
    ).rejects.toThrow(/--aggregate-id/);
    expect(calls).toEqual([]);
  });

  it('reads the granted tables from the definition the Pulumi program writes', () => {
    expect(grantedTablesOf(deployedDefinition)).toEqual(['aggregates-prod', 'orders-rebuild']);
    expect(backfillResultsOf(JSON.stringify(RESULTS))).toEqual({
      bucket: 'archive-prod',
      manifestKey: 'backfill-results/ad9b5f27/manifest.json',
    });
    expect(backfillResultsOf(undefined)).toBeUndefined();
    expect(backfillResultsOf('[]')).toBeUndefined();
  });

  it('formats progress for the terminal', () => {
    expect(formatBackfillProgress({ executionArn: 'a', status: 'RUNNING' })).toBe('RUNNING');
    expect(
      formatBackfillProgress({
        executionArn: 'a',
        status: 'RUNNING',
        objects: { total: 200, succeeded: 120, running: 8, failed: 1 },
      }),
    ).toBe('RUNNING · objects 120/200 done, 8 running, 1 failed');
    expect(
      formatBackfillProgress({
        executionArn: 'a',
        status: 'FAILED',
        objects: { total: 200, succeeded: 199, running: 0, failed: 1 },
        results: { bucket: 'b', manifestKey: 'backfill-results/x/manifest.json' },
      }),
    ).toBe(
      'FAILED · objects 199/200 done, 0 running, 1 failed · results s3://b/backfill-results/x/manifest.json',
    );
  });
});
