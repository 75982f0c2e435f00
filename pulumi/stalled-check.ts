/** The scheduled check that reports stalled aggregates no batch touches any more. */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { StalledCheckEnvironment } from '../processors/operator/config.js';
import { checkIntRange } from './arg-checks.js';
import type { BundledHandler } from './handler-bundle.js';
import { stalledCheckStatements } from './iam-policies.js';
import { NodeFunction } from './node-function.js';

/** Arguments of {@link StalledCheck}. */
export interface StalledCheckArgs {
  readonly code: BundledHandler;
  readonly tableName: pulumi.Input<string>;
  readonly tableArn: pulumi.Input<string>;
  /** The table's sparse gap index ARN, `<tableArn>/index/gaps`: the only thing the check scans. */
  readonly gapIndexArn: pulumi.Input<string>;
  /** The KMS key the table is encrypted with. */
  readonly dataKeyArn: pulumi.Input<string>;
  readonly maxGapAgeSeconds: number;
  /** Minutes between checks. @default 5 */
  readonly everyMinutes?: number;
  /** Same service and namespace as the processor, so the one `Stalled` alarm sees both. */
  readonly serviceName: string;
  readonly metricsNamespace: pulumi.Input<string>;
  readonly logLevel?: pulumi.Input<string>;
  readonly logRetentionDays?: pulumi.Input<number>;
}

/** A Lambda on a schedule that scans the table's sparse gap index for gaps older than the max gap age. */
export class StalledCheck extends pulumi.ComponentResource {
  readonly fn: NodeFunction;
  readonly schedule: aws.cloudwatch.EventRule;
  /** Minutes between checks: the `Stalled` metric arrives this often, so its alarm's period follows it. */
  readonly everyMinutes: number;

  constructor(name: string, args: StalledCheckArgs, opts?: pulumi.ComponentResourceOptions) {
    super('pipeline:processor:StalledCheck', name, {}, opts);
    checkIntRange('StalledCheck', 'everyMinutes', args.everyMinutes, 1, 1440);
    checkIntRange('StalledCheck', 'maxGapAgeSeconds', args.maxGapAgeSeconds, 1, 31_536_000);
    const every = args.everyMinutes ?? 5;
    this.everyMinutes = every;
    const parent = { parent: this };
    this.fn = new NodeFunction(
      name,
      {
        description: 'Reports aggregates whose gap is older than MAX_GAP_AGE_SECONDS',
        code: args.code,
        memoryMb: 256,
        timeoutSeconds: 300,
        logRetentionDays: args.logRetentionDays,
        policyStatements: pulumi
          .all([args.tableArn, args.gapIndexArn, args.dataKeyArn])
          .apply(([tableArn, gapIndexArn, dataKeyArn]) =>
            stalledCheckStatements({ tableArn, gapIndexArn, dataKeyArn }),
          ),
        environment: {
          TABLE_NAME: args.tableName,
          MAX_GAP_AGE_SECONDS: String(args.maxGapAgeSeconds),
        } satisfies StalledCheckEnvironment<pulumi.Input<string>>,
        powertools: {
          serviceName: args.serviceName,
          metricsNamespace: args.metricsNamespace,
          logLevel: args.logLevel,
        },
      },
      parent,
    );
    this.schedule = new aws.cloudwatch.EventRule(
      `${name}-schedule`,
      { scheduleExpression: every === 1 ? 'rate(1 minute)' : `rate(${every} minutes)` },
      parent,
    );
    new aws.cloudwatch.EventTarget(
      `${name}-target`,
      { rule: this.schedule.name, arn: this.fn.functionArn },
      parent,
    );
    new aws.lambda.Permission(
      `${name}-invoke`,
      {
        action: 'lambda:InvokeFunction',
        function: this.fn.functionName,
        principal: 'events.amazonaws.com',
        sourceArn: this.schedule.arn,
      },
      parent,
    );
    this.registerOutputs({ functionName: this.fn.functionName, scheduleArn: this.schedule.arn });
  }
}
