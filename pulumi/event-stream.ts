/** The Kinesis stream (partition key = aggregate id), its KMS key, and the optional enhanced fan-out consumer. */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { StreamCapacity } from '../config/config-schema.js';
import { checkIntRange } from './arg-checks.js';
import { ComponentArgsError } from './errors.js';

/** Arguments of {@link EventStream}. */
export interface EventStreamArgs {
  /** On-demand, or provisioned with a shard count. */
  readonly capacity: pulumi.Input<StreamCapacity>;
  /** @default 24 */
  readonly retentionHours?: pulumi.Input<number>;
  /** Register an enhanced fan-out consumer for the stream processor. Plain: it decides whether a resource exists. */
  readonly enhancedFanOut?: boolean;
  /** @default 30 */
  readonly keyDeletionWindowInDays?: pulumi.Input<number>;
}

/** The stream every other part reads; the processor reads it through its own consumer when fan-out is on. */
export class EventStream extends pulumi.ComponentResource {
  readonly key: aws.kms.Key;
  readonly stream: aws.kinesis.Stream;
  readonly consumer: aws.kinesis.StreamConsumer | undefined;
  readonly streamName: pulumi.Output<string>;
  readonly streamArn: pulumi.Output<string>;
  readonly keyArn: pulumi.Output<string>;
  /** The enhanced fan-out consumer's ARN, when there is one. */
  readonly consumerArn: pulumi.Output<string> | undefined;

  constructor(name: string, args: EventStreamArgs, opts?: pulumi.ComponentResourceOptions) {
    super('pipeline:stream:EventStream', name, {}, opts);
    checkIntRange('EventStream', 'retentionHours', args.retentionHours, 24, 8760);
    const capacity = args.capacity;
    if (typeof capacity === 'object' && 'mode' in capacity && capacity.mode === 'provisioned') {
      checkIntRange('EventStream', 'capacity.shardCount', capacity.shardCount, 1, 500);
    }
    if (
      typeof capacity === 'object' &&
      'mode' in capacity &&
      !['on-demand', 'provisioned'].includes(capacity.mode)
    ) {
      throw new ComponentArgsError('EventStream', 'capacity.mode', 'must be on-demand or provisioned');
    }

    this.key = new aws.kms.Key(
      `${name}-key`,
      {
        description: `Kinesis stream ${name} of ${pulumi.getProject()} (${pulumi.getStack()})`,
        enableKeyRotation: true,
        deletionWindowInDays: args.keyDeletionWindowInDays ?? 30,
      },
      { parent: this },
    );
    new aws.kms.Alias(
      `${name}-key-alias`,
      { name: `alias/${pulumi.getProject()}-${pulumi.getStack()}-${name}`, targetKeyId: this.key.keyId },
      { parent: this },
    );
    const resolved = pulumi.output(args.capacity);
    this.stream = new aws.kinesis.Stream(
      name,
      {
        streamModeDetails: {
          streamMode: resolved.apply((c) => (c.mode === 'provisioned' ? 'PROVISIONED' : 'ON_DEMAND')),
        },
        // Kinesis rejects a shard count on an on-demand stream.
        shardCount: resolved.apply((c) =>
          c.mode === 'provisioned' ? c.shardCount : undefined,
        ) as pulumi.Output<number | undefined>,
        retentionPeriod: args.retentionHours ?? 24,
        encryptionType: 'KMS',
        kmsKeyId: this.key.arn,
        // Lets `pulumi destroy` remove the stream while the fan-out consumer is still registered.
        enforceConsumerDeletion: true,
      },
      { parent: this },
    );
    this.consumer = args.enhancedFanOut
      ? new aws.kinesis.StreamConsumer(`${name}-processor`, { streamArn: this.stream.arn }, { parent: this })
      : undefined;
    this.streamName = this.stream.name;
    this.streamArn = this.stream.arn;
    this.keyArn = this.key.arn;
    this.consumerArn = this.consumer?.arn;
    this.registerOutputs({
      streamName: this.streamName,
      streamArn: this.streamArn,
      keyArn: this.keyArn,
      consumerArn: this.consumerArn,
    });
  }
}
