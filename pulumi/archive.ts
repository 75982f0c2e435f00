/** The archive: Firehose reads the stream and writes GZIP, newline-delimited envelopes to hourly prefixes. */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import {
  ARCHIVE_ERRORS_PREFIX,
  ARCHIVE_EVENTS_PREFIX,
  ARCHIVE_EVENTS_ROOT,
  type ArchiveLifecycleOptions,
  archiveLifecycleRules,
} from '../config/archive-layout.js';
import { checkIntRange } from './arg-checks.js';
import { firehoseAssumeRolePolicy, firehosePolicy } from './iam-policies.js';
import { SecureBucket } from './secure-bucket.js';
import { stackLogGroup } from './stack-log-group.js';

/** Arguments of {@link Archive}. */
export interface ArchiveArgs {
  readonly streamArn: pulumi.Input<string>;
  readonly streamKeyArn: pulumi.Input<string>;
  readonly dataKeyArn: pulumi.Input<string>;
  readonly accountId: pulumi.Input<string>;
  /** 1–128 MiB. @default 64 */
  readonly bufferSizeMiB?: pulumi.Input<number>;
  /** 0–900 s. @default 300 */
  readonly bufferIntervalSeconds?: pulumi.Input<number>;
  /** Plain: lifecycle rules are checked and built here. */
  readonly lifecycle: ArchiveLifecycleOptions;
  /** @default 14 */
  readonly logRetentionDays?: pulumi.Input<number>;
  /** @default false */
  readonly forceDestroy?: pulumi.Input<boolean>;
}

/** Archive bucket plus the Firehose stream feeding it. */
export class Archive extends pulumi.ComponentResource {
  readonly bucket: SecureBucket;
  readonly deliveryStream: aws.kinesis.FirehoseDeliveryStream;
  readonly bucketName: pulumi.Output<string>;
  readonly bucketArn: pulumi.Output<string>;
  readonly deliveryStreamName: pulumi.Output<string>;
  /** The folder replay lists: `events/`. */
  readonly eventsPrefix: string = ARCHIVE_EVENTS_ROOT;

  constructor(name: string, args: ArchiveArgs, opts?: pulumi.ComponentResourceOptions) {
    super('pipeline:archive:Archive', name, {}, opts);
    checkIntRange('Archive', 'bufferSizeMiB', args.bufferSizeMiB, 1, 128);
    checkIntRange('Archive', 'bufferIntervalSeconds', args.bufferIntervalSeconds, 0, 900);
    checkIntRange(
      'Archive',
      'lifecycle.infrequentAccessAfterDays',
      args.lifecycle.infrequentAccessAfterDays,
      30,
      36_500,
    );
    checkIntRange(
      'Archive',
      'lifecycle.glacierAfterDays',
      args.lifecycle.glacierAfterDays,
      args.lifecycle.infrequentAccessAfterDays + 30,
      36_500,
    );
    const parent = { parent: this };

    this.bucket = new SecureBucket(
      `${name}-bucket`,
      {
        kmsKeyArn: args.dataKeyArn,
        lifecycleRules: archiveLifecycleRules(args.lifecycle),
        forceDestroy: args.forceDestroy ?? false,
      },
      parent,
    );
    const logGroup = stackLogGroup(`${name}-delivery`, args.logRetentionDays, parent);
    const logStream = new aws.cloudwatch.LogStream(
      `${name}-delivery-errors`,
      { logGroupName: logGroup.name, name: 'S3Delivery' },
      parent,
    );
    const role = new aws.iam.Role(
      `${name}-firehose-role`,
      {
        assumeRolePolicy: pulumi
          .output(args.accountId)
          .apply((accountId) => JSON.stringify(firehoseAssumeRolePolicy(accountId))),
      },
      parent,
    );
    const rolePolicy = new aws.iam.RolePolicy(
      `${name}-firehose-policy`,
      {
        role: role.id,
        policy: pulumi
          .all([args.streamArn, args.streamKeyArn, this.bucket.bucketArn, args.dataKeyArn, logGroup.arn])
          .apply(([streamArn, streamKeyArn, bucketArn, dataKeyArn, logGroupArn]) =>
            JSON.stringify(firehosePolicy({ streamArn, streamKeyArn, bucketArn, dataKeyArn, logGroupArn })),
          ),
      },
      parent,
    );
    this.deliveryStream = new aws.kinesis.FirehoseDeliveryStream(
      `${name}-firehose`,
      {
        destination: 'extended_s3',
        kinesisSourceConfiguration: { kinesisStreamArn: args.streamArn, roleArn: role.arn },
        extendedS3Configuration: {
          roleArn: role.arn,
          bucketArn: this.bucket.bucketArn,
          prefix: ARCHIVE_EVENTS_PREFIX,
          errorOutputPrefix: ARCHIVE_ERRORS_PREFIX,
          bufferingSize: args.bufferSizeMiB ?? 64,
          bufferingInterval: args.bufferIntervalSeconds ?? 300,
          compressionFormat: 'GZIP',
          kmsKeyArn: args.dataKeyArn,
          // Records are envelopes without a trailing newline; the delimiter makes each object NDJSON.
          processingConfiguration: { enabled: true, processors: [{ type: 'AppendDelimiterToRecord' }] },
          cloudwatchLoggingOptions: {
            enabled: true,
            logGroupName: logGroup.name,
            logStreamName: logStream.name,
          },
        },
      },
      // Firehose checks its role's access to the stream and bucket when it is created.
      { parent: this, dependsOn: [rolePolicy, ...this.bucket.ready] },
    );
    this.bucketName = this.bucket.bucketName;
    this.bucketArn = this.bucket.bucketArn;
    this.deliveryStreamName = this.deliveryStream.name;
    this.registerOutputs({
      bucketName: this.bucketName,
      bucketArn: this.bucketArn,
      deliveryStreamName: this.deliveryStreamName,
    });
  }
}
