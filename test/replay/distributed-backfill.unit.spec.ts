import {
  DescribeExecutionCommand,
  DescribeMapRunCommand,
  ListMapRunsCommand,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import {
  type BackfillProgress,
  formatBackfillProgress,
  type ReplayEnvironment,
  ReplayOptionsError,
  startDistributedBackfill,
} from '../../processors/replay/index.js';

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

/** A Step Functions client faked at the command level: the execution runs for `polls` polls, its Map Run appears on the second. */
function fakeStepFunctions(final: string, polls: number) {
  const calls: { name: string; input: unknown }[] = [];
  let described = 0;
  const client = {
    async send(command: { input: unknown }) {
      calls.push({ name: command.constructor.name, input: command.input });
      if (command instanceof StartExecutionCommand) return { executionArn: 'arn:exec:1' };
      if (command instanceof DescribeExecutionCommand) {
        described++;
        return { status: described >= polls ? final : 'RUNNING' };
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
    const start = calls[0] as { name: string; input: { stateMachineArn: string; input: string } };
    expect(start.name).toBe('StartExecutionCommand');
    expect(start.input.stateMachineArn).toBe(env.backfillStateMachineArn);
    expect(JSON.parse(start.input.input)).toMatchObject({
      prefix: 'events/2026/11/01/',
      target: 'projection',
      table: 'orders-rebuild',
    });
    expect(progress.map((p) => p.status)).toEqual(['STARTED', 'RUNNING', 'RUNNING', 'RUNNING', 'SUCCEEDED']);
    expect(progress[1]?.objects).toBeUndefined();
    expect(progress.at(-1)?.objects).toEqual({ total: 200, succeeded: 200, running: 0, failed: 2 });
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

  it('formats progress for the terminal', () => {
    expect(formatBackfillProgress({ executionArn: 'a', status: 'RUNNING' })).toBe('RUNNING');
    expect(
      formatBackfillProgress({
        executionArn: 'a',
        status: 'RUNNING',
        objects: { total: 200, succeeded: 120, running: 8, failed: 1 },
      }),
    ).toBe('RUNNING · objects 120/200 done, 8 running, 1 failed');
  });
});
