import { beforeAll, describe, expect, it } from 'vitest';
import {
  installMocks,
  named,
  ofType,
  parsePolicy,
  type RecordedResource,
  stubBundler,
  waitForRegistrations,
} from './pulumi-mocks.js';

const T = {
  machine: 'aws:sfn/stateMachine:StateMachine',
  fn: 'aws:lambda/function:Function',
  rolePolicy: 'aws:iam/rolePolicy:RolePolicy',
  role: 'aws:iam/role:Role',
} as const;

interface MapState {
  Type: string;
  ItemReader: { Resource: string; Parameters: Record<string, string> };
  ItemBatcher: { MaxItemsPerBatch: number; BatchInput: Record<string, string> };
  MaxConcurrency: number;
  ItemProcessor: {
    ProcessorConfig: { Mode: string };
    States: { Replay: { Resource: string; Parameters: { FunctionName: string } } };
  };
}

describe('Component: ReplayBackfill', () => {
  let resources: RecordedResource[];
  let backfillMaxConcurrency: (rate: number, per: number) => number;

  beforeAll(async () => {
    resources = await installMocks('dev');
    // Imported after setMocks so every resource registers against the mock monitor.
    const module = await import('../../pulumi/replay-backfill.js');
    backfillMaxConcurrency = module.backfillMaxConcurrency;
    new module.ReplayBackfill('backfill', {
      code: stubBundler()({ entry: 'processors/replay/lambda-handler.ts' }),
      bucketName: 'archive-bucket',
      bucketArn: 'arn:aws:s3:::archive-bucket',
      archivePrefix: 'events/',
      dataKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/data',
      streamName: 'events',
      streamArn: 'arn:aws:kinesis:us-east-1:123456789012:stream/events',
      streamKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/stream',
      tableName: 'aggregates',
      tableArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/aggregates',
      busName: 'bus',
      busArn: 'arn:aws:events:us-east-1:123456789012:event-bus/bus',
      sourcePrefix: 'pipeline',
      targetRate: 5000,
      perInvocationRate: 500,
      maxItemsPerBatch: 10,
    });
    await waitForRegistrations();
  });

  it('derives MaxConcurrency from the target rate, within the Distributed Map quota', () => {
    expect(backfillMaxConcurrency(5000, 500)).toBe(10);
    expect(backfillMaxConcurrency(100, 500)).toBe(1);
    expect(backfillMaxConcurrency(1e9, 1)).toBe(10_000);
    expect(() => backfillMaxConcurrency(0, 500)).toThrow(RangeError);
  });

  it('declares a Distributed Map over the archive objects that invokes the replay Lambda in batches', () => {
    const machine = named(resources, T.machine, 'backfill-state-machine');
    const definition = JSON.parse(machine.inputs.definition as string) as {
      States: { ReplayObjects: MapState };
    };
    const map = definition.States.ReplayObjects;
    expect(map.Type).toBe('Map');
    expect(map.ItemReader.Resource).toBe('arn:aws:states:::s3:listObjectsV2');
    expect(map.ItemReader.Parameters.Bucket).toBe('archive-bucket');
    expect(map.ItemBatcher.MaxItemsPerBatch).toBe(10);
    expect(map.ItemBatcher.BatchInput['runId.$']).toBe('$$.Execution.Name');
    expect(map.MaxConcurrency).toBe(10);
    expect(map.ItemProcessor.ProcessorConfig.Mode).toBe('DISTRIBUTED');
    const fn = named(resources, T.fn, 'backfill-replay');
    expect(map.ItemProcessor.States.Replay.Resource).toBe('arn:aws:states:::lambda:invoke');
    expect(map.ItemProcessor.States.Replay.Parameters.FunctionName).toContain('backfill-replay');
    expect(fn.inputs.environment).toMatchObject({
      variables: expect.objectContaining({ REPLAY_BUCKET: 'archive-bucket', REPLAY_RATE: '500' }),
    });
  });

  it('gives the state machine and the Lambda only what they call', () => {
    const sfn = parsePolicy(named(resources, T.rolePolicy, 'backfill-sfn-policy').inputs.policy);
    const sfnActions = sfn.Statement.flatMap((s) => s.Action).sort();
    expect(sfnActions).toEqual(
      [
        'lambda:InvokeFunction',
        's3:ListBucket',
        'states:DescribeExecution',
        'states:StartExecution',
        'states:StopExecution',
      ].sort(),
    );
    const lambda = parsePolicy(named(resources, T.rolePolicy, 'backfill-replay-policy').inputs.policy);
    const get = lambda.Statement.find((s) => s.Action.includes('s3:GetObject'));
    expect(get?.Resource).toEqual(['arn:aws:s3:::archive-bucket/events/*']);
    expect(lambda.Statement.flatMap((s) => s.Action)).not.toContain('s3:PutObject');
    expect(lambda.Statement.every((s) => !(s.Resource ?? []).includes('*'))).toBe(true);
    expect(ofType(resources, T.role).map((r) => r.name)).toEqual(
      expect.arrayContaining(['backfill-sfn-role', 'backfill-replay-role']),
    );
  });
});
