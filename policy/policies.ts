/**
 * The pipeline's guardrails as Pulumi policies: the same rules the infra tests assert, enforced on every
 * `pulumi preview` / `pulumi up --policy-pack policy`. A resource policy that reads a value unknown during
 * preview is reported by @pulumi/policy as "can't run during preview" (advisory) and judged again by
 * `pulumi up`, when the value is known, before the resource is created. Stack policies live in
 * stack-policies.ts.
 */
import type {
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from '@pulumi/policy';
import { readStatements, resourcePolicyProblems, wildcardProblems } from './policy-document.js';
import { known, readValue, UNKNOWN } from './preview-values.js';
import { TYPES } from './resource-types.js';
import { alarmTopicsSubscribed, bucketsHardened, bucketsTlsOnly } from './stack-policies.js';

export { TYPES } from './resource-types.js';
export { alarmTopicsSubscribed, bucketsHardened, bucketsTlsOnly } from './stack-policies.js';

type Props = Record<string, unknown>;

/** A resource policy that only looks at one type. */
function forType(
  type: string,
  policy: Omit<ResourceValidationPolicy, 'validateResource'>,
  check: (props: Props, report: ReportViolation) => void,
): ResourceValidationPolicy {
  return {
    ...policy,
    validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
      if (args.type === type) check(args.props, report);
    },
  };
}

function obj(value: unknown): Props {
  return typeof value === 'object' && value !== null ? (value as Props) : {};
}

export const kinesisEventSourceMappingOrdering = forType(
  TYPES.eventSourceMapping,
  {
    name: 'kinesis-esm-ordering',
    description:
      'Stream event source mappings report partial batch failures, bisect on error, keep parallelization ≤ 10 and have an on-failure destination.',
    enforcementLevel: 'mandatory',
  },
  (props, report) => {
    // Only stream sources take a starting position; SQS mappings are out of scope.
    if (props.startingPosition === undefined) return;
    const responseTypes = props.functionResponseTypes;
    if (!Array.isArray(responseTypes) || !responseTypes.includes('ReportBatchItemFailures')) {
      report(
        'functionResponseTypes must include ReportBatchItemFailures, or one bad record replays the whole batch.',
      );
    }
    if (props.bisectBatchOnFunctionError !== true) report('bisectBatchOnFunctionError must be true.');
    const parallelization = props.parallelizationFactor;
    if (typeof parallelization === 'number' && (parallelization < 1 || parallelization > 10)) {
      report(`parallelizationFactor must be 1–10, got ${parallelization}.`);
    }
    if (props.destinationConfig === undefined || obj(props.destinationConfig).onFailure === undefined) {
      report('destinationConfig.onFailure must be set, or discarded batches are lost without a trace.');
    }
    if (props.maximumRetryAttempts === undefined) report('maximumRetryAttempts must be set explicitly.');
  },
);

export const pipeToBusLimits = forType(
  TYPES.pipe,
  {
    name: 'pipe-to-bus-limits',
    description: 'Pipes onto an event bus use batches of ≤ 10, a retry limit and a dead-letter queue.',
    enforcementLevel: 'mandatory',
  },
  (props, report) => {
    const kinesis = obj(obj(props.sourceParameters).kinesisStreamParameters);
    if (Object.keys(kinesis).length === 0) return;
    const toBus =
      obj(props.targetParameters).eventbridgeEventBusParameters !== undefined ||
      (typeof props.target === 'string' && props.target.includes(':event-bus/'));
    if (toBus && typeof kinesis.batchSize === 'number' && kinesis.batchSize > 10) {
      report(`batchSize ${kinesis.batchSize} exceeds the 10 entries an event bus target accepts per batch.`);
    }
    if (toBus && kinesis.batchSize === undefined)
      report('batchSize must be set (≤ 10) for an event bus target.');
    if (kinesis.deadLetterConfig === undefined)
      report('kinesisStreamParameters.deadLetterConfig must be set.');
    if (kinesis.maximumRetryAttempts === undefined)
      report('kinesisStreamParameters.maximumRetryAttempts must be set.');
  },
);

export const kinesisStreamEncrypted = forType(
  TYPES.kinesisStream,
  {
    name: 'kinesis-stream-encrypted',
    description: 'Kinesis streams use KMS encryption.',
    enforcementLevel: 'mandatory',
  },
  (props, report) => {
    if (props.encryptionType !== 'KMS') report('encryptionType must be KMS.');
  },
);

export const tableEncryptedWithRecovery = forType(
  TYPES.table,
  {
    name: 'dynamodb-table-encrypted-pitr',
    description: 'DynamoDB tables use a customer managed key and point-in-time recovery.',
    enforcementLevel: 'mandatory',
  },
  (props, report) => {
    if (obj(props.serverSideEncryption).enabled !== true)
      report('serverSideEncryption.enabled must be true.');
    if (obj(props.pointInTimeRecovery).enabled !== true) report('pointInTimeRecovery.enabled must be true.');
  },
);

export const queueEncrypted = forType(
  TYPES.queue,
  {
    name: 'sqs-queue-encrypted',
    description: 'SQS queues are encrypted at rest.',
    enforcementLevel: 'mandatory',
  },
  (props, report) => {
    if (props.sqsManagedSseEnabled !== true && props.kmsMasterKeyId === undefined) {
      report('set sqsManagedSseEnabled or kmsMasterKeyId.');
    }
  },
);

export const topicEncrypted = forType(
  TYPES.topic,
  { name: 'sns-topic-encrypted', description: 'SNS topics use a KMS key.', enforcementLevel: 'mandatory' },
  (props, report) => {
    if (props.kmsMasterKeyId === undefined) report('kmsMasterKeyId must be set.');
  },
);

export const secretEncrypted = forType(
  TYPES.secret,
  {
    name: 'secret-customer-key',
    description: 'Secrets use the customer managed key.',
    enforcementLevel: 'advisory',
  },
  (props, report) => {
    if (props.kmsKeyId === undefined) report('kmsKeyId must be set.');
  },
);

export const firehoseArchiveEncrypted = forType(
  TYPES.firehose,
  {
    name: 'firehose-archive-compressed-encrypted',
    description: 'Firehose S3 delivery compresses and encrypts with a KMS key.',
    enforcementLevel: 'mandatory',
  },
  (props, report) => {
    if (props.destination !== 'extended_s3') return;
    const s3 = obj(props.extendedS3Configuration);
    if (s3.compressionFormat === undefined || s3.compressionFormat === 'UNCOMPRESSED') {
      report('extendedS3Configuration.compressionFormat must compress (GZIP).');
    }
    if (s3.kmsKeyArn === undefined) report('extendedS3Configuration.kmsKeyArn must be set.');
  },
);

export const streamReaderStartPosition: ResourceValidationPolicy = {
  name: 'stream-reader-no-latest-start',
  description:
    'Event source mappings and pipes that read a stream start at TRIM_HORIZON (or AT_TIMESTAMP), never LATEST: records written before they exist would never be applied.',
  enforcementLevel: 'mandatory',
  validateResource: (args, report) => {
    // LATEST starts after the newest record, and polling starts minutes after creation: the records
    // in between are skipped. https://docs.aws.amazon.com/lambda/latest/dg/msk-starting-positions.html
    // (the same StartingPosition of CreateEventSourceMapping and of a pipe's stream source).
    const latest = (where: string) =>
      report(
        `${where} is LATEST: records written before the reader exists (and while it starts) are never read; use TRIM_HORIZON.`,
      );
    if (args.type === TYPES.eventSourceMapping && args.props.startingPosition === 'LATEST') {
      latest('startingPosition');
    }
    if (args.type === TYPES.pipe) {
      const source = obj(args.props.sourceParameters);
      for (const kind of ['kinesisStreamParameters', 'dynamodbStreamParameters'] as const) {
        if (obj(source[kind]).startingPosition === 'LATEST') {
          latest(`sourceParameters.${kind}.startingPosition`);
        }
      }
    }
  },
};

/** Identity policies: the document properties of the types that carry one. */
const IDENTITY_POLICY_TYPES: ReadonlySet<string> = new Set([
  TYPES.rolePolicy,
  TYPES.userPolicy,
  TYPES.groupPolicy,
  TYPES.policy,
]);

export const noWildcardIam: ResourceValidationPolicy = {
  name: 'iam-no-wildcards',
  description:
    'IAM policies allow no wildcard action, no wildcard-like resource ARN, and "*" resources only for actions that have no ARN.',
  enforcementLevel: 'mandatory',
  validateResource: (args, report) => {
    const documents: unknown[] = [];
    if (IDENTITY_POLICY_TYPES.has(args.type)) documents.push(args.props.policy);
    if (args.type === TYPES.role && Array.isArray(args.props.inlinePolicies)) {
      for (const inline of args.props.inlinePolicies) documents.push(obj(inline).policy);
    }
    for (const document of documents) {
      for (const problem of wildcardProblems(readStatements(document) ?? [])) report(problem);
    }
  },
};

/** Attachment types and the property holding the attached policy ARN(s). */
const MANAGED_POLICY_ATTACHMENTS: ReadonlyMap<string, string> = new Map([
  [TYPES.rolePolicyAttachment, 'policyArn'],
  [TYPES.userPolicyAttachment, 'policyArn'],
  [TYPES.groupPolicyAttachment, 'policyArn'],
  [TYPES.policyAttachment, 'policyArn'],
  [TYPES.rolePolicyAttachmentsExclusive, 'policyArns'],
  [TYPES.userPolicyAttachmentsExclusive, 'policyArns'],
  [TYPES.groupPolicyAttachmentsExclusive, 'policyArns'],
]);

/** The policy ARN(s) of an attachment, as text; an ARN not known yet during preview still counts. */
function attachedArns(read: () => unknown): string[] {
  const value = readValue(read);
  if (value === UNKNOWN) return ['(an ARN known after the update)'];
  const values: unknown[] = Array.isArray(value) ? value : value === undefined ? [] : [value];
  // By index: the engine's proxy throws on reading an unknown element, which map() would do.
  return Array.from({ length: values.length }, (_, i) =>
    String(known(() => values[i]) ?? '(an ARN known after the update)'),
  );
}

export const noManagedPolicyAttachments: ResourceValidationPolicy = {
  name: 'iam-no-managed-policy-attachments',
  description:
    'No managed policy is attached to a role, user or group: every role here holds one inline least-privilege policy (aws.iam.RolePolicy).',
  enforcementLevel: 'mandatory',
  validateResource: (args, report) => {
    // AWS managed policies (AWSLambdaBasicExecutionRole, …) grant on "*" and change without notice.
    const advice = 'put the statements the role needs in its inline policy instead.';
    const property = MANAGED_POLICY_ATTACHMENTS.get(args.type);
    if (property !== undefined) {
      const arns = attachedArns(() => args.props[property]);
      // An exclusive attachment set that is empty detaches everything: that is fine.
      if (arns.length > 0) report(`attaches managed policy ${arns.join(', ')}; ${advice}`);
    }
    if (args.type === TYPES.role) {
      const arns = attachedArns(() => args.props.managedPolicyArns);
      if (arns.length > 0) report(`managedPolicyArns attaches ${arns.join(', ')}; ${advice}`);
    }
  },
};

/** Resource policies: the types that carry one in `policy` (bucket, queue, topic, key). */
const RESOURCE_POLICY_TYPES: ReadonlySet<string> = new Set([
  TYPES.bucketPolicy,
  TYPES.bucket,
  TYPES.queuePolicy,
  TYPES.queue,
  TYPES.topicPolicy,
  TYPES.topic,
  TYPES.kmsKey,
  TYPES.kmsKeyPolicy,
]);

export const resourcePoliciesScoped: ResourceValidationPolicy = {
  name: 'resource-policy-scoped',
  description:
    'Bucket, queue, topic and key policies allow nothing to "*" without a condition on the caller, and nothing to a service principal without an aws:SourceArn or aws:SourceAccount condition.',
  enforcementLevel: 'mandatory',
  validateResource: (args, report) => {
    if (!RESOURCE_POLICY_TYPES.has(args.type) || args.props.policy === undefined) return;
    for (const problem of resourcePolicyProblems(readStatements(args.props.policy) ?? [])) report(problem);
  },
};

/** Service principals are DNS-style names of AWS services, e.g. `events.amazonaws.com`. */
const SERVICE_PRINCIPAL = /\.amazonaws\.com(\.cn)?$/;

export const lambdaPermissionScoped = forType(
  TYPES.lambdaPermission,
  {
    name: 'lambda-permission-scoped',
    description:
      'Lambda permissions for an AWS service name the invoking resource (sourceArn); none lets "*" invoke without a source account, ARN or organisation.',
    enforcementLevel: 'mandatory',
  },
  (props, report) => {
    // "If you grant permission to a service principal without specifying the source, other accounts could
    // potentially configure resources in their account to invoke your Lambda function."
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-lambda-permission.html
    // A source still unknown during preview (the ARN of a rule being created) is set all the same.
    const set = (property: string) => readValue(() => props[property]) !== undefined;
    const principal = props.principal;
    if (typeof principal === 'string' && SERVICE_PRINCIPAL.test(principal) && !set('sourceArn')) {
      report(
        `principal ${principal} has no sourceArn: any ${principal} resource, in any account, may invoke.`,
      );
    }
    if (principal === '*' && !set('sourceArn') && !set('sourceAccount') && !set('principalOrgId')) {
      report('principal "*" with no sourceArn, sourceAccount or principalOrgId: anyone may invoke.');
    }
  },
);

export const lambdaRuntime = forType(
  TYPES.lambdaFunction,
  {
    name: 'lambda-node24-arm64',
    description: 'Functions run on nodejs24.x (the newest Lambda Node.js runtime) and arm64.',
    enforcementLevel: 'mandatory',
  },
  (props, report) => {
    if (props.runtime !== 'nodejs24.x') report(`runtime ${String(props.runtime)} is not nodejs24.x.`);
    if (!Array.isArray(props.architectures) || !props.architectures.includes('arm64'))
      report('architectures must be [arm64].');
  },
);

export const alarmNotifies = forType(
  TYPES.alarm,
  { name: 'alarm-notifies', description: 'Alarms notify someone.', enforcementLevel: 'mandatory' },
  (props, report) => {
    if (!Array.isArray(props.alarmActions) || props.alarmActions.length === 0)
      report('alarmActions must not be empty.');
  },
);

/** Every policy of the pack. */
export const pipelinePolicies: (ResourceValidationPolicy | StackValidationPolicy)[] = [
  kinesisEventSourceMappingOrdering,
  streamReaderStartPosition,
  pipeToBusLimits,
  kinesisStreamEncrypted,
  tableEncryptedWithRecovery,
  queueEncrypted,
  topicEncrypted,
  secretEncrypted,
  firehoseArchiveEncrypted,
  noWildcardIam,
  noManagedPolicyAttachments,
  resourcePoliciesScoped,
  lambdaPermissionScoped,
  lambdaRuntime,
  alarmNotifies,
  bucketsHardened,
  bucketsTlsOnly,
  alarmTopicsSubscribed,
];
