/** The customer managed KMS key for data at rest: table, buckets, ingest secret and alarm topic. */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { checkIntRange } from './arg-checks.js';
import { dataKeyPolicy } from './iam-policies.js';

/** Arguments of {@link DataKey}. */
export interface DataKeyArgs {
  readonly accountId: pulumi.Input<string>;
  readonly partition: pulumi.Input<string>;
  /** @default 30 */
  readonly deletionWindowInDays?: pulumi.Input<number>;
}

/** A rotating KMS key with an alias; IAM policies grant its use per role. */
export class DataKey extends pulumi.ComponentResource {
  readonly key: aws.kms.Key;
  readonly keyArn: pulumi.Output<string>;

  constructor(name: string, args: DataKeyArgs, opts?: pulumi.ComponentResourceOptions) {
    super('pipeline:security:DataKey', name, {}, opts);
    checkIntRange('DataKey', 'deletionWindowInDays', args.deletionWindowInDays, 7, 30);
    this.key = new aws.kms.Key(
      name,
      {
        description: `Data at rest of ${pulumi.getProject()} (${pulumi.getStack()})`,
        enableKeyRotation: true,
        deletionWindowInDays: args.deletionWindowInDays ?? 30,
        policy: pulumi
          .all([args.partition, args.accountId])
          .apply(([partition, accountId]) => JSON.stringify(dataKeyPolicy(partition, accountId))),
      },
      { parent: this },
    );
    new aws.kms.Alias(
      `${name}-alias`,
      { name: `alias/${pulumi.getProject()}-${pulumi.getStack()}-${name}`, targetKeyId: this.key.keyId },
      { parent: this },
    );
    this.keyArn = this.key.arn;
    this.registerOutputs({ keyArn: this.keyArn });
  }
}
