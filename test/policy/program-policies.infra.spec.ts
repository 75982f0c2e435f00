/**
 * The stack policies of the pack against the real program, for the three shipped stacks: no mandatory
 * violation, and the advisory ones that are expected. (Resource policies run over every resource in
 * test/infra/pipeline.infra.spec.ts.)
 */
import type { PolicyResource, StackValidationPolicy } from '@pulumi/policy';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadStackConfigFile } from '../../config/stack-config-file.js';
import { pipelinePolicies, TYPES } from '../../policy/policies.js';
import { stackValidationArgs } from './policy-harness.js';
import { programResources } from './program-resources.js';

const stackPolicies = pipelinePolicies.filter((p): p is StackValidationPolicy => 'validateStack' in p);

/** Every stack policy's violations, as `policy level: message`. */
async function stackViolations(resources: PolicyResource[]): Promise<string[]> {
  const reported: string[] = [];
  const args = stackValidationArgs(resources);
  for (const policy of stackPolicies) {
    await policy.validateStack(args, (message) =>
      reported.push(`${policy.name} ${policy.enforcementLevel}: ${message}`),
    );
  }
  return reported;
}

describe.each(['dev', 'staging', 'prod'])('stack policies on the program, stack %s', (stack) => {
  let resources: PolicyResource[];

  beforeAll(async () => {
    resources = await programResources(stack, loadStackConfigFile(stack));
  });

  it('finds every bucket, bucket policy and alarm topic it judges', () => {
    // Guards the checks below against passing because they looked at nothing.
    expect(resources.filter((r) => r.type === TYPES.bucket).length).toBeGreaterThanOrEqual(2);
    expect(resources.filter((r) => r.type === TYPES.bucketPolicy)).toHaveLength(
      resources.filter((r) => r.type === TYPES.bucket).length,
    );
    expect(resources.filter((r) => r.type === TYPES.alarm).length).toBeGreaterThan(0);
  });

  it('passes every mandatory stack policy; only the alarm topic without a subscriber is advised', async () => {
    // No shipped stack sets alarms.notificationEmail, so nobody is subscribed to the alarm topic yet.
    expect(await stackViolations(resources)).toEqual([
      expect.stringMatching(
        /^alarm-topic-has-subscriber advisory: topic observability-alarms .*no subscription/,
      ),
    ]);
  });

  it('reports every bucket once its TLS-only bucket policy is gone', async () => {
    const buckets = resources.filter((r) => r.type === TYPES.bucket);
    const reported = await stackViolations(resources.filter((r) => r.type !== TYPES.bucketPolicy));
    expect(reported.filter((m) => m.startsWith('s3-bucket-tls-only mandatory'))).toHaveLength(buckets.length);
  });

  it('advises nothing once a subscription reads the alarm topic', async () => {
    const topic = resources.find((r) => r.type === TYPES.topic && r.name === 'observability-alarms');
    if (topic === undefined) throw new Error('no observability-alarms topic');
    // The subscription Observability adds for alarms.notificationEmail, referring to the topic by ARN.
    const subscription: PolicyResource = {
      ...topic,
      type: TYPES.topicSubscription,
      name: 'observability-email',
      urn: `${topic.urn}-email`,
      props: { topic: topic.props.arn, protocol: 'email', endpoint: 'ops@example.com' },
    };
    expect(await stackViolations([...resources, subscription])).toEqual([]);
  });
});
