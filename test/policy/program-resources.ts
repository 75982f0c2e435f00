/**
 * The Pulumi program of one stack under Pulumi's unit-test mocks, its resources handed back the way the
 * policy engine hands them to stack policies: `props` are the resource's state (inputs plus what the
 * provider computes). The mocks know nothing of dependencies, so `propertyDependencies` stay empty and
 * stack policies have to find related resources by value, as they do after an update.
 */
import type { PolicyResource } from '@pulumi/policy';
import * as pulumi from '@pulumi/pulumi';
import type { PipelineConfig } from '../../config/config-schema.js';
import { ACCOUNT_ID, REGION, stubBundler, waitForRegistrations } from '../infra/pulumi-mocks.js';

/**
 * What a provider computes, derived from the inputs like test/infra/pulumi-mocks.ts does, except that
 * inputs win: a bucket policy's `bucket` stays the bucket it protects.
 */
function providerState(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  const physical = typeof inputs.name === 'string' ? inputs.name : `${name}-physical`;
  const service = type.split(':')[1]?.split('/')[0] ?? 'unknown';
  const computed =
    type === 'aws:s3/bucket:Bucket'
      ? { bucket: `${name}-bucket`, arn: `arn:aws:s3:::${name}-bucket` }
      : {
          arn: `arn:aws:${service}:${REGION}:${ACCOUNT_ID}:${type.split(':')[2]?.toLowerCase()}/${physical}`,
        };
  return {
    ...computed,
    name: physical,
    keyId: `${name}-key-id`,
    url: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT_ID}/${physical}`,
    apiEndpoint: `https://${name}.execute-api.${REGION}.amazonaws.com`,
    executionArn: `arn:aws:execute-api:${REGION}:${ACCOUNT_ID}:${name}`,
    invokeArn: `arn:aws:apigateway:${REGION}:lambda:path/functions/${computed.arn}/invocations`,
    ...inputs,
    id: `${name}-id`,
  };
}

/** Runs `createPipeline(config)` under mocks for `stack` and returns its custom resources. */
export async function programResources(stack: string, config: PipelineConfig): Promise<PolicyResource[]> {
  const resources: PolicyResource[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const state = providerState(args.type, args.name, args.inputs);
        if (args.custom !== false) {
          resources.push({
            type: args.type,
            name: args.name,
            urn: `urn:pulumi:${stack}::ordered-event-pipeline::${args.type}::${args.name}`,
            props: state,
            opts: {
              protect: false,
              ignoreChanges: [],
              aliases: [],
              customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
              additionalSecretOutputs: [],
            },
            dependencies: [],
            propertyDependencies: {},
            isType: () => false,
            asType: () => undefined,
          });
        }
        return { id: `${args.name}-id`, state };
      },
      call(args) {
        switch (args.token) {
          case 'aws:index/getCallerIdentity:getCallerIdentity':
            return { accountId: ACCOUNT_ID, arn: `arn:aws:iam::${ACCOUNT_ID}:user/test`, userId: 'test' };
          case 'aws:index/getPartition:getPartition':
            return { partition: 'aws', dnsSuffix: 'amazonaws.com' };
          case 'aws:index/getRegion:getRegion':
            return { region: REGION, name: REGION };
          default:
            throw new Error(`unmocked call ${args.token}`);
        }
      },
    },
    'ordered-event-pipeline',
    stack,
    false,
  );
  // Imported after setMocks so every resource registers against the mock monitor.
  const { createPipeline } = await import('../../pulumi/pipeline.js');
  createPipeline(config, { bundler: stubBundler() });
  await waitForRegistrations();
  return resources;
}
