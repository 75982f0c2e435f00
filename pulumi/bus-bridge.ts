/**
 * The bus bridge: an event bus with an archive, one EventBridge Pipe from the stream to the bus for every
 * bridged aggregate type (filter, enrichment Lambda, input template, retries, DLQ), and an example rule per
 * type → SQS consumer with its DLQ.
 *
 * One Pipe, not one per type: each Pipe is another polling reader sharing a shard's 5 GetRecords/s and 2 MB/s
 * with the processor and Firehose. A Pipe's `Source` can only be a constant or a whole JSON path, so the
 * enrichment returns `source = <prefix>.<aggregateType>` per record (see processors/bus-bridge).
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import {
  DETAIL_TYPE_PATH,
  ENVELOPE_INPUT_TEMPLATE,
  exampleRules,
  MAX_FILTER_PATTERN_LENGTH,
  pipeFilterPattern,
  SOURCE_PATH,
} from '../config/bus-routing.js';
import { sourcePrefixProblem } from '../processors/bus-bridge/bridged-event.js';
import type { BusBridgeEnvironment } from '../processors/bus-bridge/config.js';
import { checkIntRange } from './arg-checks.js';
import { ComponentArgsError } from './errors.js';
import type { FunctionTracing } from './function-tracing.js';
import type { BundledHandler } from './handler-bundle.js';
import {
  assumeRolePolicy,
  busEnrichmentStatements,
  pipePolicy,
  queueFromRulesPolicy,
} from './iam-policies.js';
import { NodeFunction } from './node-function.js';

/** Arguments of {@link BusBridge}. */
export interface BusBridgeArgs {
  readonly streamArn: pulumi.Input<string>;
  readonly streamKeyArn: pulumi.Input<string>;
  readonly accountId: pulumi.Input<string>;
  readonly busName: pulumi.Input<string>;
  /** Events carry `source = <sourcePrefix>.<aggregateType>`. Plain: it names resources. */
  readonly sourcePrefix: string;
  /** Bridged by the one Pipe's filter; an example rule each. Plain: it decides how many rules exist. */
  readonly aggregateTypes: readonly string[];
  /** The enrichment Lambda (`processors/bus-bridge/handler.ts`, bundled). */
  readonly enrichmentCode: BundledHandler;
  /** Powertools log level of the enrichment. @default 'INFO' */
  readonly logLevel?: pulumi.Input<string>;
  /** @default 14 */
  readonly logRetentionDays?: pulumi.Input<number>;
  /** The stack's tracing (docs/deploy.md, Tracing); absent, the function's tracing stays off. */
  readonly tracing?: FunctionTracing | undefined;
  /** 0 keeps events forever. @default 30 */
  readonly archiveRetentionDays?: pulumi.Input<number>;
  /** ≤ 10: an event bus target takes at most 10 entries per batch. @default 10 */
  readonly batchSize?: pulumi.Input<number>;
  /** @default 1 */
  readonly batchingWindowSeconds?: pulumi.Input<number>;
  /** @default 10 */
  readonly maximumRetryAttempts?: pulumi.Input<number>;
  /** @default 86400 */
  readonly maximumRecordAgeSeconds?: pulumi.Input<number>;
  /** @default 5 */
  readonly consumerMaxReceiveCount?: pulumi.Input<number>;
  /**
   * Seconds to wait after the Pipe role's policy is created or changed before the Pipe is created or updated,
   * for IAM to propagate (see {@link IamPropagationDelay}). 0 disables the wait. @default 60
   */
  readonly rolePropagationSeconds?: number;
}

/** Inputs of {@link IamPropagationDelay}: a change to any of them waits again. */
interface IamPropagationDelayInputs {
  readonly seconds: number;
  /** The policy document whose propagation is waited for. */
  readonly policy: string;
  readonly role: string;
}

/**
 * Waits on create (and on replacement, which any input change causes) and does nothing else. Runs in the
 * Pulumi dynamic provider host, so it must not capture anything from this module: only globals.
 * https://www.pulumi.com/docs/iac/concepts/providers/dynamic-providers/
 */
export const iamPropagationDelayProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: IamPropagationDelayInputs) {
    await new Promise((resolve) => setTimeout(resolve, Number(inputs.seconds) * 1000));
    return { id: `waited-${inputs.seconds}s-${Date.now()}`, outs: inputs };
  },
  async diff(_id: string, olds: IamPropagationDelayInputs, news: IamPropagationDelayInputs) {
    const replaces = (['seconds', 'policy', 'role'] as const).filter(
      (key) => JSON.stringify(olds[key]) !== JSON.stringify(news[key]),
    );
    return { changes: replaces.length > 0, replaces, deleteBeforeReplace: false };
  },
};

/**
 * A wait between an IAM policy and the service that uses it. CreatePipe checks the role's access to the
 * source asynchronously and fails the Pipe (`CREATE_FAILED`: "Cannot access stream … Please ensure the
 * customer role can perform actions on source stream") when IAM has not yet propagated a policy created a
 * moment before; the AWS provider creates the Pipe once and waits for RUNNING, with no retry on that error
 * (terraform-provider-aws internal/service/pipes/pipe.go: `CreatePipe`, then `waitPipeCreated` with
 * Pending `CREATING`, Target `RUNNING`/`STOPPED`; hashicorp/terraform-provider-aws#40572, whose workaround is
 * a `time_sleep`). A dynamic resource gives the same wait without another provider plugin.
 */
class IamPropagationDelay extends pulumi.dynamic.Resource {
  constructor(
    name: string,
    inputs: { [K in keyof IamPropagationDelayInputs]: pulumi.Input<IamPropagationDelayInputs[K]> },
    opts?: pulumi.CustomResourceOptions,
  ) {
    super(iamPropagationDelayProvider, name, inputs, opts);
  }
}

/** Dead-letter queues keep messages the longest SQS allows: 14 days. */
const DLQ_RETENTION_SECONDS = 1_209_600;

/** Event bus, the Pipe with its enrichment, example rules and consumer. */
export class BusBridge extends pulumi.ComponentResource {
  readonly bus: aws.cloudwatch.EventBus;
  readonly enrichment: NodeFunction;
  readonly pipe: aws.pipes.Pipe;
  /** The wait between the Pipe role's policy and the Pipe. */
  readonly rolePropagation: pulumi.dynamic.Resource;
  readonly pipeDeadLetterQueue: aws.sqs.Queue;
  readonly deliveryDeadLetterQueue: aws.sqs.Queue;
  readonly consumerQueue: aws.sqs.Queue;
  readonly consumerDeadLetterQueue: aws.sqs.Queue;
  readonly busName: pulumi.Output<string>;
  readonly busArn: pulumi.Output<string>;
  /** Rule name → consumer queue URL, as the local stack's `endpoints.json` lists them. */
  readonly queueUrls: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: BusBridgeArgs, opts?: pulumi.ComponentResourceOptions) {
    super('pipeline:bus:BusBridge', name, {}, opts);
    const c = 'BusBridge';
    checkIntRange(c, 'batchSize', args.batchSize, 1, 10);
    checkIntRange(c, 'batchingWindowSeconds', args.batchingWindowSeconds, 0, 300);
    checkIntRange(c, 'maximumRetryAttempts', args.maximumRetryAttempts, -1, 10_000);
    checkIntRange(c, 'maximumRecordAgeSeconds', args.maximumRecordAgeSeconds, -1, 604_800);
    checkIntRange(c, 'rolePropagationSeconds', args.rolePropagationSeconds, 0, 600);
    // The envelope size limit reserves room for the longest prefix this accepts.
    const prefixProblem = sourcePrefixProblem(args.sourcePrefix);
    if (prefixProblem !== undefined) throw new ComponentArgsError(c, 'sourcePrefix', prefixProblem);
    if (args.aggregateTypes.length === 0) {
      throw new ComponentArgsError(c, 'aggregateTypes', 'must name at least one aggregate type');
    }
    const filterPattern = pipeFilterPattern(args.aggregateTypes);
    if (filterPattern.length > MAX_FILTER_PATTERN_LENGTH) {
      throw new ComponentArgsError(
        c,
        'aggregateTypes',
        `make a filter pattern of ${filterPattern.length} characters; a Pipe takes at most ${MAX_FILTER_PATTERN_LENGTH}`,
      );
    }
    const parent = { parent: this };

    this.bus = new aws.cloudwatch.EventBus(name, { name: args.busName }, parent);
    new aws.cloudwatch.EventArchive(
      `${name}-archive`,
      {
        eventSourceArn: this.bus.arn,
        retentionDays: args.archiveRetentionDays ?? 30,
        description: 'Every event on the bus, for EventBridge replays',
      },
      parent,
    );

    // Pipes put only failure metadata (shard, sequence range) here; the records stay in the stream and archive.
    this.pipeDeadLetterQueue = new aws.sqs.Queue(
      `${name}-pipe-dlq`,
      { sqsManagedSseEnabled: true, messageRetentionSeconds: DLQ_RETENTION_SECONDS },
      parent,
    );
    this.enrichment = new NodeFunction(
      `${name}-enrichment`,
      {
        description: 'Gives each bridged record its bus source (<prefix>.<aggregateType>) and detail-type',
        code: args.enrichmentCode,
        memoryMb: 256,
        timeoutSeconds: 30,
        logRetentionDays: args.logRetentionDays,
        tracing: args.tracing,
        policyStatements: busEnrichmentStatements(),
        environment: {
          EVENT_SOURCE_PREFIX: args.sourcePrefix,
          EVENT_BUS_NAME: this.bus.name,
        } satisfies BusBridgeEnvironment<pulumi.Input<string>>,
        powertools: { serviceName: 'bus-bridge', logLevel: args.logLevel },
      },
      parent,
    );
    const role = new aws.iam.Role(
      `${name}-pipe-role`,
      {
        assumeRolePolicy: pulumi
          .output(args.accountId)
          .apply((accountId) => JSON.stringify(assumeRolePolicy('pipes.amazonaws.com', accountId))),
      },
      parent,
    );
    const rolePolicy = new aws.iam.RolePolicy(
      `${name}-pipe-policy`,
      {
        role: role.id,
        policy: pulumi
          .all([
            args.streamArn,
            args.streamKeyArn,
            this.bus.arn,
            this.pipeDeadLetterQueue.arn,
            this.enrichment.functionArn,
          ])
          .apply(([streamArn, streamKeyArn, eventBusArn, deadLetterQueueArn, enrichmentFunctionArn]) =>
            JSON.stringify(
              pipePolicy({ streamArn, streamKeyArn, eventBusArn, deadLetterQueueArn, enrichmentFunctionArn }),
            ),
          ),
      },
      parent,
    );
    // Ordering alone (dependsOn the policy) is not enough: IAM is eventually consistent.
    this.rolePropagation = new IamPropagationDelay(
      `${name}-pipe-role-propagation`,
      { seconds: args.rolePropagationSeconds ?? 60, policy: rolePolicy.policy, role: role.arn },
      { parent: this, dependsOn: [rolePolicy] },
    );
    this.pipe = new aws.pipes.Pipe(
      `${name}-pipe`,
      {
        description: `Stream → bus for ${args.aggregateTypes.join(', ')} events`,
        roleArn: role.arn,
        source: args.streamArn,
        enrichment: this.enrichment.functionArn,
        target: this.bus.arn,
        sourceParameters: {
          filterCriteria: { filters: [{ pattern: filterPattern }] },
          kinesisStreamParameters: {
            startingPosition: 'TRIM_HORIZON',
            batchSize: args.batchSize ?? 10,
            maximumBatchingWindowInSeconds: args.batchingWindowSeconds ?? 1,
            maximumRetryAttempts: args.maximumRetryAttempts ?? 10,
            maximumRecordAgeInSeconds: args.maximumRecordAgeSeconds ?? 86_400,
            onPartialBatchItemFailure: 'AUTOMATIC_BISECT',
            deadLetterConfig: { arn: this.pipeDeadLetterQueue.arn },
          },
        },
        targetParameters: {
          inputTemplate: ENVELOPE_INPUT_TEMPLATE,
          // Whole-value paths into what the enrichment returned for the record.
          eventbridgeEventBusParameters: { detailType: DETAIL_TYPE_PATH, source: SOURCE_PATH },
        },
      },
      { parent: this, dependsOn: [rolePolicy, this.rolePropagation] },
    );

    this.deliveryDeadLetterQueue = new aws.sqs.Queue(
      `${name}-delivery-dlq`,
      { sqsManagedSseEnabled: true, messageRetentionSeconds: DLQ_RETENTION_SECONDS },
      parent,
    );
    this.consumerDeadLetterQueue = new aws.sqs.Queue(
      `${name}-consumer-dlq`,
      { sqsManagedSseEnabled: true, messageRetentionSeconds: DLQ_RETENTION_SECONDS },
      parent,
    );
    this.consumerQueue = new aws.sqs.Queue(
      `${name}-consumer`,
      {
        sqsManagedSseEnabled: true,
        visibilityTimeoutSeconds: 60,
        redrivePolicy: pulumi
          .all([this.consumerDeadLetterQueue.arn, args.consumerMaxReceiveCount ?? 5])
          .apply(([deadLetterTargetArn, maxReceiveCount]) =>
            JSON.stringify({ deadLetterTargetArn, maxReceiveCount }),
          ),
      },
      parent,
    );
    const rules = exampleRules(args.sourcePrefix, args.aggregateTypes).map((rule) => {
      const eventRule = new aws.cloudwatch.EventRule(
        `${name}-${rule.name}`,
        {
          eventBusName: this.bus.name,
          description: rule.description,
          eventPattern: JSON.stringify(rule.eventPattern),
        },
        parent,
      );
      new aws.cloudwatch.EventTarget(
        `${name}-${rule.name}-consumer`,
        {
          rule: eventRule.name,
          eventBusName: this.bus.name,
          arn: this.consumerQueue.arn,
          retryPolicy: { maximumRetryAttempts: 185, maximumEventAgeInSeconds: 86_400 },
          deadLetterConfig: { arn: this.deliveryDeadLetterQueue.arn },
        },
        parent,
      );
      return { name: rule.name, arn: eventRule.arn };
    });
    const ruleArns = pulumi.all(rules.map((r) => r.arn));
    for (const [queueName, queue] of [
      ['consumer', this.consumerQueue],
      ['delivery-dlq', this.deliveryDeadLetterQueue],
    ] as const) {
      new aws.sqs.QueuePolicy(
        `${name}-${queueName}-policy`,
        {
          queueUrl: queue.url,
          policy: pulumi
            .all([queue.arn, ruleArns])
            .apply(([queueArn, arns]) => JSON.stringify(queueFromRulesPolicy(queueArn, arns))),
        },
        parent,
      );
    }
    this.busName = this.bus.name;
    this.busArn = this.bus.arn;
    this.queueUrls = this.consumerQueue.url.apply((url) =>
      Object.fromEntries(rules.map((r) => [r.name, url])),
    );
    this.registerOutputs({ busName: this.busName, busArn: this.busArn, queueUrls: this.queueUrls });
  }
}
