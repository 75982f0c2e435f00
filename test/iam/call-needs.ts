/**
 * From a recorded SDK call to the IAM requests AWS authorises for it: the operation's action on the deployed
 * resource's ARN, plus the KMS requests its encryption implies for the caller.
 *
 * The local emulators run with the deployed resources' physical names (the handlers get the environment the
 * Pulumi program gives them), so a recorded table, bucket, stream or secret name is looked up among the
 * program's resources; a call on a resource the program does not deploy is an error.
 */
import type { Need } from './access-check.js';
import { type DeployedStack, REGION, TYPES } from './deployed-stack.js';
import type { RecordedCall } from './sdk-call-recorder.js';

/** Documentation of each operation's action and of the KMS use encryption adds, cited in failures. */
export const DOCS = {
  dynamodbActions:
    'https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazondynamodb.html',
  /** The table key is decrypted with the caller's permissions ("The user is the principal … accessing the table"). */
  dynamodbKms: 'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.howitworks.html',
  s3Actions: 'https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html',
  /** ListObjects/ListObjectsV2 need s3:ListBucket on the bucket. */
  s3List: 'https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html',
  /** PutObject under SSE-KMS needs kms:GenerateDataKey, GetObject needs kms:Decrypt. */
  s3Kms: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html',
  kinesisActions:
    'https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonkinesis.html',
  /** Producers need kms:GenerateDataKey, consumers kms:Decrypt, on the stream's key. */
  kinesisKms: 'https://docs.aws.amazon.com/streams/latest/dev/permissions-user-key-KMS.html',
  secretsActions:
    'https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecretsmanager.html',
  /** Reading a secret encrypted with a customer managed key needs kms:Decrypt through Secrets Manager. */
  secretsKms: 'https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html',
  eventsActions:
    'https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoneventbridge.html',
} as const;

/** Operation → IAM action, for the operations the handlers call. */
const ACTIONS: Record<string, Record<string, string>> = {
  DynamoDB: {
    BatchGetItem: 'dynamodb:BatchGetItem',
    BatchWriteItem: 'dynamodb:BatchWriteItem',
    PutItem: 'dynamodb:PutItem',
    GetItem: 'dynamodb:GetItem',
    DeleteItem: 'dynamodb:DeleteItem',
    UpdateItem: 'dynamodb:UpdateItem',
    Query: 'dynamodb:Query',
    Scan: 'dynamodb:Scan',
    DescribeTable: 'dynamodb:DescribeTable',
    CreateTable: 'dynamodb:CreateTable',
  },
  S3: {
    PutObject: 's3:PutObject',
    GetObject: 's3:GetObject',
    ListObjectsV2: 's3:ListBucket',
    ListObjects: 's3:ListBucket',
  },
  Kinesis: { PutRecords: 'kinesis:PutRecords', PutRecord: 'kinesis:PutRecord' },
  SecretsManager: { GetSecretValue: 'secretsmanager:GetSecretValue' },
  EventBridge: { PutEvents: 'events:PutEvents' },
};

const via = (service: string) => ({ 'kms:ViaService': `${service}.${REGION}.amazonaws.com` });

function describe(call: RecordedCall, target: string): string {
  return `${call.service}.${call.operation} on ${target}`;
}

/** The tables a DynamoDB call names (single-table calls or batch RequestItems). */
function tablesOf(call: RecordedCall): string[] {
  if (typeof call.input.TableName === 'string') return [call.input.TableName];
  const items = call.input.RequestItems;
  if (items !== null && typeof items === 'object') return Object.keys(items);
  throw new Error(`${call.service}.${call.operation} names no table`);
}

function one<T>(found: T | undefined, what: string): T {
  if (found === undefined) throw new Error(`${what} is not a resource the Pulumi program deploys`);
  return found;
}

/** The IAM requests one recorded call makes, against the deployed stack's ARNs and keys. */
export function needsOfCall(call: RecordedCall, deployed: DeployedStack): Need[] {
  const action = ACTIONS[call.service]?.[call.operation];
  if (action === undefined) {
    throw new Error(
      `no IAM action is mapped for ${call.service}.${call.operation}: add it to test/iam/call-needs.ts with its documentation`,
    );
  }
  switch (call.service) {
    case 'DynamoDB':
      return tablesOf(call).flatMap((tableName) => {
        const table = one(
          deployed.all(TYPES.table).find((t) => t.state.name === tableName),
          `table ${tableName}`,
        );
        // A Query or Scan of an index is authorised on the index's own ARN (`<table ARN>/index/<name>`).
        const index = typeof call.input.IndexName === 'string' ? call.input.IndexName : undefined;
        const target = index === undefined ? `table ${tableName}` : `index ${index} of table ${tableName}`;
        const because = describe(call, target);
        const resource =
          index === undefined ? String(table.state.arn) : `${String(table.state.arn)}/index/${index}`;
        const needs: Need[] = [{ action, resource, because: `${because} (${DOCS.dynamodbActions})` }];
        const sse = table.inputs.serverSideEncryption as
          | { enabled?: boolean; kmsKeyArn?: string }
          | undefined;
        if (sse?.enabled === true && sse.kmsKeyArn !== undefined) {
          needs.push({
            action: 'kms:Decrypt',
            resource: sse.kmsKeyArn,
            context: via('dynamodb'),
            because: `${because}: table encrypted with a customer managed key (${DOCS.dynamodbKms})`,
          });
        }
        return needs;
      });
    case 'S3': {
      const bucket = String(call.input.Bucket);
      one(
        deployed.all(TYPES.bucket).find((b) => b.state.bucket === bucket),
        `bucket ${bucket}`,
      );
      const keyArn = deployed.bucketKeyArn(bucket);
      if (action === 's3:ListBucket') {
        const prefix: Record<string, string> =
          typeof call.input.Prefix === 'string' ? { 's3:prefix': call.input.Prefix } : {};
        return [
          {
            action,
            resource: `arn:aws:s3:::${bucket}`,
            context: prefix,
            because: `${describe(call, `s3://${bucket}`)} (${DOCS.s3List})`,
          },
        ];
      }
      const objectArn = `arn:aws:s3:::${bucket}/${String(call.input.Key)}`;
      const because = describe(call, `s3://${bucket}/${String(call.input.Key)}`);
      const needs: Need[] = [{ action, resource: objectArn, because: `${because} (${DOCS.s3Actions})` }];
      if (keyArn !== undefined) {
        needs.push({
          action: action === 's3:PutObject' ? 'kms:GenerateDataKey' : 'kms:Decrypt',
          resource: keyArn,
          context: via('s3'),
          because: `${because}: bucket encrypted with SSE-KMS (${DOCS.s3Kms})`,
        });
      }
      return needs;
    }
    case 'Kinesis': {
      const streamName =
        typeof call.input.StreamName === 'string'
          ? call.input.StreamName
          : String(call.input.StreamARN).split('/').at(-1);
      const stream = one(
        deployed.all(TYPES.stream).find((s) => s.state.name === streamName),
        `stream ${streamName}`,
      );
      const because = describe(call, `stream ${streamName}`);
      const needs: Need[] = [
        { action, resource: String(stream.state.arn), because: `${because} (${DOCS.kinesisActions})` },
      ];
      if (stream.inputs.encryptionType === 'KMS') {
        needs.push({
          action: 'kms:GenerateDataKey',
          resource: String(stream.inputs.kmsKeyId),
          context: via('kinesis'),
          because: `${because}: stream encrypted with a customer managed key (${DOCS.kinesisKms})`,
        });
      }
      return needs;
    }
    case 'SecretsManager': {
      const id = String(call.input.SecretId);
      const secret = one(
        deployed.all(TYPES.secret).find((s) => s.state.arn === id || s.state.name === id),
        `secret ${id}`,
      );
      const because = describe(call, `secret ${id}`);
      const needs: Need[] = [
        { action, resource: String(secret.state.arn), because: `${because} (${DOCS.secretsActions})` },
      ];
      if (typeof secret.inputs.kmsKeyId === 'string') {
        needs.push({
          action: 'kms:Decrypt',
          resource: secret.inputs.kmsKeyId,
          context: via('secretsmanager'),
          because: `${because}: secret encrypted with a customer managed key (${DOCS.secretsKms})`,
        });
      }
      return needs;
    }
    case 'EventBridge': {
      const entries = (call.input.Entries as { EventBusName?: string }[] | undefined) ?? [];
      const buses = [...new Set(entries.map((e) => e.EventBusName ?? 'default'))];
      return buses.map((busName) => {
        const bus = one(
          deployed.all(TYPES.bus).find((b) => b.state.name === busName || b.state.arn === busName),
          `event bus ${busName}`,
        );
        return {
          action,
          resource: String(bus.state.arn),
          because: `${describe(call, `bus ${busName}`)} (${DOCS.eventsActions})`,
        };
      });
    }
    default:
      throw new Error(`unmapped service ${call.service}`);
  }
}

/**
 * The Lambda runtime writes the function's logs with the execution role: logs:CreateLogStream and
 * logs:PutLogEvents (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html), both
 * authorised on the log stream's ARN (Service Authorization Reference, list_amazoncloudwatchlogs.html).
 */
export function lambdaLogNeeds(deployed: DeployedStack, functionLogicalName: string): Need[] {
  const fn = deployed.resource(TYPES.fn, functionLogicalName);
  const groupName = (fn.inputs.loggingConfig as { logGroup: string }).logGroup;
  const group = one(
    deployed.all(TYPES.logGroup).find((g) => g.state.name === groupName),
    `log group ${groupName}`,
  );
  const arn = String(group.state.arn);
  const because = `the Lambda runtime writing ${functionLogicalName}'s logs (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html)`;
  const stream = `${arn}:log-stream:2026/01/01/[$LATEST]0123456789abcdef`;
  return [
    { action: 'logs:CreateLogStream', resource: stream, because },
    { action: 'logs:PutLogEvents', resource: stream, because },
  ];
}

/**
 * A traced function exporting its spans to X-Ray's OTLP endpoint in the stack's region (docs/deploy.md, Tracing):
 * `xray:PutSpans` names no resource type (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsx-ray.html).
 */
export function spanExportNeeds(deployed: DeployedStack, functionLogicalName: string): Need[] {
  if (deployed.environment(functionLogicalName).TRACING !== 'on') return [];
  const because = `${functionLogicalName} exporting its spans to https://xray.${REGION}.amazonaws.com/v1/traces (docs/deploy.md, Tracing)`;
  return [{ action: 'xray:PutSpans', resource: '*', context: { 'aws:RequestedRegion': REGION }, because }];
}

/** Distinct needs (the same request made many times counts once). */
export function distinctNeeds(needs: readonly Need[]): Need[] {
  const seen = new Map<string, Need>();
  for (const need of needs) {
    const key = `${need.action}|${need.resource}|${JSON.stringify(need.context ?? {})}`;
    if (!seen.has(key)) seen.set(key, need);
  }
  return [...seen.values()];
}
