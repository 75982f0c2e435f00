import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { ReplayOptionsError } from './errors.js';
import type { EventFilter } from './event-filter.js';
import type { ReplayEnvironment } from './replay-environment.js';
import type { TimeRange } from './time-range.js';
import { hourPrefix } from './time-range.js';

/** What a distributed backfill is asked to do (the state machine's execution input). */
export interface BackfillRequest {
  readonly range: TimeRange;
  readonly target: string;
  readonly table?: string;
  readonly filter?: EventFilter;
}

/**
 * The execution input: the longest common key prefix of the range's hour folders (the ItemReader lists it; the Lambda
 * drops objects outside the range), the range, the target and its options. Pure.
 */
export function backfillExecutionInput(
  archivePrefix: string,
  request: BackfillRequest,
): Record<string, unknown> {
  const first = hourPrefix(archivePrefix, request.range.from);
  const last = hourPrefix(archivePrefix, new Date(request.range.to.getTime() - 1));
  let common = 0;
  while (common < first.length && first[common] === last[common]) common++;
  const prefix = first.slice(0, first.lastIndexOf('/', common - 1) + 1);
  return {
    prefix,
    from: request.range.from.toISOString(),
    to: request.range.to.toISOString(),
    target: request.target,
    ...(request.table === undefined ? {} : { table: request.table }),
    ...(request.filter === undefined ? {} : { filter: request.filter }),
  };
}

/** Starts the backfill state machine (Step Functions) and follows it until it ends, reporting its status. */
export async function startDistributedBackfill(
  env: ReplayEnvironment,
  request: BackfillRequest,
  onStatus: (status: string) => void,
): Promise<string> {
  if (env.backfillStateMachineArn === undefined) {
    throw new ReplayOptionsError(
      `${env.name} has no backfillStateMachineArn output: the backfill is not deployed`,
    );
  }
  const client = new SFNClient({ region: env.region });
  try {
    const started = await client.send(
      new StartExecutionCommand({
        stateMachineArn: env.backfillStateMachineArn,
        input: JSON.stringify(backfillExecutionInput(env.archivePrefix, request)),
      }),
    );
    const executionArn = started.executionArn as string;
    onStatus(`started ${executionArn}`);
    // Bounded: 100,000 polls of 10 s outlast any Step Functions standard execution (one year).
    for (let i = 0; i < 100_000; i++) {
      const described = await client.send(new DescribeExecutionCommand({ executionArn }));
      const status = String(described.status);
      onStatus(status);
      if (status !== 'RUNNING') return status;
      await new Promise((r) => setTimeout(r, 10_000));
    }
    return 'UNKNOWN';
  } finally {
    client.destroy();
  }
}
