/**
 * Distributed backfills: a Step Functions state machine whose Distributed Map reads the archive's object list (S3
 * ItemReader, ListObjectsV2), batches objects (ItemBatcher) and invokes the replay Lambda (the same replay core as
 * `npm run replay`) with a MaxConcurrency derived from the target rate. Child results go to S3 (ResultWriter), so
 * the execution's own output is a small pointer whatever the number of batches. See docs/replay.md.
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { BACKFILL_RESULTS_PREFIX } from '../config/archive-layout.js';
import { CONFIG_NAMESPACE } from '../config/config-schema.js';
import { BACKFILL_ERROR_NAMES } from '../processors/replay/backfill-errors.js';
import {
  type BackfillBatchPlan,
  BackfillSizingError,
  planBackfillBatches,
  STEP_FUNCTIONS_PAYLOAD_BYTES,
} from '../processors/replay/backfill-sizing.js';
import type { ReplayLambdaEnvironment } from '../processors/replay/lambda-config.js';
import { aggregateTableArgs } from './aggregate-table-args.js';
import { PipelineConfigError } from './errors.js';
import type { FunctionTracing } from './function-tracing.js';
import type { BundledHandler } from './handler-bundle.js';
import {
  assumeRolePolicy,
  backfillStateMachinePolicy,
  type PolicyStatement,
  replayFunctionStatements,
} from './iam-policies.js';
import { NodeFunction } from './node-function.js';

/**
 * Most child executions a Distributed Map runs at once.
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html
 */
export const DISTRIBUTED_MAP_MAX_CONCURRENCY = 10_000;

/** Where in the archive bucket the Map's ResultWriter exports child results (outside `events/`, never replayed). */
export { BACKFILL_RESULTS_PREFIX } from '../config/archive-layout.js';

/** Uncompressed bytes per listed GZIP byte the Lambda assumes before reading (synthetic order events gzip 6.8×). */
export const ASSUMED_COMPRESSION_RATIO = 8;

/** The state names of the definition (the CLI reads the granted tables from `CheckTable`). */
export const BACKFILL_STATES = {
  checkTable: 'CheckTable',
  tableNotGranted: 'TableNotGranted',
  map: 'ReplayObjects',
  replay: 'Replay',
} as const;

/**
 * Errors of the `lambda:invoke` task Step Functions retries. Lambda's transient service errors, as
 * https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html lists them.
 */
export const LAMBDA_SERVICE_ERRORS = [
  'Lambda.ClientExecutionTimeoutException',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
] as const;

/**
 * A function that ran out of time (or memory). The same page: unhandled errors, "out-of-memory errors and function
 * timeouts", are reported as `Lambda.Unknown`; the Lambda runtime names a timeout `Sandbox.Timedout`
 * (https://docs.aws.amazon.com/lambda/latest/dg/troubleshooting-invocation.html), which the optimized integration
 * passes on as the error name; `States.Timeout` is the task's own `TimeoutSeconds`.
 */
export const LAMBDA_TIMEOUT_ERRORS = ['Sandbox.Timedout', 'Lambda.Unknown', 'States.Timeout'] as const;

/**
 * The Map's MaxConcurrency for a target rate: each Lambda replays at most `perInvocationRate` events/s, so
 * `floor(targetRate / perInvocationRate)` invocations stay within the target.
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
  /** The replay Lambda's timeout; the task gives up a minute later (`States.Timeout`). */
  readonly functionTimeoutSeconds: number;
  /** Tables a run may name in `table`: the live table and the granted projection tables. */
  readonly grantedTables: readonly string[];
  /** @default BACKFILL_RESULTS_PREFIX */
  readonly resultsPrefix?: string;
  /** @default 0 — any failed batch fails the run, so an operator sees it. */
  readonly toleratedFailurePercentage?: number;
}

/**
 * The state machine's ASL. Execution input: `{ "prefix": "events/2026/01/", "from": ISO, "to": ISO, "target":
 * "stream"|"bus"|"projection", "table"?: string, "filter"?: {…} }`. Pure, so it is unit-testable.
 */
export function backfillDefinition(input: BackfillDefinitionInput): Record<string, unknown> {
  const s = BACKFILL_STATES;
  return {
    Comment: 'Replay the archive: a Distributed Map over its objects, batches handed to the replay Lambda',
    StartAt: s.checkTable,
    States: {
      // Refuse a table the replay Lambda is not granted before any batch runs (the Lambda refuses it too).
      [s.checkTable]: {
        Type: 'Choice',
        Choices: [
          { Variable: '$.table', IsPresent: false, Next: s.map },
          ...input.grantedTables.map((table) => ({ Variable: '$.table', StringEquals: table, Next: s.map })),
        ],
        Default: s.tableNotGranted,
      },
      [s.tableNotGranted]: {
        Type: 'Fail',
        Error: BACKFILL_ERROR_NAMES.tableNotGranted,
        Cause: `The execution input names a projection table the replay function is not granted: add it to the stack config ${CONFIG_NAMESPACE}:replay.projectionTables`,
      },
      [s.map]: {
        Type: 'Map',
        ItemReader: {
          Resource: 'arn:aws:states:::s3:listObjectsV2',
          Parameters: { Bucket: input.bucket, 'Prefix.$': '$.prefix' },
        },
        ItemBatcher: {
          MaxItemsPerBatch: input.maxItemsPerBatch,
          // A guard: the sizing keeps batches far below it (see test/infra/backfill-definition.unit.spec.ts).
          MaxInputBytesPerBatch: STEP_FUNCTIONS_PAYLOAD_BYTES,
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
        // Child results go to S3; the state's (and the execution's) output is only the Map Run ARN and the
        // manifest's location, so it stays far below the 256 KiB payload limit whatever the number of batches.
        ResultWriter: {
          Resource: 'arn:aws:states:::s3:putObject',
          Parameters: { Bucket: input.bucket, Prefix: input.resultsPrefix ?? BACKFILL_RESULTS_PREFIX },
        },
        ItemProcessor: {
          ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
          StartAt: s.replay,
          States: {
            [s.replay]: {
              Type: 'Task',
              Resource: 'arn:aws:states:::lambda:invoke',
              Parameters: { FunctionName: input.functionArn, 'Payload.$': '$' },
              OutputPath: '$.Payload',
              TimeoutSeconds: input.functionTimeoutSeconds + 60,
              Retry: [
                {
                  ErrorEquals: [...LAMBDA_SERVICE_ERRORS],
                  IntervalSeconds: 2,
                  MaxAttempts: 6,
                  BackoffRate: 2,
                  JitterStrategy: 'FULL',
                },
                // A batch is sized to finish well within the timeout, so a timeout is most likely a slow target:
                // one more attempt; a second one is deterministic and fails the batch.
                { ErrorEquals: [...LAMBDA_TIMEOUT_ERRORS], IntervalSeconds: 30, MaxAttempts: 1 },
                // Undelivered events after the target's own retries (throttling, a brief outage): re-running the
                // batch is safe (duplicates are skipped downstream), twice with a long pause. A conflict, a batch
                // too large or a table not granted fail the same way every time, so they are not retried.
                {
                  ErrorEquals: [BACKFILL_ERROR_NAMES.deliveryFailed],
                  IntervalSeconds: 60,
                  MaxAttempts: 2,
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
  /** KMS key of the archive bucket (the Lambda decrypts objects with it; ResultWriter encrypts results). */
  readonly dataKeyArn: pulumi.Input<string>;
  readonly streamName: pulumi.Input<string>;
  readonly streamArn: pulumi.Input<string>;
  readonly streamKeyArn: pulumi.Input<string>;
  readonly tableName: pulumi.Input<string>;
  readonly tableArn: pulumi.Input<string>;
  readonly busName: pulumi.Input<string>;
  readonly busArn: pulumi.Input<string>;
  readonly sourcePrefix: string;
  /** Uncompressed MiB of one archive object: the Firehose buffer size. */
  readonly archiveObjectMiB: number;
  /** Total events/s the backfill may write. */
  readonly targetRate: number;
  /** Events/s one Lambda invocation replays at. @default 500 */
  readonly perInvocationRate?: number;
  /** Smallest average envelope size the sizing assumes. @default 256 */
  readonly eventBytes?: number;
  /** Upper bound of archive objects per invocation; by default as many as fit. */
  readonly objectsPerBatch?: number;
  /** Separate projection tables the stack creates and the replay Lambda may rebuild. @default [] */
  readonly projectionTables?: readonly string[];
  /** Let `pulumi destroy` delete the projection tables (dev only). @default false */
  readonly disposable?: boolean;
  /** @default 1024 */
  readonly memoryMb?: number;
  /** @default 900 */
  readonly timeoutSeconds?: number;
  readonly logRetentionDays?: number;
  /** The stack's tracing (docs/deploy.md, Tracing); absent, the function's tracing stays off. */
  readonly tracing?: FunctionTracing | undefined;
}

/** Sizes batches for the args, reporting a configuration that cannot fit as a config error naming its keys. */
function planFor(name: string, args: ReplayBackfillArgs): BackfillBatchPlan {
  try {
    return planBackfillBatches({
      objectMiB: args.archiveObjectMiB,
      eventBytes: args.eventBytes ?? 256,
      perInvocationRate: args.perInvocationRate ?? 500,
      timeoutSeconds: args.timeoutSeconds ?? 900,
      ...(args.objectsPerBatch === undefined ? {} : { objectsPerBatch: args.objectsPerBatch }),
    });
  } catch (error) {
    if (!(error instanceof BackfillSizingError)) throw error;
    throw new PipelineConfigError(
      `${CONFIG_NAMESPACE}:${error.keys[0] ?? 'replay'}`,
      `ReplayBackfill ${name}: ${error.message}`,
      { cause: error },
    );
  }
}

/** The backfill state machine, its replay Lambda and the separate projection tables it may rebuild. */
export class ReplayBackfill extends pulumi.ComponentResource {
  readonly function: NodeFunction;
  readonly stateMachine: aws.sfn.StateMachine;
  readonly stateMachineArn: pulumi.Output<string>;
  readonly maxConcurrency: number;
  readonly plan: BackfillBatchPlan;
  readonly projectionTables: aws.dynamodb.Table[];
  /** Names of the tables a backfill may write: the live table and the separate projection tables. */
  readonly grantedTables: pulumi.Output<string[]>;

  constructor(name: string, args: ReplayBackfillArgs, opts?: pulumi.ComponentResourceOptions) {
    super('pipeline:replay:ReplayBackfill', name, {}, opts);
    const perInvocationRate = args.perInvocationRate ?? 500;
    const timeoutSeconds = args.timeoutSeconds ?? 900;
    this.plan = planFor(name, args);
    this.maxConcurrency = backfillMaxConcurrency(args.targetRate, perInvocationRate);
    const parent = { parent: this };

    // Same key schema and data key as the live table (pulumi/stream-processor.ts), so a rebuilt projection can
    // replace it; deletion protection unless the stack is disposable.
    this.projectionTables = (args.projectionTables ?? []).map(
      (tableName) =>
        new aws.dynamodb.Table(
          `${name}-projection-${tableName}`,
          aggregateTableArgs({
            name: tableName,
            kmsKeyArn: args.dataKeyArn,
            disposable: args.disposable ?? false,
          }),
          parent,
        ),
    );
    const projectionArns = pulumi.all(this.projectionTables.map((t) => t.arn));
    const projectionNames = pulumi.all(this.projectionTables.map((t) => t.name));
    this.grantedTables = pulumi
      .all([args.tableName, projectionNames])
      .apply(([live, separate]) => [live, ...separate]);

    const statements: pulumi.Output<PolicyStatement[]> = pulumi
      .all([
        args.bucketArn,
        args.dataKeyArn,
        args.streamArn,
        args.streamKeyArn,
        args.tableArn,
        projectionArns,
        args.busArn,
      ])
      .apply(([bucketArn, dataKeyArn, streamArn, streamKeyArn, tableArn, projectionTableArns, busArn]) =>
        replayFunctionStatements({
          bucketArn,
          archivePrefix: args.archivePrefix,
          dataKeyArn,
          streamArn,
          streamKeyArn,
          tableArn,
          projectionTableArns,
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
        timeoutSeconds,
        // The replay core spills sorted runs to /tmp: sized by the batch plan.
        ephemeralStorageMiB: this.plan.ephemeralStorageMiB,
        ...(args.logRetentionDays === undefined ? {} : { logRetentionDays: args.logRetentionDays }),
        tracing: args.tracing,
        // Written through the replay Lambda's config contract (processors/replay/lambda-config.ts).
        environment: {
          REPLAY_BUCKET: args.bucketName,
          REPLAY_ARCHIVE_PREFIX: args.archivePrefix,
          REPLAY_STREAM_NAME: args.streamName,
          REPLAY_TABLE_NAME: args.tableName,
          REPLAY_PROJECTION_TABLES: projectionNames.apply((names) => JSON.stringify(names)),
          REPLAY_BUS_NAME: args.busName,
          REPLAY_SOURCE_PREFIX: args.sourcePrefix,
          REPLAY_RATE: String(perInvocationRate),
          REPLAY_EVENT_BYTES: String(args.eventBytes ?? 256),
          REPLAY_COMPRESSION_RATIO: String(ASSUMED_COMPRESSION_RATIO),
        } satisfies ReplayLambdaEnvironment<pulumi.Input<string>>,
      },
      parent,
    );

    const stateMachineName = `${pulumi.getProject()}-${pulumi.getStack()}-${name}`;
    const region = aws.getRegionOutput({}, parent).region;
    const account = aws.getCallerIdentityOutput({}, parent).accountId;
    // Only this account's Step Functions may assume it (confused deputy:
    // https://docs.aws.amazon.com/step-functions/latest/dg/procedure-create-iam-role.html).
    const role = new aws.iam.Role(
      `${name}-sfn-role`,
      {
        assumeRolePolicy: account.apply((accountId) =>
          JSON.stringify(assumeRolePolicy('states.amazonaws.com', accountId)),
        ),
      },
      parent,
    );
    const partition = aws.getPartitionOutput({}, parent).partition;
    const policy = new aws.iam.RolePolicy(
      `${name}-sfn-policy`,
      {
        role: role.id,
        policy: pulumi
          .all([this.function.functionArn, args.bucketArn, args.dataKeyArn, region, account, partition])
          .apply(([functionArn, bucketArn, dataKeyArn, r, a, p]) =>
            JSON.stringify(
              backfillStateMachinePolicy({
                functionArn,
                bucketArn,
                archivePrefix: args.archivePrefix,
                resultsPrefix: BACKFILL_RESULTS_PREFIX,
                dataKeyArn,
                stateMachineArn: `arn:${p}:states:${r}:${a}:stateMachine:${stateMachineName}`,
                executionArnPrefix: `arn:${p}:states:${r}:${a}:execution:${stateMachineName}`,
              }),
            ),
          ),
      },
      parent,
    );
    this.stateMachine = new aws.sfn.StateMachine(
      `${name}-state-machine`,
      {
        name: stateMachineName,
        roleArn: role.arn,
        type: 'STANDARD',
        definition: pulumi
          .all([this.function.functionArn, args.bucketName, this.grantedTables])
          .apply(([functionArn, bucket, grantedTables]) =>
            JSON.stringify(
              backfillDefinition({
                functionArn,
                bucket,
                maxItemsPerBatch: this.plan.objectsPerBatch,
                maxConcurrency: this.maxConcurrency,
                functionTimeoutSeconds: timeoutSeconds,
                grantedTables,
              }),
            ),
          ),
      },
      // The role must hold its policy before an execution starts the Map (ItemReader, ResultWriter).
      { parent: this, dependsOn: [policy] },
    );
    this.stateMachineArn = this.stateMachine.arn;
    this.registerOutputs({
      stateMachineArn: this.stateMachineArn,
      functionName: this.function.functionName,
      grantedTables: this.grantedTables,
    });
  }
}
