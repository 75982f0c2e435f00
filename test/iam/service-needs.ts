/**
 * What AWS services do with the program's roles, from their documentation (each need names its page):
 * the Lambda event source mapping, Firehose, Pipes, Step Functions, EventBridge rules and CloudWatch alarms.
 * Sample resources stand for what the service touches at run time (object keys, execution ids).
 */
import type { Need } from './access-check.js';
import { ACCOUNT_ID, type DeployedStack, REGION, TYPES } from './deployed-stack.js';

export const SERVICE_DOCS = {
  esmKinesis: 'https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-create.html',
  esmOnFailure: 'https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html',
  kinesisKms: 'https://docs.aws.amazon.com/streams/latest/dev/permissions-user-key-KMS.html',
  firehose: 'https://docs.aws.amazon.com/firehose/latest/dev/controlling-access.html',
  pipesKinesis: 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-permissions.html',
  pipesDlq: 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-error-troubleshooting.html',
  pipesTarget: 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-permissions.html',
  sfnLambda: 'https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html',
  sfnDistributedMap: 'https://docs.aws.amazon.com/step-functions/latest/dg/iam-policies-eg-dist-map.html',
  eventsSqs:
    'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sqs-permissions',
  eventsDlq: 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html',
  cloudwatchSns:
    'https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Notify_Users_Alarm_Changes.html',
  snsEncryptedTopic: 'https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html',
} as const;

function need(action: string, resource: string, because: string, context?: Need['context']): Need {
  return { action, resource, because, ...(context === undefined ? {} : { context }) };
}

/** The processor's event source mapping, which reads the stream and writes discarded batches with its role. */
export function eventSourceMappingNeeds(deployed: DeployedStack): Need[] {
  const esm = deployed.all(TYPES.esm)[0];
  if (esm === undefined) throw new Error('the program has no event source mapping');
  const stream = deployed.resource(TYPES.stream, 'events');
  const streamArn = String(stream.state.arn);
  const streamKey = String(stream.inputs.kmsKeyId);
  const consumer = deployed.all(TYPES.consumer)[0];
  const read = `the event source mapping reading ${streamArn} (${SERVICE_DOCS.esmKinesis})`;
  const needs: Need[] = [
    'kinesis:DescribeStream',
    'kinesis:DescribeStreamSummary',
    'kinesis:GetRecords',
    'kinesis:GetShardIterator',
    'kinesis:ListShards',
  ].map((action) => need(action, streamArn, read));
  if (consumer !== undefined) {
    const consumerArn = String(consumer.state.arn);
    const efo = `the event source mapping reading through ${consumerArn} (${SERVICE_DOCS.esmKinesis})`;
    needs.push(need('kinesis:SubscribeToShard', consumerArn, efo));
    needs.push(need('kinesis:DescribeStreamConsumer', consumerArn, efo));
  }
  needs.push(
    need(
      'kms:Decrypt',
      streamKey,
      `the event source mapping reading the encrypted stream (${SERVICE_DOCS.kinesisKms})`,
      {
        'kms:ViaService': `kinesis.${REGION}.amazonaws.com`,
      },
    ),
  );
  const destination = (esm.inputs.destinationConfig as { onFailure: { destinationArn: string } }).onFailure
    .destinationArn;
  const bucket = deployed.byArn(destination);
  if (bucket?.type !== TYPES.bucket) throw new Error(`on-failure destination ${destination} is not a bucket`);
  const onFailure = `the event source mapping's S3 on-failure destination (${SERVICE_DOCS.esmOnFailure})`;
  needs.push(
    need(
      's3:PutObject',
      `${destination}/aws/lambda/${String(esm.state.uuid)}/shardId-000000000000/2026/01/01/2026-01-01T00.00.00-0123.json`,
      onFailure,
    ),
    need('s3:ListBucket', destination, onFailure),
  );
  const key = deployed.bucketKeyArn(String(bucket.state.bucket));
  if (key !== undefined) {
    needs.push(
      need('kms:GenerateDataKey', key, `${onFailure}: the bucket is encrypted with a customer managed key`, {
        'kms:ViaService': `s3.${REGION}.amazonaws.com`,
      }),
    );
  }
  return needs;
}

export { ACCOUNT_ID };
