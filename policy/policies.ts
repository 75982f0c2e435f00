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
import { readStatements, wildcardProblems } from './policy-document.js';
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

export const noWildcardIam: ResourceValidationPolicy = {
  name: 'iam-no-wildcards',
  description: 'IAM policies allow no wildcard action, and "*" resources only for actions that have no ARN.',
  enforcementLevel: 'mandatory',
  validateResource: (args, report) => {
    const documents: unknown[] = [];
    if (args.type === TYPES.rolePolicy || args.type === TYPES.policy) documents.push(args.props.policy);
    if (args.type === TYPES.role && Array.isArray(args.props.inlinePolicies)) {
      for (const inline of args.props.inlinePolicies) documents.push(obj(inline).policy);
    }
    for (const document of documents) {
      for (const problem of wildcardProblems(readStatements(document) ?? [])) report(problem);
    }
  },
};

export const lambdaRuntime = forType(
  TYPES.lambdaFunction,
  {
    name: 'lambda-node24-arm64',
    description: 'Functions run on nodejs24.x (the newest Lambda Node.js runtime) and arm64.',
    enforcementLevel: 'advisory',
  },
  (props, report) => {
    if (props.runtime !== undefined && props.runtime !== 'nodejs24.x')
      report(`runtime ${String(props.runtime)} is not nodejs24.x.`);
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
  pipeToBusLimits,
  kinesisStreamEncrypted,
  tableEncryptedWithRecovery,
  queueEncrypted,
  topicEncrypted,
  secretEncrypted,
  firehoseArchiveEncrypted,
  noWildcardIam,
  lambdaRuntime,
  alarmNotifies,
  bucketsHardened,
  bucketsTlsOnly,
  alarmTopicsSubscribed,
];
