/** A private, versioned, SSE-KMS encrypted, TLS-only S3 bucket with lifecycle rules. */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { ComponentArgsError } from './errors.js';
import { denyInsecureTransportPolicy } from './iam-policies.js';

/** Arguments of {@link SecureBucket}. */
export interface SecureBucketArgs {
  /** Customer managed KMS key for SSE-KMS. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** At least one rule: every bucket here grows without bound otherwise. */
  readonly lifecycleRules: pulumi.Input<
    readonly pulumi.Input<aws.types.input.s3.BucketLifecycleConfigurationRule>[]
  >;
  /** Let `pulumi destroy` delete a non-empty bucket. @default false */
  readonly forceDestroy?: pulumi.Input<boolean>;
}

/** The bucket and every hardening resource around it. */
export class SecureBucket extends pulumi.ComponentResource {
  readonly bucket: aws.s3.Bucket;
  readonly bucketName: pulumi.Output<string>;
  readonly bucketArn: pulumi.Output<string>;
  /** Resolves once versioning, encryption and the public access block are in place. */
  readonly ready: pulumi.Resource[];

  constructor(name: string, args: SecureBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super('pipeline:storage:SecureBucket', name, {}, opts);
    if (Array.isArray(args.lifecycleRules) && args.lifecycleRules.length === 0) {
      throw new ComponentArgsError('SecureBucket', 'lifecycleRules', 'must hold at least one rule');
    }
    const parent = { parent: this };
    this.bucket = new aws.s3.Bucket(name, { forceDestroy: args.forceDestroy ?? false }, parent);
    const ownership = new aws.s3.BucketOwnershipControls(
      `${name}-ownership`,
      { bucket: this.bucket.id, rule: { objectOwnership: 'BucketOwnerEnforced' } },
      parent,
    );
    const publicAccess = new aws.s3.BucketPublicAccessBlock(
      `${name}-public-access`,
      {
        bucket: this.bucket.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      parent,
    );
    const versioning = new aws.s3.BucketVersioning(
      `${name}-versioning`,
      { bucket: this.bucket.id, versioningConfiguration: { status: 'Enabled' } },
      parent,
    );
    const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-encryption`,
      {
        bucket: this.bucket.id,
        rules: [
          {
            applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: args.kmsKeyArn },
            // One data key per bucket rather than per object: far fewer KMS requests (and charges).
            bucketKeyEnabled: true,
          },
        ],
      },
      parent,
    );
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-lifecycle`,
      {
        bucket: this.bucket.id,
        rules: args.lifecycleRules as pulumi.Input<aws.types.input.s3.BucketLifecycleConfigurationRule[]>,
      },
      // S3 rejects noncurrent-version rules until versioning is on.
      { parent: this, dependsOn: [versioning] },
    );
    new aws.s3.BucketPolicy(
      `${name}-tls-only`,
      {
        bucket: this.bucket.id,
        policy: this.bucket.arn.apply((arn) => JSON.stringify(denyInsecureTransportPolicy(arn))),
      },
      // With BlockPublicPolicy on, S3 still accepts this deny-only policy; ordering avoids a race with the block.
      { parent: this, dependsOn: [publicAccess] },
    );
    this.ready = [ownership, publicAccess, versioning, encryption];
    this.bucketName = this.bucket.bucket;
    this.bucketArn = this.bucket.arn;
    this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn });
  }
}
