/**
 * The Pulumi program run under the unit-test mocks for one stack, seen as IAM sees it: every role with its
 * trust policy and inline policies, and every resource policy (key, bucket, queue), exactly as the program
 * serialises them, with the ARNs the mocks give each resource.
 */
import type { PipelineConfig } from '../../config/config-schema.js';
import { loadStackConfigFile } from '../../config/stack-config-file.js';
import type { PolicyDocument } from '../../pulumi/iam-policies.js';
import {
  ACCOUNT_ID,
  installMocks,
  named,
  ofType,
  output,
  REGION,
  type RecordedResource,
  stubBundler,
  waitForRegistrations,
} from '../infra/pulumi-mocks.js';

export { ACCOUNT_ID, REGION };

/** Resource types the IAM tier reads. */
export const TYPES = {
  role: 'aws:iam/role:Role',
  rolePolicy: 'aws:iam/rolePolicy:RolePolicy',
  fn: 'aws:lambda/function:Function',
  esm: 'aws:lambda/eventSourceMapping:EventSourceMapping',
  permission: 'aws:lambda/permission:Permission',
  key: 'aws:kms/key:Key',
  table: 'aws:dynamodb/table:Table',
  bucket: 'aws:s3/bucket:Bucket',
  bucketPolicy: 'aws:s3/bucketPolicy:BucketPolicy',
  sse: 'aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration',
  stream: 'aws:kinesis/stream:Stream',
  consumer: 'aws:kinesis/streamConsumer:StreamConsumer',
  firehose: 'aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream',
  secret: 'aws:secretsmanager/secret:Secret',
  bus: 'aws:cloudwatch/eventBus:EventBus',
  rule: 'aws:cloudwatch/eventRule:EventRule',
  target: 'aws:cloudwatch/eventTarget:EventTarget',
  queue: 'aws:sqs/queue:Queue',
  queuePolicy: 'aws:sqs/queuePolicy:QueuePolicy',
  topic: 'aws:sns/topic:Topic',
  topicPolicy: 'aws:sns/topicPolicy:TopicPolicy',
  alarm: 'aws:cloudwatch/metricAlarm:MetricAlarm',
  pipe: 'aws:pipes/pipe:Pipe',
  stateMachine: 'aws:sfn/stateMachine:StateMachine',
  logGroup: 'aws:cloudwatch/logGroup:LogGroup',
  logStream: 'aws:cloudwatch/logStream:LogStream',
  api: 'aws:apigatewayv2/api:Api',
  route: 'aws:apigatewayv2/route:Route',
} as const;

/** A role as IAM holds it. */
export interface DeployedRole {
  /** Logical name in the program, e.g. `processor-role`. */
  readonly logicalName: string;
  readonly name: string;
  readonly arn: string;
  readonly trustPolicy: PolicyDocument;
  /** Inline policies (the program attaches no managed policy). */
  readonly policies: readonly { readonly name: string; readonly document: PolicyDocument }[];
}

/**
 * A key without a `policy` gets AWS's default key policy: the account may use IAM policies to grant its use.
 * https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
 */
export function defaultKeyPolicy(accountId: string): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'Enable IAM User Permissions',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${accountId}:root` },
        Action: ['kms:*'],
        Resource: ['*'],
      },
    ],
  };
}

/** One stack of the program as deployed under the mocks. */
export class DeployedStack {
  constructor(
    readonly stack: string,
    readonly config: PipelineConfig,
    readonly resources: readonly RecordedResource[],
  ) {}

  /** The resource of a type and logical name. */
  resource(type: string, logicalName: string): RecordedResource {
    return named(this.resources, type, logicalName);
  }

  /** Every resource of a type. */
  all(type: string): RecordedResource[] {
    return ofType(this.resources, type);
  }

  /** The `arn` output of a resource. */
  arn(type: string, logicalName: string): string {
    return output(this.resource(type, logicalName), 'arn');
  }

  /** The resource whose `arn` output is this ARN, if the program deploys one. */
  byArn(arn: string): RecordedResource | undefined {
    return this.resources.find((r) => r.custom && r.state.arn === arn);
  }

  /** The role with this logical name, its trust policy and its inline policies. */
  role(logicalName: string): DeployedRole {
    const role = this.resource(TYPES.role, logicalName);
    const policies = this.all(TYPES.rolePolicy)
      .filter((p) => p.inputs.role === role.id)
      .map((p) => ({ name: p.name, document: parseDocument(p.inputs.policy, p.name) }));
    return {
      logicalName,
      name: output(role, 'name'),
      arn: output(role, 'arn'),
      trustPolicy: parseDocument(role.inputs.assumeRolePolicy, role.name),
      policies,
    };
  }

  /** The execution role of a function (by the function's logical name). */
  functionRole(functionLogicalName: string): DeployedRole {
    const fn = this.resource(TYPES.fn, functionLogicalName);
    const role = this.all(TYPES.role).find((r) => r.state.arn === fn.inputs.role);
    if (role === undefined) throw new Error(`no role has the ARN ${String(fn.inputs.role)} of ${fn.name}`);
    return this.role(role.name);
  }

  /** The environment variables the program gives a function. */
  environment(functionLogicalName: string): Record<string, string> {
    const fn = this.resource(TYPES.fn, functionLogicalName);
    return (fn.inputs.environment as { variables: Record<string, string> }).variables;
  }

  /** The key policy of a key (AWS's default when the program sets none). */
  keyPolicy(keyArn: string): PolicyDocument {
    const key = this.all(TYPES.key).find((k) => k.state.arn === keyArn);
    if (key === undefined) throw new Error(`the program deploys no KMS key ${keyArn}`);
    return key.inputs.policy === undefined
      ? defaultKeyPolicy(ACCOUNT_ID)
      : parseDocument(key.inputs.policy, key.name);
  }

  /** The key a bucket encrypts objects with (its default SSE-KMS configuration). */
  bucketKeyArn(bucketName: string): string | undefined {
    const sse = this.all(TYPES.sse).find((s) => s.inputs.bucket === bucketName);
    const rules = sse?.inputs.rules as
      | { applyServerSideEncryptionByDefault?: { sseAlgorithm?: string; kmsMasterKeyId?: string } }[]
      | undefined;
    const rule = rules?.[0]?.applyServerSideEncryptionByDefault;
    return rule?.sseAlgorithm === 'aws:kms' ? rule.kmsMasterKeyId : undefined;
  }

  /** The resource-based policy IAM evaluates with a request on this ARN, if the resource has one. */
  resourcePolicy(arn: string): PolicyDocument | undefined {
    if (arn.startsWith('arn:aws:kms:')) return this.keyPolicy(arn);
    if (arn.startsWith('arn:aws:s3:::')) {
      const bucket = arn.slice('arn:aws:s3:::'.length).split('/')[0];
      const policy = this.all(TYPES.bucketPolicy).find((p) => p.inputs.bucket === bucket);
      return policy === undefined ? undefined : parseDocument(policy.inputs.policy, policy.name);
    }
    if (arn.startsWith('arn:aws:sqs:')) {
      const queue = this.all(TYPES.queue).find((q) => q.state.arn === arn);
      const policy = this.all(TYPES.queuePolicy).find((p) => p.inputs.queueUrl === queue?.state.url);
      return policy === undefined ? undefined : parseDocument(policy.inputs.policy, policy.name);
    }
    if (arn.startsWith('arn:aws:sns:')) {
      const policy = this.all(TYPES.topicPolicy).find((p) => p.inputs.arn === arn);
      return policy === undefined ? undefined : parseDocument(policy.inputs.policy, policy.name);
    }
    return undefined;
  }
}

function parseDocument(value: unknown, where: string): PolicyDocument {
  if (typeof value !== 'string') throw new Error(`${where}: policy is not serialised JSON`);
  return JSON.parse(value) as PolicyDocument;
}

/** The stacks every IAM check runs against. */
export const STACKS = ['dev', 'staging', 'prod'] as const;

/** Runs the program for a stack under the mocks, as `test/infra/pipeline.infra.spec.ts` does. */
export async function deployStack(stack: string): Promise<DeployedStack> {
  const config = loadStackConfigFile(stack);
  const resources = await installMocks(stack);
  // Imported after setMocks so every resource registers against the mock monitor.
  const { createPipeline } = await import('../../pulumi/pipeline.js');
  createPipeline(config, { bundler: stubBundler() });
  await waitForRegistrations();
  return new DeployedStack(stack, config, resources);
}

/** Every stack, deployed one after the other (the mocks are process-wide). */
export async function deployAllStacks(): Promise<DeployedStack[]> {
  const deployed: DeployedStack[] = [];
  for (const stack of STACKS) deployed.push(await deployStack(stack));
  return deployed;
}
