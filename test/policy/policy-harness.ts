/**
 * Runs policies of the pack the way @pulumi/policy's server does, without the server: props go through
 * the same `unknownCheckingProxy`, so a property set to {@link UNKNOWN_VALUE} behaves as a value the engine
 * does not know yet during preview (reading it throws `UnknownValueError`).
 */
import {
  type PolicyResource,
  type ResourceValidationArgs,
  type ResourceValidationPolicy,
  type StackValidationArgs,
  type StackValidationPolicy,
  unknownCheckingProxy,
} from '@pulumi/policy';
import { runtime } from '@pulumi/pulumi';

/** The engine's marker of a value unknown during preview (an ARN or ID still to be created). */
export const UNKNOWN_VALUE: string = runtime.unknownValue;

export type Props = Record<string, unknown>;

const defaultOptions: ResourceValidationArgs['opts'] = {
  protect: false,
  ignoreChanges: [],
  aliases: [],
  customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
  additionalSecretOutputs: [],
};

function urnOf(type: string, name: string): string {
  return `urn:pulumi:dev::ordered-event-pipeline::${type}::${name}`;
}

/** Validation args of one resource, as the engine passes them to a resource policy. */
export function resourceArgs(type: string, props: Props, name = 'r'): ResourceValidationArgs {
  return {
    type,
    props: unknownCheckingProxy(props),
    urn: urnOf(type, name),
    name,
    opts: defaultOptions,
    stackTags: new Map(),
    isType: () => false,
    asType: () => undefined,
    getConfig: <T extends object>() => ({}) as T,
    notApplicable: () => {
      throw new Error('not applicable');
    },
  };
}

/** Runs a resource policy on one resource and returns the violations it reported. */
export async function violations(
  policy: ResourceValidationPolicy,
  type: string,
  props: Props,
): Promise<string[]> {
  const reported: string[] = [];
  for (const validate of [policy.validateResource ?? []].flat()) {
    await validate(resourceArgs(type, props), (message) => reported.push(message));
  }
  return reported;
}

/** A resource as a stack policy sees it; `dependsOn` maps a property to the resources it was built from. */
export function stackResource(
  type: string,
  name: string,
  props: Props,
  dependsOn: Record<string, PolicyResource[]> = {},
): PolicyResource {
  return {
    type,
    name,
    urn: urnOf(type, name),
    props: unknownCheckingProxy(props),
    opts: defaultOptions,
    dependencies: [...new Set(Object.values(dependsOn).flat())],
    propertyDependencies: dependsOn,
    isType: () => false,
    asType: () => undefined,
  };
}

/** An event source mapping that every policy of the pack accepts: tests break one property at a time. */
export const COMPLIANT_EVENT_SOURCE_MAPPING: Props = {
  eventSourceArn: 'arn:aws:kinesis:us-east-1:123456789012:stream/events',
  functionName: 'arn:aws:lambda:us-east-1:123456789012:function:processor',
  startingPosition: 'TRIM_HORIZON',
  functionResponseTypes: ['ReportBatchItemFailures'],
  bisectBatchOnFunctionError: true,
  parallelizationFactor: 4,
  maximumRetryAttempts: 10,
  destinationConfig: { onFailure: { destinationArn: 'arn:aws:s3:::dead-letters' } },
};

/** The arguments Pulumi's policy runner gives a stack policy: the resources, no stack tags, no config. */
export function stackValidationArgs(resources: PolicyResource[]): StackValidationArgs {
  return {
    resources,
    stackTags: new Map(),
    getConfig: <T extends object>() => ({}) as T,
    notApplicable: () => {
      throw new Error('not applicable');
    },
  };
}

/** Runs a stack policy and returns the violations it reported, as `message @ resource name`. */
export async function stackViolations(
  policy: StackValidationPolicy,
  resources: PolicyResource[],
): Promise<string[]> {
  const reported: string[] = [];
  await policy.validateStack(stackValidationArgs(resources), (message, urn) =>
    reported.push(`${message} @ ${resources.find((r) => r.urn === urn)?.name ?? urn}`),
  );
  return reported;
}
