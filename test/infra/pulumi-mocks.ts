/** Pulumi unit-test mocks that record every registered resource, so tests can find them by type and name. */
import * as pulumi from '@pulumi/pulumi';
import type { BundledHandler, HandlerBundler, HandlerSource } from '../../pulumi/handler-bundle.js';

export const ACCOUNT_ID = '123456789012';
export const REGION = 'us-east-1';

/** One `registerResource` call as the engine saw it. */
export interface RecordedResource {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, unknown>;
  readonly custom: boolean;
}

/** The module of a type token, e.g. `aws:kinesis/stream:Stream` → `kinesis`. */
function serviceOf(type: string): string {
  return type.split(':')[1]?.split('/')[0] ?? 'unknown';
}

/** Outputs a provider would compute, derived from the inputs so that wiring stays traceable. */
function fakeState(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  const physical = typeof inputs.name === 'string' ? inputs.name : `${name}-physical`;
  const service = serviceOf(type);
  const arn =
    type === 'aws:s3/bucket:Bucket'
      ? `arn:aws:s3:::${name}-bucket`
      : `arn:aws:${service}:${REGION}:${ACCOUNT_ID}:${type.split(':')[2]?.toLowerCase()}/${physical}`;
  return {
    ...inputs,
    name: physical,
    arn,
    id: `${name}-id`,
    bucket: `${name}-bucket`,
    keyId: `${name}-key-id`,
    url: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT_ID}/${physical}`,
    apiEndpoint: `https://${name}.execute-api.${REGION}.amazonaws.com`,
    executionArn: `arn:aws:execute-api:${REGION}:${ACCOUNT_ID}:${name}`,
    invokeArn: `arn:aws:apigateway:${REGION}:lambda:path/functions/${arn}/invocations`,
    uuid: `${name}-uuid`,
  };
}

/** Installs mocks for one stack and returns the live list of recorded resources. */
export async function installMocks(stack: string): Promise<RecordedResource[]> {
  const recorded: RecordedResource[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        recorded.push({
          type: args.type,
          name: args.name,
          inputs: args.inputs,
          custom: args.custom ?? false,
        });
        return { id: `${args.name}-id`, state: fakeState(args.type, args.name, args.inputs) };
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

/** Parses a policy input that the program serialised with JSON.stringify. */
export function parsePolicy(value: unknown): {
  Statement: { Effect: string; Action: string[]; Resource?: string[] }[];
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
