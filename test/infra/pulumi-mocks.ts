/** Pulumi unit-test mocks that record every registered resource, so tests can find them by type and name. */
import { createHash } from 'node:crypto';
import * as pulumi from '@pulumi/pulumi';
import type { BundledHandler, HandlerBundler, HandlerSource } from '../../pulumi/handler-bundle.js';

export const ACCOUNT_ID = '123456789012';
export const REGION = 'us-east-1';

/** One `registerResource` call as the engine saw it, with the state the mock provider answered. */
export interface RecordedResource {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, unknown>;
  readonly custom: boolean;
  /** The provider's id (as AWS's provider sets it: a name, an ARN or a URL depending on the type). */
  readonly id: string;
  /** Outputs: the inputs plus what AWS computes (`arn`, auto-names, ids). */
  readonly state: Record<string, unknown>;
}

/** Deterministic hex derived from a resource's type and logical name (the provider draws it at random). */
function hexOf(type: string, name: string, length: number): string {
  return createHash('sha256').update(`${type}::${name}`).digest('hex').slice(0, length);
}

/**
 * The provider's auto-name: `<logical name>-<7 random hex>` when the program sets no name.
 * https://www.pulumi.com/docs/iac/concepts/resources/names/#autonaming
 */
export function autoName(type: string, name: string): string {
  return `${name}-${hexOf(type, name, 7)}`;
}

/** A KMS key id is a UUID. */
function keyUuid(name: string): string {
  const h = hexOf('aws:kms/key:Key', name, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Secrets Manager appends a hyphen and 6 random characters to a secret's name in its ARN. */
function secretSuffix(name: string): string {
  return Buffer.from(hexOf('secret', name, 12), 'hex')
    .toString('base64url')
    .slice(0, 6);
}

/** An API Gateway id: 10 lower-case alphanumerics. */
function apiId(name: string): string {
  return BigInt(`0x${hexOf('api', name, 16)}`)
    .toString(36)
    .padStart(10, '0')
    .slice(0, 10);
}

const A = `${REGION}:${ACCOUNT_ID}`;

/** What a type's provider computes: id, `arn` and auto-named properties. */
type StateRule = (name: string, inputs: Record<string, unknown>, type: string) => Record<string, unknown>;

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Physical name: the program's `name`, else the auto-name. */
const nameOf = (name: string, inputs: Record<string, unknown>, type: string) =>
  str(inputs.name) ?? autoName(type, name);

/**
 * Real ARN formats per resource type, from the Service Authorization Reference
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html)
 * and ids as terraform-provider-aws sets them. `test/iam/mock-arns.iam.spec.ts` checks each against the reference.
 */
const STATE_RULES: Record<string, StateRule> = {
  'aws:kinesis/stream:Stream': (n, i, t) => {
    const name = nameOf(n, i, t);
    const arn = `arn:aws:kinesis:${A}:stream/${name}`;
    return { id: arn, name, arn };
  },
  'aws:kinesis/streamConsumer:StreamConsumer': (n, i, t) => {
    const name = nameOf(n, i, t);
    // Consumers are named by registration time (epoch seconds) as well as name.
    const arn = `${str(i.streamArn)}/consumer/${name}:1767225600`;
    return { id: arn, name, arn, creationTimestamp: '2026-01-01T00:00:00Z' };
  },
  'aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream': (n, i, t) => {
    const name = nameOf(n, i, t);
    const arn = `arn:aws:firehose:${A}:deliverystream/${name}`;
    return { id: arn, name, arn };
  },
  'aws:dynamodb/table:Table': (n, i, t) => {
    const name = nameOf(n, i, t);
    return { id: name, name, arn: `arn:aws:dynamodb:${A}:table/${name}` };
  },
  'aws:s3/bucket:Bucket': (n, i, t) => {
    const bucket = str(i.bucket) ?? autoName(t, n);
    return {
      id: bucket,
      bucket,
      arn: `arn:aws:s3:::${bucket}`,
      bucketDomainName: `${bucket}.s3.amazonaws.com`,
    };
  },
  'aws:sqs/queue:Queue': (n, i, t) => {
    const name = nameOf(n, i, t);
    const url = `https://sqs.${REGION}.amazonaws.com/${ACCOUNT_ID}/${name}`;
    return { id: url, name, url, arn: `arn:aws:sqs:${A}:${name}` };
  },
  'aws:sqs/queuePolicy:QueuePolicy': (_n, i) => ({ id: str(i.queueUrl) }),
  'aws:sns/topic:Topic': (n, i, t) => {
    const name = nameOf(n, i, t);
    const arn = `arn:aws:sns:${A}:${name}`;
    return { id: arn, name, arn };
  },
  'aws:sns/topicSubscription:TopicSubscription': (n, i) => {
    const arn = `${str(i.topic)}:${keyUuid(n)}`;
    return { id: arn, arn };
  },
  'aws:lambda/function:Function': (n, i, t) => {
    const name = nameOf(n, i, t);
    const arn = `arn:aws:lambda:${A}:function:${name}`;
    return {
      id: name,
      name,
      arn,
      qualifiedArn: `${arn}:$LATEST`,
      invokeArn: `arn:aws:apigateway:${REGION}:lambda:path/2015-03-31/functions/${arn}/invocations`,
    };
  },
  'aws:lambda/eventSourceMapping:EventSourceMapping': (n) => {
    const uuid = keyUuid(`esm-${n}`);
    return { id: uuid, uuid, arn: `arn:aws:lambda:${A}:event-source-mapping:${uuid}` };
  },
  'aws:lambda/permission:Permission': (n, i) => ({ id: str(i.statementId) ?? autoName('statement', n) }),
  'aws:kms/key:Key': (n) => {
    const keyId = keyUuid(n);
    return { id: keyId, keyId, arn: `arn:aws:kms:${A}:key/${keyId}` };
  },
  'aws:kms/alias:Alias': (_n, i) => ({ id: str(i.name), arn: `arn:aws:kms:${A}:${str(i.name)}` }),
  // The provider strips the `:*` the API appends to a log group's ARN (see the `arn` output of
  // https://www.pulumi.com/registry/packages/aws/api-docs/cloudwatch/loggroup/).
  'aws:cloudwatch/logGroup:LogGroup': (n, i, t) => {
    const name = nameOf(n, i, t);
    return { id: name, name, arn: `arn:aws:logs:${A}:log-group:${name}` };
  },
  'aws:cloudwatch/logStream:LogStream': (n, i, t) => {
    const name = nameOf(n, i, t);
    return { id: name, name, arn: `arn:aws:logs:${A}:log-group:${str(i.logGroupName)}:log-stream:${name}` };
  },
  'aws:cloudwatch/eventBus:EventBus': (n, i, t) => {
    const name = nameOf(n, i, t);
    return { id: name, name, arn: `arn:aws:events:${A}:event-bus/${name}` };
  },
  'aws:cloudwatch/eventArchive:EventArchive': (n, i, t) => {
    const name = nameOf(n, i, t);
    return { id: name, name, arn: `arn:aws:events:${A}:archive/${name}` };
  },
  // A rule on a custom bus carries the bus name in its ARN and id; on the default bus it does not.
  'aws:cloudwatch/eventRule:EventRule': (n, i, t) => {
    const name = nameOf(n, i, t);
    const bus = str(i.eventBusName);
    const path = bus === undefined || bus === 'default' ? name : `${bus}/${name}`;
    return { id: path, name, arn: `arn:aws:events:${A}:rule/${path}` };
  },
  'aws:cloudwatch/eventTarget:EventTarget': (n, i) => ({
    id: `${str(i.rule)}-${str(i.targetId) ?? autoName('target', n)}`,
  }),
  'aws:cloudwatch/metricAlarm:MetricAlarm': (n, i, t) => {
    const name = nameOf(n, i, t);
    return { id: name, name, arn: `arn:aws:cloudwatch:${A}:alarm:${name}` };
  },
  'aws:cloudwatch/dashboard:Dashboard': (n, i, t) => {
    const dashboardName = str(i.dashboardName) ?? autoName(t, n);
    return {
      id: dashboardName,
      dashboardName,
      dashboardArn: `arn:aws:cloudwatch::${ACCOUNT_ID}:dashboard/${dashboardName}`,
    };
  },
  'aws:pipes/pipe:Pipe': (n, i, t) => {
    const name = nameOf(n, i, t);
    return { id: name, name, arn: `arn:aws:pipes:${A}:pipe/${name}` };
  },
  'aws:sfn/stateMachine:StateMachine': (n, i, t) => {
    const name = nameOf(n, i, t);
    const arn = `arn:aws:states:${A}:stateMachine:${name}`;
    return { id: arn, name, arn };
  },
  'aws:secretsmanager/secret:Secret': (n, i, t) => {
    const name = nameOf(n, i, t);
    const arn = `arn:aws:secretsmanager:${A}:secret:${name}-${secretSuffix(name)}`;
    return { id: arn, name, arn };
  },
  'aws:secretsmanager/secretVersion:SecretVersion': (n, i) => {
    const versionId = keyUuid(`version-${n}`);
    return { id: `${str(i.secretId)}|${versionId}`, arn: str(i.secretId), versionId };
  },
  'aws:iam/role:Role': (n, i, t) => {
    const name = nameOf(n, i, t);
    return {
      id: name,
      name,
      arn: `arn:aws:iam::${ACCOUNT_ID}:role/${name}`,
      uniqueId: `AROA${hexOf(t, n, 17)}`,
    };
  },
  'aws:iam/rolePolicy:RolePolicy': (n, i, t) => {
    const name = nameOf(n, i, t);
    return { id: `${str(i.role)}:${name}`, name };
  },
  'aws:apigatewayv2/api:Api': (n, i, t) => {
    const id = apiId(n);
    return {
      id,
      name: nameOf(n, i, t),
      arn: `arn:aws:apigateway:${REGION}::/apis/${id}`,
      apiEndpoint: `https://${id}.execute-api.${REGION}.amazonaws.com`,
      executionArn: `arn:aws:execute-api:${A}:${id}`,
    };
  },
  'aws:apigatewayv2/integration:Integration': (n) => ({ id: apiId(`integration-${n}`).slice(0, 7) }),
  'aws:apigatewayv2/route:Route': (n) => ({ id: apiId(`route-${n}`).slice(0, 7) }),
  'aws:apigatewayv2/stage:Stage': (_n, i) => {
    const api = str(i.apiId);
    const name = str(i.name) ?? '$default';
    return {
      id: name,
      arn: `arn:aws:apigateway:${REGION}::/apis/${api}/stages/${name}`,
      executionArn: `arn:aws:execute-api:${A}:${api}/${name}`,
      invokeUrl: `https://${api}.execute-api.${REGION}.amazonaws.com/`,
    };
  },
};

/** Bucket sub-resources are identified by their bucket. */
const BUCKET_PARTS = [
  'aws:s3/bucketOwnershipControls:BucketOwnershipControls',
  'aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock',
  'aws:s3/bucketVersioning:BucketVersioning',
  'aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration',
  'aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration',
  'aws:s3/bucketPolicy:BucketPolicy',
];
for (const type of BUCKET_PARTS) STATE_RULES[type] = (_n, i) => ({ id: str(i.bucket) });
// A Pulumi dynamic resource (the IAM propagation wait): its provider picks the id; it has no ARN.
STATE_RULES['pulumi-nodejs:dynamic:Resource'] = (n, _i, t) => ({ id: hexOf(t, n, 32) });

/** Custom resource types the mocks model; a new type in the program must be added here with its real formats. */
export const MODELLED_TYPES: readonly string[] = Object.keys(STATE_RULES);

/** Outputs a provider would compute, derived from the inputs so that wiring stays traceable. */
function fakeState(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  custom: boolean,
): { id: string; state: Record<string, unknown> } {
  if (!custom) return { id: name, state: { ...inputs } };
  const rule = STATE_RULES[type];
  if (rule === undefined) {
    throw new Error(`pulumi-mocks: no ARN/id model for ${type} (add its real formats to STATE_RULES)`);
  }
  const { id, ...computed } = rule(name, inputs, type);
  if (typeof id !== 'string') throw new Error(`pulumi-mocks: ${type} ${name} has no id`);
  return { id, state: { ...inputs, ...computed } };
}

/** Installs mocks for one stack and returns the live list of recorded resources. */
export async function installMocks(stack: string): Promise<RecordedResource[]> {
  const recorded: RecordedResource[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const custom = args.custom ?? false;
        const { id, state } = fakeState(args.type, args.name, args.inputs, custom);
        recorded.push({ type: args.type, name: args.name, inputs: args.inputs, custom, id, state });
        return { id, state };
      },
      call(args) {
        switch (args.token) {
          case 'aws:index/getCallerIdentity:getCallerIdentity':
            return {
              accountId: ACCOUNT_ID,
              arn: `arn:aws:iam::${ACCOUNT_ID}:user/test`,
              userId: 'test',
              id: ACCOUNT_ID,
            };
          case 'aws:index/getPartition:getPartition':
            return { partition: 'aws', dnsSuffix: 'amazonaws.com', id: 'aws' };
          case 'aws:index/getRegion:getRegion':
            return { region: REGION, name: REGION, id: REGION };
          default:
            throw new Error(`unmocked call ${args.token}`);
        }
      },
    },
    'ordered-event-pipeline',
    stack,
    false,
  );
  return recorded;
}

/** A bundler that records which entries the program asked for and returns a tiny module. */
export function stubBundler(): HandlerBundler & { readonly entries: HandlerSource[] } {
  const entries: HandlerSource[] = [];
  const bundler = (source: HandlerSource): BundledHandler => {
    entries.push(source);
    return {
      archive: new pulumi.asset.AssetArchive({
        'index.mjs': new pulumi.asset.StringAsset('export const handler = async () => ({});'),
      }),
      handler: 'index.handler',
      sha256: 'a'.repeat(64),
    };
  };
  return Object.assign(bundler, { entries });
}

/** Resources of one type. */
export function ofType(resources: readonly RecordedResource[], type: string): RecordedResource[] {
  return resources.filter((r) => r.type === type);
}

/** The one resource of a type and logical name; throws when missing so the failure says what. */
export function named(resources: readonly RecordedResource[], type: string, name: string): RecordedResource {
  const found = resources.find((r) => r.type === type && r.name === name);
  if (found === undefined) {
    const names = ofType(resources, type).map((r) => r.name);
    throw new Error(`no ${type} named ${name}; have: ${names.join(', ')}`);
  }
  return found;
}

/** A string output of a recorded resource (`arn`, `name`, `bucket`…); throws when the provider sets none. */
export function output(resource: RecordedResource, key: string): string {
  const value = resource.state[key];
  if (typeof value !== 'string') throw new Error(`${resource.type} ${resource.name} has no output ${key}`);
  return value;
}

/** Parses a policy input that the program serialised with JSON.stringify. */
export function parsePolicy(value: unknown): {
  Statement: { Effect: string; Action: string[]; Resource?: string[]; Condition?: unknown }[];
} {
  if (typeof value !== 'string') throw new Error(`policy is not a string: ${JSON.stringify(value)}`);
  return JSON.parse(value);
}

/** Resolves an Output (tests must await these, or failures inside apply are lost). */
export function resolve<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((ok) => output.apply((v) => ok(v)));
}

/**
 * Waits until every resource registration has reached the mocks. `waitForRPCs` is exported by the
 * runtime but marked internal in its typings, hence the narrow cast.
 */
export async function waitForRegistrations(): Promise<void> {
  const runtime = pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> };
  if (typeof runtime.waitForRPCs !== 'function')
    throw new Error('@pulumi/pulumi no longer exports waitForRPCs');
  await runtime.waitForRPCs();
}
