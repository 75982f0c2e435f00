import { beforeAll, describe, expect, it } from 'vitest';
import { aggregateTableArgs } from '../../pulumi/aggregate-table-args.js';
import { PipelineConfigError } from '../../pulumi/errors.js';
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
  table: 'aws:dynamodb/table:Table',
} as const;

interface MapState {
  Type: string;
  ItemReader: { Resource: string; Parameters: Record<string, string> };
  ItemBatcher: {
    MaxItemsPerBatch: number;
    MaxInputBytesPerBatch: number;
    BatchInput: Record<string, string>;
  };
  MaxConcurrency: number;
  ResultWriter?: { Resource: string; Parameters: { Bucket: string; Prefix: string } };
  ItemProcessor: {
    ProcessorConfig: { Mode: string };
    States: {
      Replay: { Resource: string; Parameters: { FunctionName: string }; Retry: { ErrorEquals: string[] }[] };
    };
  };
}

const DATA_KEY = 'arn:aws:kms:us-east-1:123456789012:key/data';
const baseArgs = {
  bucketName: 'archive-bucket',
  bucketArn: 'arn:aws:s3:::archive-bucket',
  archivePrefix: 'events/',
  dataKeyArn: DATA_KEY,
  streamName: 'events',
  streamArn: 'arn:aws:kinesis:us-east-1:123456789012:stream/events',
  streamKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/stream',
  tableName: 'aggregates',
  tableArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/aggregates',
  busName: 'bus',
  busArn: 'arn:aws:events:us-east-1:123456789012:event-bus/bus',
  sourcePrefix: 'pipeline',
};

describe('Component: ReplayBackfill', () => {
  let resources: RecordedResource[];
  let module: typeof import('../../pulumi/replay-backfill.js');

  beforeAll(async () => {
    resources = await installMocks('dev');
    // Imported after setMocks so every resource registers against the mock monitor.
    module = await import('../../pulumi/replay-backfill.js');
    new module.ReplayBackfill('backfill', {
      ...baseArgs,
      code: stubBundler()({ entry: 'processors/replay/lambda-handler.ts' }),
      archiveObjectMiB: 5,
      targetRate: 5000,
      perInvocationRate: 500,
      projectionTables: ['orders-rebuild'],
    });
    await waitForRegistrations();
  });

  const definition = () =>
    JSON.parse(named(resources, T.machine, 'backfill-state-machine').inputs.definition as string) as {
      StartAt: string;
      States: Record<string, unknown> & { ReplayObjects: MapState };
    };

  it('derives MaxConcurrency from the target rate, within the Distributed Map quota', () => {
    expect(module.backfillMaxConcurrency(5000, 500)).toBe(10);
    expect(module.backfillMaxConcurrency(100, 500)).toBe(1);
    expect(module.backfillMaxConcurrency(1e9, 1)).toBe(10_000);
    expect(() => module.backfillMaxConcurrency(0, 500)).toThrow(RangeError);
  });

  it('declares a Distributed Map over the archive objects that invokes the replay Lambda in sized batches', () => {
    const map = definition().States.ReplayObjects;
    expect(map.Type).toBe('Map');
    expect(map.ItemReader.Resource).toBe('arn:aws:states:::s3:listObjectsV2');
    expect(map.ItemReader.Parameters.Bucket).toBe('archive-bucket');
    // 5 MiB objects at 500 events/s in a 900 s function: 16 objects a batch (test/replay/backfill-sizing.unit.spec.ts).
    expect(map.ItemBatcher.MaxItemsPerBatch).toBe(16);
    expect(map.ItemBatcher.BatchInput['runId.$']).toBe('$$.Execution.Name');
    expect(map.MaxConcurrency).toBe(10);
    expect(map.ItemProcessor.ProcessorConfig.Mode).toBe('DISTRIBUTED');
    expect(map.ItemProcessor.States.Replay.Resource).toBe('arn:aws:states:::lambda:invoke');
    expect(map.ItemProcessor.States.Replay.Parameters.FunctionName).toContain('backfill-replay');
  });

  it('exports child results to a results prefix of the archive bucket, so the execution output stays small', () => {
    expect(definition().States.ReplayObjects.ResultWriter).toEqual({
      Resource: 'arn:aws:states:::s3:putObject',
      Parameters: { Bucket: 'archive-bucket', Prefix: module.BACKFILL_RESULTS_PREFIX },
    });
    const sfn = parsePolicy(named(resources, T.rolePolicy, 'backfill-sfn-policy').inputs.policy);
    const write = sfn.Statement.find((s) => s.Action.includes('s3:PutObject'));
    expect(write?.Action.sort()).toEqual(
      ['s3:AbortMultipartUpload', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:PutObject'].sort(),
    );
    expect(write?.Resource).toEqual(['arn:aws:s3:::archive-bucket/backfill-results/*']);
    // The archive bucket is SSE-KMS with the data key.
    const kms = sfn.Statement.find((s) => s.Action.some((a) => a.startsWith('kms:')));
    expect(kms?.Action.sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
    expect(kms?.Resource).toEqual([DATA_KEY]);
  });

  it('sizes the function: planned ephemeral storage and the settings the Lambda checks its batch with', () => {
    const fn = named(resources, T.fn, 'backfill-replay');
    expect(fn.inputs.ephemeralStorage).toEqual({ size: 512 });
    expect(fn.inputs.timeout).toBe(900);
    expect(fn.inputs.environment).toMatchObject({
      variables: expect.objectContaining({
        REPLAY_BUCKET: 'archive-bucket',
        REPLAY_RATE: '500',
        REPLAY_EVENT_BYTES: '256',
        REPLAY_COMPRESSION_RATIO: String(module.ASSUMED_COMPRESSION_RATIO),
        REPLAY_PROJECTION_TABLES: '["orders-rebuild"]',
      }),
    });
    const task = definition().States.ReplayObjects.ItemProcessor.States.Replay as unknown as {
      TimeoutSeconds: number;
    };
    expect(task.TimeoutSeconds).toBe(960);
  });

  it('creates each separate projection table with the data key and grants the Lambda exactly those and the live table', () => {
    const table = named(resources, T.table, 'backfill-projection-orders-rebuild');
    expect(table.inputs).toMatchObject({
      name: 'orders-rebuild',
      hashKey: 'pk',
      rangeKey: 'sk',
      serverSideEncryption: { enabled: true, kmsKeyArn: DATA_KEY },
      deletionProtectionEnabled: true,
    });
    // The live table's layout, gap index included (both come from processors/store/table-definition.ts).
    const live = aggregateTableArgs({ kmsKeyArn: DATA_KEY, disposable: false });
    expect(table.inputs.attributes).toEqual(live.attributes);
    expect(table.inputs.globalSecondaryIndexes).toEqual(live.globalSecondaryIndexes);
    expect(table.inputs.globalSecondaryIndexes).toEqual([
      { name: 'gaps', hashKey: 'gapSince', projectionType: 'KEYS_ONLY' },
    ]);
    const lambda = parsePolicy(named(resources, T.rolePolicy, 'backfill-replay-policy').inputs.policy);
    const dynamo = lambda.Statement.filter((s) => s.Action.some((a) => a.startsWith('dynamodb:')));
    expect(dynamo.flatMap((s) => s.Resource ?? []).sort()).toEqual([
      'arn:aws:dynamodb:us-east-1:123456789012:table/aggregates',
      'arn:aws:dynamodb:us-east-1:123456789012:table/orders-rebuild',
    ]);
    // The state machine refuses any other table before a batch runs.
    const check = definition().States.CheckTable as { Choices: { StringEquals?: string }[]; Default: string };
    expect(definition().StartAt).toBe('CheckTable');
    expect(check.Choices.flatMap((c) => (c.StringEquals === undefined ? [] : [c.StringEquals]))).toEqual([
      'aggregates',
      'orders-rebuild',
    ]);
    expect(check.Default).toBe('TableNotGranted');
  });

  it('gives the state machine and the Lambda only what they call', () => {
    const sfn = parsePolicy(named(resources, T.rolePolicy, 'backfill-sfn-policy').inputs.policy);
    const sfnActions = [...new Set(sfn.Statement.flatMap((s) => s.Action))].sort();
    expect(sfnActions).toEqual(
      [
        'kms:Decrypt',
        'kms:GenerateDataKey',
        'lambda:InvokeFunction',
        's3:AbortMultipartUpload',
        's3:GetObject',
        's3:ListBucket',
        's3:ListMultipartUploadParts',
        's3:PutObject',
        'states:DescribeExecution',
        'states:RedriveExecution',
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

  it('refuses a configuration whose batches cannot fit one invocation, naming the config keys', () => {
    // prod's 128 MiB Firehose objects at the default 500 events/s: one object takes longer than the timeout.
    const attempt = () =>
      new module.ReplayBackfill('too-big', {
        ...baseArgs,
        code: stubBundler()({ entry: 'processors/replay/lambda-handler.ts' }),
        archiveObjectMiB: 128,
        targetRate: 1000,
      });
    expect(attempt).toThrow(PipelineConfigError);
    expect(attempt).toThrow(
      /ordered-event-pipeline:archive\.bufferSizeMiB.*replay\.backfillPerInvocationRate/,
    );
  });
});
