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
  pipesEnrichment: 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-permissions.html',
  sfnLambda: 'https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html',
  sfnDistributedMap: 'https://docs.aws.amazon.com/step-functions/latest/dg/iam-policies-eg-dist-map.html',
  sfnRedriveMapRun: 'https://docs.aws.amazon.com/step-functions/latest/dg/redrive-map-run.html',
  sfnResultWriter: 'https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html',
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

/** Firehose reading the stream and delivering to the archive bucket, as its access-control page lists. */
export function firehoseNeeds(deployed: DeployedStack): Need[] {
  const stream = deployed.resource(TYPES.stream, 'events');
  const bucket = deployed.resource(TYPES.bucket, 'archive-bucket');
  const bucketArn = String(bucket.state.arn);
  const object = `${bucketArn}/events/2026/01/01/00/archive-firehose-1-2026-01-01-00-05-00-0123.gz`;
  const logStream = String(deployed.resource(TYPES.logStream, 'archive-delivery-errors').state.arn);
  const doc = `Firehose delivering to S3 (${SERVICE_DOCS.firehose})`;
  const key = deployed.bucketKeyArn(String(bucket.state.bucket));
  return [
    ...['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'].map((a) => need(a, object, doc)),
    ...['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'].map((a) =>
      need(a, bucketArn, doc),
    ),
    ...['kinesis:DescribeStream', 'kinesis:GetShardIterator', 'kinesis:GetRecords', 'kinesis:ListShards'].map(
      (a) => need(a, String(stream.state.arn), doc),
    ),
    ...['kms:Decrypt', 'kms:GenerateDataKey'].map((a) =>
      need(a, String(key), doc, { 'kms:ViaService': `s3.${REGION}.amazonaws.com` }),
    ),
    need(
      'kms:Decrypt',
      String(stream.inputs.kmsKeyId),
      `Firehose reading the encrypted stream (${SERVICE_DOCS.kinesisKms})`,
      {
        'kms:ViaService': `kinesis.${REGION}.amazonaws.com`,
      },
    ),
    need('logs:PutLogEvents', logStream, doc),
  ];
}

/**
 * A pipe reading the stream by polling, putting events on the bus and failure records on its DLQ. The page also
 * lists kinesis:ListStreams and kinesis:SubscribeToShard: SubscribeToShard applies only to enhanced fan-out
 * consumers (the pipe's source is the stream), ListStreams to no resource (account-wide listing) and the pipe is
 * given its stream's ARN; neither is required here.
 */
export function pipeNeeds(deployed: DeployedStack): Need[] {
  const stream = deployed.resource(TYPES.stream, 'events');
  const pipe = deployed.all(TYPES.pipe)[0];
  if (pipe === undefined) throw new Error('the program has no pipe');
  const dlq = String(
    (pipe.inputs.sourceParameters as { kinesisStreamParameters: { deadLetterConfig: { arn: string } } })
      .kinesisStreamParameters.deadLetterConfig.arn,
  );
  const source = `a pipe reading ${String(stream.state.arn)} (${SERVICE_DOCS.pipesKinesis})`;
  return [
    ...[
      'kinesis:DescribeStream',
      'kinesis:DescribeStreamSummary',
      'kinesis:GetRecords',
      'kinesis:GetShardIterator',
      'kinesis:ListShards',
    ].map((a) => need(a, String(stream.state.arn), source)),
    need(
      'kms:Decrypt',
      String(stream.inputs.kmsKeyId),
      `a pipe reading the encrypted stream (${SERVICE_DOCS.kinesisKms})`,
      {
        'kms:ViaService': `kinesis.${REGION}.amazonaws.com`,
      },
    ),
    need(
      'events:PutEvents',
      String(pipe.inputs.target),
      `the pipe's event bus target (${SERVICE_DOCS.pipesTarget})`,
    ),
    need('sqs:SendMessage', dlq, `the pipe's dead-letter queue (${SERVICE_DOCS.pipesKinesis})`),
    need(
      'lambda:InvokeFunction',
      String(pipe.inputs.enrichment),
      `the pipe's Lambda enrichment (${SERVICE_DOCS.pipesEnrichment})`,
    ),
  ];
}

/** The backfill state machine: the Distributed Map's S3 ItemReader, its child executions and the Lambda task. */
export function backfillStateMachineNeeds(deployed: DeployedStack): Need[] {
  const machine = deployed.all(TYPES.stateMachine)[0];
  const machineArn = String(machine?.state.arn);
  const name = String(machine?.state.name);
  const fn = String(deployed.resource(TYPES.fn, 'backfill-replay').state.arn);
  const bucket = String(deployed.resource(TYPES.bucket, 'archive-bucket').state.arn);
  const dataKey = String(deployed.resource(TYPES.key, 'data').state.arn);
  const map = `a Distributed Map (${SERVICE_DOCS.sfnDistributedMap})`;
  return [
    need('lambda:InvokeFunction', fn, `the Lambda task (${SERVICE_DOCS.sfnLambda})`),
    need(
      's3:ListBucket',
      bucket,
      `the S3 ItemReader listing the archive (${SERVICE_DOCS.sfnDistributedMap})`,
      {
        's3:prefix': 'events/2026/01/',
      },
    ),
    need('states:StartExecution', machineArn, map),
    // The page's example: DescribeExecution (older revisions also StopExecution) on `execution:<name>:*`.
    ...['states:DescribeExecution', 'states:StopExecution'].map((a) =>
      need(
        a,
        `arn:aws:states:${REGION}:${ACCOUNT_ID}:execution:${name}:0f5b3c7e-1d2a-4b3c-8d4e-5f6a7b8c9d0e`,
        map,
      ),
    ),
    // A Map Run's child executions are `execution:<name>/<map run label>:<id>`; redriving a Map Run redrives them.
    ...['states:DescribeExecution', 'states:StopExecution', 'states:RedriveExecution'].map((a) =>
      need(
        a,
        `arn:aws:states:${REGION}:${ACCOUNT_ID}:execution:${name}/ReplayObjects:0f5b3c7e-1d2a-4b3c-8d4e-5f6a7b8c9d0e`,
        `${map}; ${SERVICE_DOCS.sfnRedriveMapRun}`,
      ),
    ),
    // ResultWriter exports child results to S3 in multipart uploads, encrypted with the bucket's key.
    ...['s3:PutObject', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:AbortMultipartUpload'].map((a) =>
      need(
        a,
        `${bucket}/backfill-results/0f5b3c7e/manifest.json`,
        `the Map's ResultWriter (${SERVICE_DOCS.sfnResultWriter}; ${SERVICE_DOCS.sfnDistributedMap})`,
      ),
    ),
    ...['kms:GenerateDataKey', 'kms:Decrypt'].map((a) =>
      need(
        a,
        dataKey,
        `ResultWriter writing to the SSE-KMS archive bucket (${SERVICE_DOCS.sfnDistributedMap})`,
      ),
    ),
  ];
}
