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

/**
 * Trust policy of Firehose's role. Firehose presents the account id as the external id, as its documentation's
 * trust policy shows (https://docs.aws.amazon.com/firehose/latest/dev/controlling-access.html, "Allow Firehose to
 * assume an IAM role"); it documents no aws:SourceAccount, so a condition on that key could refuse it.
 */
export function firehoseAssumeRolePolicy(accountId: string): PolicyDocument {
  return policyDocument({
    Effect: 'Allow',
    Principal: { Service: 'firehose.amazonaws.com' },
    Action: ['sts:AssumeRole'],
    Condition: { StringEquals: { 'sts:ExternalId': accountId } },
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
    // Both actions are authorised on log streams (`<group>:log-stream:<name>`), never on the group itself.
    Resource: [`${logGroupResources(logGroupArn)[0]}:*`],
  };
}

/**
 * Exporting spans to X-Ray's OTLP endpoint in the stack's region (https://xray.<region>.amazonaws.com/v1/traces):
 * `xray:PutSpans`, "Grants permission to upload OpenTelemetry spans to AWS X-Ray", names no resource type, so it is
 * granted on "*" (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsx-ray.html), held to the
 * stack's region by the global `aws:RequestedRegion` key
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-requestedregion).
 * Not `xray:PutTraceSegments`/`PutTelemetryRecords` (the X-Ray SDK and daemon's API, in maintenance since 2026-02-25)
 * nor `xray:PutSpansForIndexing` (X-Ray indexes spans itself under Transaction Search).
 */
export function spanExportStatement(region: string): PolicyStatement {
  return {
    Sid: 'ExportSpans',
    Effect: 'Allow',
    Action: ['xray:PutSpans'],
    Resource: ['*'],
    Condition: { StringEquals: { 'aws:RequestedRegion': region } },
  };
}

/**
 * Using a key both ways: uploading or downloading an object encrypted with a KMS key needs `kms:GenerateDataKey` and
 * `kms:Decrypt` on it (https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-express-UsingKMSEncryption.html,
 * which points to https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html#mpuAndPermissions for
 * multipart uploads); `Decrypt` also reads an encrypted table.
 */
function dataKeyStatement(sid: string, keyArn: string): PolicyStatement {
  return { Sid: sid, Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: [keyArn] };
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

/**
 * Stream processor: read the stream, read/write the aggregate table, write quarantine and failed batches.
 * DynamoDB decrypts the table key with the caller's permission, so reading or writing a table encrypted with a
 * customer managed key needs kms:Decrypt on it
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.howitworks.html).
 */
export function streamProcessorStatements(r: StreamProcessorResources): PolicyStatement[] {
  return [
    ...streamReadStatements(r),
    // Exactly the store's calls: BatchGetItem (load), Query (buffered events of an aggregate with a gap), PutItem
    // (conditional writes), BatchWriteItem (drained items).
    {
      Sid: 'AggregateTable',
      Effect: 'Allow',
      Action: ['dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem', 'dynamodb:PutItem', 'dynamodb:Query'],
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
    // One key for the table (Decrypt) and the dead-letter bucket (GenerateDataKey for SSE-KMS writes).
    dataKeyStatement('UseDataKey', r.dataKeyArn),
  ];
}

/** ARNs the archive's Firehose stream touches. */
export interface FirehoseResources extends StreamReaderResources {
  readonly bucketArn: string;
  readonly dataKeyArn: string;
  readonly logGroupArn: string;
}

/**
 * Firehose: read the stream, write encrypted objects, log delivery errors: exactly the permissions its access
 * control page lists for a Kinesis source and an S3 destination
 * (https://docs.aws.amazon.com/firehose/latest/dev/controlling-access.html), plus kms:Decrypt on the stream's key
 * (https://docs.aws.amazon.com/streams/latest/dev/permissions-user-key-KMS.html). The program creates the error
 * log stream, so Firehose only puts events into it.
 */
export function firehosePolicy(r: FirehoseResources): PolicyDocument {
  return policyDocument(
    {
      Sid: 'ReadStream',
      Effect: 'Allow',
      Action: [
        'kinesis:DescribeStream',
        'kinesis:GetRecords',
        'kinesis:GetShardIterator',
        'kinesis:ListShards',
      ],
      Resource: [r.streamArn],
    },
    { Sid: 'DecryptStream', Effect: 'Allow', Action: ['kms:Decrypt'], Resource: [r.streamKeyArn] },
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
    dataKeyStatement('EncryptArchive', r.dataKeyArn),
    {
      Sid: 'LogDeliveryErrors',
      Effect: 'Allow',
      Action: ['logs:PutLogEvents'],
      Resource: [`${logGroupResources(r.logGroupArn)[0]}:log-stream:*`],
    },
  );
}

/** ARNs an EventBridge Pipe touches. */
export interface PipeResources extends StreamReaderResources {
  readonly eventBusArn: string;
  readonly deadLetterQueueArn: string;
  /** The enrichment Lambda the Pipe invokes for each batch. */
  readonly enrichmentFunctionArn: string;
}

/**
 * Pipe: read the stream, invoke its enrichment, put events on the bus, send failure records to its DLQ.
 * The execution role needs `lambda:InvokeFunction` on a Lambda enrichment
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-permissions.html).
 */
export function pipePolicy(r: PipeResources): PolicyDocument {
  return policyDocument(
    ...streamReadStatements({ streamArn: r.streamArn, streamKeyArn: r.streamKeyArn }),
    {
      Sid: 'InvokeEnrichment',
      Effect: 'Allow',
      Action: ['lambda:InvokeFunction'],
      Resource: [r.enrichmentFunctionArn],
    },
    { Sid: 'PutEvents', Effect: 'Allow', Action: ['events:PutEvents'], Resource: [r.eventBusArn] },
    { Sid: 'DeadLetter', Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: [r.deadLetterQueueArn] },
  );
}

/**
 * The bridge's enrichment Lambda calls no AWS API (it decodes records and returns the bus event's parts):
 * nothing beyond writing its own logs, which `NodeFunction` adds.
 */
export function busEnrichmentStatements(): PolicyStatement[] {
  return [];
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
  /** The live aggregate table. */
  readonly tableArn: string;
  /** Separate projection tables a backfill may rebuild (config `replay.projectionTables`), and only those. */
  readonly projectionTableArns?: readonly string[];
  readonly eventBusArn: string;
}

/** Replay Lambda: read archive objects, write to the stream, the live or a granted projection table, or the bus. */
export function replayFunctionStatements(r: ReplayFunctionResources): PolicyStatement[] {
  return [
    { Effect: 'Allow', Action: ['s3:GetObject'], Resource: [`${r.bucketArn}/${r.archivePrefix}*`] },
    { Effect: 'Allow', Action: ['kms:Decrypt'], Resource: [r.dataKeyArn] },
    // The ordered producer only calls PutRecords.
    { Effect: 'Allow', Action: ['kinesis:PutRecords'], Resource: [r.streamArn] },
    { Effect: 'Allow', Action: ['kms:GenerateDataKey'], Resource: [r.streamKeyArn] },
    // The projection target runs the processor's engine: one BatchGetItem round, conditional PutItem per aggregate,
    // BatchWriteItem for buffered (pending#) items. Nothing else is called (the IAM tier records it).
    {
      Effect: 'Allow',
      Action: ['dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:BatchWriteItem', 'dynamodb:Query'],
      Resource: [r.tableArn, ...(r.projectionTableArns ?? [])],
    },
    { Effect: 'Allow', Action: ['events:PutEvents'], Resource: [r.eventBusArn] },
  ];
}

/** ARNs the backfill state machine's role touches. */
export interface BackfillStateMachineResources {
  readonly functionArn: string;
  readonly bucketArn: string;
  readonly archivePrefix: string;
  /** Where the Distributed Map's ResultWriter exports child results, e.g. `backfill-results/`. */
  readonly resultsPrefix: string;
  /** The bucket's SSE-KMS key: ResultWriter writes encrypted objects (in multipart uploads). */
  readonly dataKeyArn: string;
  /** The state machine's own ARN (a Distributed Map starts child executions of it). */
  readonly stateMachineArn: string;
  /** `arn:…:execution:<state machine name>`, without a trailing separator. */
  readonly executionArnPrefix: string;
}

/**
 * Backfill state machine: invoke the replay Lambda, list the archive (ItemReader), export results (ResultWriter) and
 * run, stop and redrive its Map's child executions. Execution ARNs, from
 * https://docs.aws.amazon.com/step-functions/latest/dg/iam-policies-eg-dist-map.html and
 * https://docs.aws.amazon.com/step-functions/latest/dg/redrive-map-run.html: the state machine's own executions are
 * `execution:<name>:<execution>`, a Map Run's child executions `execution:<name>/<map run label>:<id>`.
 */
export function backfillStateMachinePolicy(r: BackfillStateMachineResources): PolicyDocument {
  return policyDocument(
    {
      Sid: 'InvokeReplayFunction',
      Effect: 'Allow',
      Action: ['lambda:InvokeFunction'],
      Resource: [r.functionArn, `${r.functionArn}:*`],
    },
    {
      Sid: 'ListArchive',
      Effect: 'Allow',
      Action: ['s3:ListBucket'],
      Resource: [r.bucketArn],
      Condition: { StringLike: { 's3:prefix': `${r.archivePrefix}*` } },
    },
    // IAM policies for ResultWriter: PutObject, GetObject and the multipart actions on the results prefix.
    {
      Sid: 'WriteMapRunResults',
      Effect: 'Allow',
      Action: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:PutObject'],
      Resource: [`${r.bucketArn}/${r.resultsPrefix}*`],
    },
    // The bucket is SSE-KMS: writing (and completing multipart uploads) needs the key.
    dataKeyStatement('EncryptMapRunResults', r.dataKeyArn),
    // A Distributed Map runs its items as child executions of this same state machine.
    {
      Sid: 'StartChildExecutions',
      Effect: 'Allow',
      Action: ['states:StartExecution'],
      Resource: [r.stateMachineArn],
    },
    {
      Sid: 'ManageExecutions',
      Effect: 'Allow',
      Action: ['states:DescribeExecution', 'states:StopExecution'],
      Resource: [`${r.executionArnPrefix}:*`, `${r.executionArnPrefix}/*:*`],
    },
    // Redriving a failed run redrives its Map Run's unsuccessful child executions.
    {
      Sid: 'RedriveChildExecutions',
      Effect: 'Allow',
      Action: ['states:RedriveExecution'],
      Resource: [`${r.executionArnPrefix}/*:*`],
    },
  );
}

/** Every action in a document, for checks such as "no wildcard actions". */
export function policyActions(doc: PolicyDocument): string[] {
  return doc.Statement.flatMap((s) => [...s.Action]);
}
