/**
 * IAM and KMS policy documents, as pure functions of resolved ARNs: one role per function or service,
 * each holding only the actions it calls on the resources it touches.
 */

/** One IAM policy statement. */
export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal?: Readonly<Record<string, string | readonly string[]>>;
  readonly Action: readonly string[];
  readonly Resource?: readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

/** An IAM policy document. */
export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly PolicyStatement[];
}

/** Builds a policy document from statements. */
export function policyDocument(...statements: PolicyStatement[]): PolicyDocument {
  return { Version: '2012-10-17', Statement: statements };
}

/** Trust policy letting one AWS service assume the role; the account condition stops confused deputies. */
export function assumeRolePolicy(service: string, accountId?: string): PolicyDocument {
  return policyDocument({
    Effect: 'Allow',
    Principal: { Service: service },
    Action: ['sts:AssumeRole'],
    ...(accountId === undefined ? {} : { Condition: { StringEquals: { 'aws:SourceAccount': accountId } } }),
  });
}

/** A CloudWatch Logs group ARN and the ARN pattern of its streams. */
export function logGroupResources(logGroupArn: string): string[] {
  const base = logGroupArn.endsWith(':*') ? logGroupArn.slice(0, -2) : logGroupArn;
  return [base, `${base}:*`];
}

/** Writing to one log group (Lambda's own logs, Firehose delivery errors). */
export function logWriteStatement(logGroupArn: string): PolicyStatement {
  return {
    Sid: 'WriteOwnLogs',
    Effect: 'Allow',
    Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    Resource: logGroupResources(logGroupArn),
  };
}

/** ARNs a shard reader needs. */
export interface StreamReaderResources {
  readonly streamArn: string;
  readonly streamKeyArn: string;
  /** Set when the reader uses an enhanced fan-out consumer. */
  readonly consumerArn?: string;
}

/** Reading the stream by polling (GetRecords) or through an enhanced fan-out consumer (SubscribeToShard). */
export function streamReadStatements(r: StreamReaderResources): PolicyStatement[] {
  const statements: PolicyStatement[] = [
    {
      Sid: 'ReadStream',
      Effect: 'Allow',
      Action: [
        'kinesis:DescribeStream',
        'kinesis:DescribeStreamSummary',
        'kinesis:GetRecords',
        'kinesis:GetShardIterator',
        'kinesis:ListShards',
      ],
      Resource: [r.streamArn],
    },
    { Sid: 'DecryptStream', Effect: 'Allow', Action: ['kms:Decrypt'], Resource: [r.streamKeyArn] },
  ];
  if (r.consumerArn !== undefined) {
    statements.push({
      Sid: 'ReadThroughConsumer',
      Effect: 'Allow',
      Action: ['kinesis:DescribeStreamConsumer', 'kinesis:SubscribeToShard'],
      Resource: [r.consumerArn],
    });
  }
  return statements;
}

/** ARNs the stream processor function touches. */
export interface StreamProcessorResources extends StreamReaderResources {
  readonly tableArn: string;
  readonly deadLetterBucketArn: string;
  readonly dataKeyArn: string;
}

/** Stream processor: read the stream, read/write the aggregate table, write quarantine and failed batches. */
export function streamProcessorStatements(r: StreamProcessorResources): PolicyStatement[] {
  return [
    ...streamReadStatements(r),
    {
      Sid: 'AggregateTable',
      Effect: 'Allow',
      Action: [
        'dynamodb:BatchGetItem',
        'dynamodb:BatchWriteItem',
        'dynamodb:DeleteItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:Scan',
      ],
      Resource: [r.tableArn],
    },
    // Quarantined records (the handler) and discarded batches (the event source mapping's S3 destination).
    {
      Sid: 'WriteDeadLetters',
      Effect: 'Allow',
      Action: ['s3:PutObject'],
      Resource: [`${r.deadLetterBucketArn}/*`],
    },
    // The event source mapping's S3 on-failure destination requires ListBucket on the bucket.
    { Sid: 'ListDeadLetters', Effect: 'Allow', Action: ['s3:ListBucket'], Resource: [r.deadLetterBucketArn] },
    { Sid: 'EncryptDeadLetters', Effect: 'Allow', Action: ['kms:GenerateDataKey'], Resource: [r.dataKeyArn] },
  ];
}

/** ARNs the archive's Firehose stream touches. */
export interface FirehoseResources extends StreamReaderResources {
  readonly bucketArn: string;
  readonly dataKeyArn: string;
  readonly logGroupArn: string;
}

/** Firehose: read the stream (no enhanced fan-out), write encrypted objects, log delivery errors. */
export function firehosePolicy(r: FirehoseResources): PolicyDocument {
  return policyDocument(
    ...streamReadStatements({ streamArn: r.streamArn, streamKeyArn: r.streamKeyArn }),
    {
      Sid: 'WriteArchive',
      Effect: 'Allow',
      Action: [
        's3:AbortMultipartUpload',
        's3:GetBucketLocation',
        's3:GetObject',
        's3:ListBucket',
        's3:ListBucketMultipartUploads',
        's3:PutObject',
      ],
      Resource: [r.bucketArn, `${r.bucketArn}/*`],
    },
    {
      Sid: 'EncryptArchive',
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: [r.dataKeyArn],
    },
    logWriteStatement(r.logGroupArn),
  );
}

/** ARNs an EventBridge Pipe touches. */
export interface PipeResources extends StreamReaderResources {
  readonly eventBusArn: string;
  readonly deadLetterQueueArn: string;
}

/** Pipe: read the stream, put events on the bus, send failure records to its DLQ. */
export function pipePolicy(r: PipeResources): PolicyDocument {
  return policyDocument(
    ...streamReadStatements({ streamArn: r.streamArn, streamKeyArn: r.streamKeyArn }),
    { Sid: 'PutEvents', Effect: 'Allow', Action: ['events:PutEvents'], Resource: [r.eventBusArn] },
    { Sid: 'DeadLetter', Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: [r.deadLetterQueueArn] },
  );
}

/** ARNs the ingest function touches. */
export interface IngestResources {
  readonly streamArn: string;
  readonly streamKeyArn: string;
  readonly secretArn: string;
  readonly dataKeyArn: string;
}

/** Ingest: put records on the stream, read the bearer-token secret. */
export function ingestStatements(r: IngestResources): PolicyStatement[] {
  return [
    { Sid: 'PutRecords', Effect: 'Allow', Action: ['kinesis:PutRecords'], Resource: [r.streamArn] },
    { Sid: 'EncryptStream', Effect: 'Allow', Action: ['kms:GenerateDataKey'], Resource: [r.streamKeyArn] },
    { Sid: 'ReadToken', Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: [r.secretArn] },
    { Sid: 'DecryptToken', Effect: 'Allow', Action: ['kms:Decrypt'], Resource: [r.dataKeyArn] },
  ];
}

/**
 * Key policy of the data key (table, buckets, secret, alarm topic). The account statement is AWS's
 * default and is what lets the IAM policies above grant use of the key; CloudWatch alarms publish to the
 * encrypted topic as a service principal, which only a key policy can allow.
 */
export function dataKeyPolicy(partition: string, accountId: string): PolicyDocument {
  return policyDocument(
    {
      Sid: 'EnableIamPolicies',
      Effect: 'Allow',
      Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
      Action: ['kms:*'],
      Resource: ['*'],
    },
    {
      Sid: 'CloudWatchAlarmsPublishToEncryptedTopic',
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      Resource: ['*'],
      Condition: { StringEquals: { 'aws:SourceAccount': accountId } },
    },
  );
}

/** Queue policy letting EventBridge rules (and only the given ones) send to a queue. */
export function queueFromRulesPolicy(queueArn: string, ruleArns: readonly string[]): PolicyDocument {
  return policyDocument({
    Sid: 'EventBridgeRules',
    Effect: 'Allow',
    Principal: { Service: 'events.amazonaws.com' },
    Action: ['sqs:SendMessage'],
    Resource: [queueArn],
    Condition: { ArnEquals: { 'aws:SourceArn': ruleArns } },
  });
}

/** Bucket policy refusing any request not made over TLS. */
export function denyInsecureTransportPolicy(bucketArn: string): PolicyDocument {
  return policyDocument({
    Sid: 'DenyInsecureTransport',
    Effect: 'Deny',
    Principal: { AWS: '*' },
    Action: ['s3:*'],
    Resource: [bucketArn, `${bucketArn}/*`],
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  });
}

/** ARNs the scheduled stalled check touches. */
export interface StalledCheckResources {
  readonly tableArn: string;
  /** The table's sparse gap index, `<tableArn>/index/<name>`. */
  readonly gapIndexArn: string;
  readonly dataKeyArn: string;
}

/**
 * Stalled check: scan the sparse gap index (only aggregates with a gap), then read those snapshots. No Scan on the
 * table itself: an index is its own resource in IAM.
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazondynamodb.html
 */
export function stalledCheckStatements(r: StalledCheckResources): PolicyStatement[] {
  return [
    { Sid: 'ScanGapIndex', Effect: 'Allow', Action: ['dynamodb:Scan'], Resource: [r.gapIndexArn] },
    {
      Sid: 'ReadGappedSnapshots',
      Effect: 'Allow',
      Action: ['dynamodb:BatchGetItem'],
      Resource: [r.tableArn],
    },
    { Sid: 'DecryptTable', Effect: 'Allow', Action: ['kms:Decrypt'], Resource: [r.dataKeyArn] },
  ];
}

/** ARNs the replay Lambda of distributed backfills touches. */
export interface ReplayFunctionResources {
  readonly bucketArn: string;
  /** The archive's events folder, e.g. `events/`. */
  readonly archivePrefix: string;
  readonly dataKeyArn: string;
  readonly streamArn: string;
  readonly streamKeyArn: string;
  readonly tableArn: string;
  readonly eventBusArn: string;
}

/** Replay Lambda: read archive objects, write to the stream, the projection table or the bus. */
export function replayFunctionStatements(r: ReplayFunctionResources): PolicyStatement[] {
  return [
    { Effect: 'Allow', Action: ['s3:GetObject'], Resource: [`${r.bucketArn}/${r.archivePrefix}*`] },
    { Effect: 'Allow', Action: ['kms:Decrypt'], Resource: [r.dataKeyArn] },
    { Effect: 'Allow', Action: ['kinesis:PutRecords', 'kinesis:PutRecord'], Resource: [r.streamArn] },
    { Effect: 'Allow', Action: ['kms:GenerateDataKey'], Resource: [r.streamKeyArn] },
    {
      Effect: 'Allow',
      Action: [
        'dynamodb:BatchGetItem',
        'dynamodb:GetItem',
        'dynamodb:Query',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
        'dynamodb:BatchWriteItem',
      ],
      Resource: [r.tableArn],
    },
    { Effect: 'Allow', Action: ['events:PutEvents'], Resource: [r.eventBusArn] },
  ];
}

/** ARNs the backfill state machine's role touches. */
export interface BackfillStateMachineResources {
  readonly functionArn: string;
  readonly bucketArn: string;
  readonly archivePrefix: string;
  /** The state machine's own ARN (a Distributed Map starts child executions of it). */
  readonly stateMachineArn: string;
  /** `arn:…:execution:<state machine name>`, without a trailing separator. */
  readonly executionArnPrefix: string;
}

/** Backfill state machine: invoke the replay Lambda, list the archive, run the Map's child executions. */
export function backfillStateMachinePolicy(r: BackfillStateMachineResources): PolicyDocument {
  return policyDocument(
    {
      Effect: 'Allow',
      Action: ['lambda:InvokeFunction'],
      Resource: [r.functionArn, `${r.functionArn}:*`],
    },
    {
      Effect: 'Allow',
      Action: ['s3:ListBucket'],
      Resource: [r.bucketArn],
      Condition: { StringLike: { 's3:prefix': `${r.archivePrefix}*` } },
    },
    // A Distributed Map runs its items as child executions of this same state machine.
    { Effect: 'Allow', Action: ['states:StartExecution'], Resource: [r.stateMachineArn] },
    {
      Effect: 'Allow',
      Action: ['states:DescribeExecution', 'states:StopExecution'],
      Resource: [`${r.executionArnPrefix}/*`],
    },
  );
}

/** Every action in a document, for checks such as "no wildcard actions". */
export function policyActions(doc: PolicyDocument): string[] {
  return doc.Statement.flatMap((s) => [...s.Action]);
}
