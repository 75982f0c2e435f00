/**
 * Distributed backfills: a Step Functions state machine whose Distributed Map reads the archive's object list (S3
 * ItemReader, ListObjectsV2), batches objects (ItemBatcher) and invokes the replay Lambda (the same replay core as
 * `npm run replay`) with a MaxConcurrency derived from the target rate.
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { BundledHandler } from './handler-bundle.js';
import {
  assumeRolePolicy,
  backfillStateMachinePolicy,
  type PolicyStatement,
  replayFunctionStatements,
} from './iam-policies.js';
import { NodeFunction } from './node-function.js';

/** Most child executions a Distributed Map runs at once (Step Functions quota). */
export const DISTRIBUTED_MAP_MAX_CONCURRENCY = 10_000;

/**
 * The Map's MaxConcurrency for a target rate: each Lambda replays at most `perInvocationRate` events/s, so
 * `ceil(targetRate / perInvocationRate)` invocations reach the target without exceeding it by more than one
 * invocation's share.
 */
export function backfillMaxConcurrency(targetRate: number, perInvocationRate: number): number {
  if (!(targetRate > 0) || !(perInvocationRate > 0)) {
    throw new RangeError('targetRate and perInvocationRate must be > 0');
  }
  return Math.min(DISTRIBUTED_MAP_MAX_CONCURRENCY, Math.max(1, Math.floor(targetRate / perInvocationRate)));
}

/** Inputs of {@link backfillDefinition}. */
export interface BackfillDefinitionInput {
  readonly functionArn: string;
  readonly bucket: string;
  readonly maxItemsPerBatch: number;
  readonly maxConcurrency: number;
  /** @default 0 — any failed batch fails the run, so an operator sees it. */
  readonly toleratedFailurePercentage?: number;
}

/**
 * The state machine's ASL. Execution input: `{ "prefix": "events/2026/01/", "from": ISO, "to": ISO, "target":
 * "stream"|"bus"|"projection", "table"?: string, "filter"?: {…} }`. Pure, so it is unit-testable.
 */
export function backfillDefinition(input: BackfillDefinitionInput): Record<string, unknown> {
  return {
    Comment: 'Replay the archive: a Distributed Map over its objects, batches handed to the replay Lambda',
    StartAt: 'ReplayObjects',
    States: {
      ReplayObjects: {
        Type: 'Map',
        ItemReader: {
          Resource: 'arn:aws:states:::s3:listObjectsV2',
          Parameters: { Bucket: input.bucket, 'Prefix.$': '$.prefix' },
        },
        ItemBatcher: {
          MaxItemsPerBatch: input.maxItemsPerBatch,
          BatchInput: {
            'runId.$': '$$.Execution.Name',
            'from.$': '$.from',
            'to.$': '$.to',
            'target.$': '$.target',
            'options.$': '$',
          },
        },
        MaxConcurrency: input.maxConcurrency,
        ToleratedFailurePercentage: input.toleratedFailurePercentage ?? 0,
        ItemProcessor: {
          ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
          StartAt: 'Replay',
          States: {
            Replay: {
              Type: 'Task',
              Resource: 'arn:aws:states:::lambda:invoke',
              Parameters: { FunctionName: input.functionArn, 'Payload.$': '$' },
              OutputPath: '$.Payload',
              Retry: [
                {
                  ErrorEquals: [
                    'Lambda.TooManyRequestsException',
                    'Lambda.ServiceException',
                    'States.Timeout',
                  ],
                  IntervalSeconds: 2,
                  MaxAttempts: 4,
                  BackoffRate: 2,
                  JitterStrategy: 'FULL',
                },
              ],
              End: true,
            },
          },
        },
        End: true,
      },
    },
  };
}

/** Arguments of {@link ReplayBackfill}. */
export interface ReplayBackfillArgs {
  readonly code: BundledHandler;
  readonly bucketName: pulumi.Input<string>;
  readonly bucketArn: pulumi.Input<string>;
  readonly archivePrefix: string;
  /** KMS key of the archive bucket (the Lambda decrypts objects with it). */
  readonly dataKeyArn: pulumi.Input<string>;
  readonly streamName: pulumi.Input<string>;
  readonly streamArn: pulumi.Input<string>;
  readonly streamKeyArn: pulumi.Input<string>;
  readonly tableName: pulumi.Input<string>;
  readonly tableArn: pulumi.Input<string>;
  readonly busName: pulumi.Input<string>;
  readonly busArn: pulumi.Input<string>;
  readonly sourcePrefix: string;
  /** Total events/s the backfill may write. */
  readonly targetRate: number;
  /** Events/s one Lambda invocation replays at. @default 500 */
  readonly perInvocationRate?: number;
  /** Archive objects per Lambda invocation. @default 20 */
  readonly maxItemsPerBatch?: number;
  /** @default 1024 */
  readonly memoryMb?: number;
  /** @default 900 */
  readonly timeoutSeconds?: number;
  readonly logRetentionDays?: number;
}

/** The backfill state machine and its replay Lambda. */
export class ReplayBackfill extends pulumi.ComponentResource {
  readonly function: NodeFunction;
  readonly stateMachine: aws.sfn.StateMachine;
  readonly stateMachineArn: pulumi.Output<string>;
  readonly maxConcurrency: number;

  constructor(name: string, args: ReplayBackfillArgs, opts?: pulumi.ComponentResourceOptions) {
    super('pipeline:replay:ReplayBackfill', name, {}, opts);
    const perInvocationRate = args.perInvocationRate ?? 500;
    const maxItemsPerBatch = args.maxItemsPerBatch ?? 20;
    if (!Number.isInteger(maxItemsPerBatch) || maxItemsPerBatch < 1) {
      throw new Error(`ReplayBackfill ${name}: maxItemsPerBatch must be an integer ≥ 1`);
    }
    this.maxConcurrency = backfillMaxConcurrency(args.targetRate, perInvocationRate);

    const statements: pulumi.Output<PolicyStatement[]> = pulumi
      .all([args.bucketArn, args.dataKeyArn, args.streamArn, args.streamKeyArn, args.tableArn, args.busArn])
      .apply(([bucketArn, dataKeyArn, streamArn, streamKeyArn, tableArn, busArn]) =>
        replayFunctionStatements({
          bucketArn,
          archivePrefix: args.archivePrefix,
          dataKeyArn,
          streamArn,
          streamKeyArn,
          tableArn,
          eventBusArn: busArn,
        }),
      );
    this.function = new NodeFunction(
      `${name}-replay`,
      {
        code: args.code,
        description: 'Replays a batch of archive objects (Distributed Map item batch)',
        policyStatements: statements,
        memoryMb: args.memoryMb ?? 1024,
        timeoutSeconds: args.timeoutSeconds ?? 900,
        ...(args.logRetentionDays === undefined ? {} : { logRetentionDays: args.logRetentionDays }),
        environment: {
          REPLAY_BUCKET: args.bucketName,
          REPLAY_ARCHIVE_PREFIX: args.archivePrefix,
          REPLAY_STREAM_NAME: args.streamName,
          REPLAY_TABLE_NAME: args.tableName,
          REPLAY_BUS_NAME: args.busName,
          REPLAY_SOURCE_PREFIX: args.sourcePrefix,
          REPLAY_RATE: String(perInvocationRate),
        },
      },
      { parent: this },
    );

    const role = new aws.iam.Role(
      `${name}-sfn-role`,
      { assumeRolePolicy: JSON.stringify(assumeRolePolicy('states.amazonaws.com')) },
      { parent: this },
    );
    const stateMachineName = `${pulumi.getProject()}-${pulumi.getStack()}-${name}`;
    const region = aws.getRegionOutput({}, { parent: this }).region;
    const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    const partition = aws.getPartitionOutput({}, { parent: this }).partition;
    new aws.iam.RolePolicy(
      `${name}-sfn-policy`,
      {
        role: role.id,
        policy: pulumi
          .all([this.function.functionArn, args.bucketArn, region, account, partition])
          .apply(([functionArn, bucketArn, r, a, p]) =>
            JSON.stringify(
              backfillStateMachinePolicy({
                functionArn,
                bucketArn,
                archivePrefix: args.archivePrefix,
                stateMachineArn: `arn:${p}:states:${r}:${a}:stateMachine:${stateMachineName}`,
                executionArnPrefix: `arn:${p}:states:${r}:${a}:execution:${stateMachineName}`,
              }),
            ),
          ),
      },
      { parent: this },
    );
    this.stateMachine = new aws.sfn.StateMachine(
      `${name}-state-machine`,
      {
        name: stateMachineName,
        roleArn: role.arn,
        type: 'STANDARD',
        definition: pulumi.all([this.function.functionArn, args.bucketName]).apply(([functionArn, bucket]) =>
          JSON.stringify(
            backfillDefinition({
              functionArn,
              bucket,
              maxItemsPerBatch,
              maxConcurrency: this.maxConcurrency,
            }),
          ),
        ),
      },
      { parent: this },
    );
    this.stateMachineArn = this.stateMachine.arn;
    this.registerOutputs({ stateMachineArn: this.stateMachineArn, functionName: this.function.functionName });
  }
}
