import { describe, expect, it } from 'vitest';
import { lambdaPermissionScoped, resourcePoliciesScoped, TYPES } from '../../policy/policies.js';
import {
  dataKeyPolicy,
  denyInsecureTransportPolicy,
  queueFromRulesPolicy,
} from '../../pulumi/iam-policies.js';
import { UNKNOWN_VALUE, violations } from './policy-harness.js';

const ACCOUNT = '123456789012';
const QUEUE_ARN = `arn:aws:sqs:us-east-1:${ACCOUNT}:consumer-1a2b3c`;
const RULE_ARN = `arn:aws:events:us-east-1:${ACCOUNT}:rule/ordered-events-dev/orders-to-consumer`;
const BUCKET_ARN = 'arn:aws:s3:::archive-7f3a9c1';

function doc(...statements: Record<string, unknown>[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

/** The resource policies as the program writes them: its own builders, so the pack is judged on what it deploys. */
const programPolicies = {
  queueFromRules: JSON.stringify(queueFromRulesPolicy(QUEUE_ARN, [RULE_ARN])),
  tlsOnly: JSON.stringify(denyInsecureTransportPolicy(BUCKET_ARN)),
  dataKey: JSON.stringify(dataKeyPolicy('aws', ACCOUNT)),
};

describe('resource-policy-scoped', () => {
  it.each([
    [
      TYPES.queuePolicy,
      {
        queueUrl: `https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/consumer-1a2b3c`,
        policy: programPolicies.queueFromRules,
      },
    ],
    [TYPES.bucketPolicy, { bucket: 'archive-7f3a9c1', policy: programPolicies.tlsOnly }],
    [TYPES.kmsKey, { enableKeyRotation: true, deletionWindowInDays: 30, policy: programPolicies.dataKey }],
  ])('accepts the %s the program writes', async (type, props) => {
    expect(await violations(resourcePoliciesScoped, type, props)).toEqual([]);
  });

  const publicRead = { Effect: 'Allow', Action: ['s3:GetObject'], Resource: [`${BUCKET_ARN}/*`] };

  it.each([
    ['Principal "*"', { ...publicRead, Principal: '*' }],
    ['Principal { AWS: "*" }', { ...publicRead, Principal: { AWS: '*' } }],
    [
      'Principal { AWS: ["*"] }',
      { ...publicRead, Principal: { AWS: ['*', `arn:aws:iam::${ACCOUNT}:root`] } },
    ],
    ['a NotPrincipal', { ...publicRead, NotPrincipal: { AWS: `arn:aws:iam::${ACCOUNT}:root` } }],
    [
      'a condition that does not restrict the caller',
      { ...publicRead, Principal: '*', Condition: { Bool: { 'aws:SecureTransport': 'true' } } },
    ],
    [
      'a caller condition that matches anyone',
      { ...publicRead, Principal: '*', Condition: { StringLike: { 'aws:PrincipalAccount': '*' } } },
    ],
  ])('reports an Allow to everyone with %s', async (_, statement) => {
    const reported = await violations(resourcePoliciesScoped, TYPES.bucketPolicy, {
      bucket: 'archive-7f3a9c1',
      policy: doc(statement),
    });
    expect(reported).toEqual([expect.stringMatching(/^allows s3:GetObject to every principal/)]);
  });

  it('accepts an Allow to everyone tied to an organisation, an account or a VPC endpoint', async () => {
    for (const condition of [
      { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
      { StringEquals: { 'AWS:PrincipalAccount': ACCOUNT } },
      { StringEquals: { 'aws:SourceVpce': 'vpce-0a1b2c3d4e5f67890' } },
      { StringEquals: { 'kms:CallerAccount': ACCOUNT, 'kms:ViaService': 'sqs.us-east-1.amazonaws.com' } },
    ]) {
      const policy = doc({ ...publicRead, Principal: '*', Condition: condition });
      expect(await violations(resourcePoliciesScoped, TYPES.bucketPolicy, { policy })).toEqual([]);
    }
  });

  it.each([
    [TYPES.queuePolicy, 'events.amazonaws.com', 'sqs:SendMessage', QUEUE_ARN],
    [TYPES.queue, 'sns.amazonaws.com', 'sqs:SendMessage', QUEUE_ARN],
    [TYPES.topicPolicy, 'cloudwatch.amazonaws.com', 'sns:Publish', `arn:aws:sns:us-east-1:${ACCOUNT}:alarms`],
    [TYPES.topic, 's3.amazonaws.com', 'sns:Publish', `arn:aws:sns:us-east-1:${ACCOUNT}:alarms`],
    [TYPES.kmsKeyPolicy, 'logs.us-east-1.amazonaws.com', 'kms:Decrypt', '*'],
    [TYPES.bucket, 'delivery.logs.amazonaws.com', 's3:PutObject', `${BUCKET_ARN}/*`],
  ])('reports %s granting to %s without a source condition', async (type, service, action, resource) => {
    const policy = doc({
      Effect: 'Allow',
      Principal: { Service: service },
      Action: [action],
      Resource: [resource],
    });
    expect(await violations(resourcePoliciesScoped, type, { policy })).toEqual([
      `allows ${action} to ${service} without an aws:SourceArn or aws:SourceAccount condition`,
    ]);
  });

  it('accepts a service grant scoped by aws:SourceArn, aws:SourceAccount or aws:SourceOrgID', async () => {
    for (const condition of [
      { ArnLike: { 'aws:SourceArn': RULE_ARN } },
      { StringEquals: { 'aws:SourceAccount': ACCOUNT } },
      { StringEquals: { 'aws:SourceOrgID': 'o-a1b2c3d4e5' } },
    ]) {
      const policy = doc({
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: ['sqs:SendMessage'],
        Resource: [QUEUE_ARN],
        Condition: condition,
      });
      expect(await violations(resourcePoliciesScoped, TYPES.queuePolicy, { policy })).toEqual([]);
    }
  });

  it('ignores resources without a policy and leaves an unknown one to @pulumi/policy', async () => {
    expect(await violations(resourcePoliciesScoped, TYPES.queue, { sqsManagedSseEnabled: true })).toEqual([]);
    expect(
      await violations(resourcePoliciesScoped, TYPES.rolePolicy, {
        policy: doc({ Effect: 'Allow', Principal: '*', Action: ['s3:GetObject'], Resource: ['*'] }),
      }),
    ).toEqual([]);
    await expect(
      violations(resourcePoliciesScoped, TYPES.queuePolicy, { policy: UNKNOWN_VALUE }),
    ).rejects.toThrow(/can't be known during preview/);
  });
});

describe('lambda-permission-scoped', () => {
  const base = { action: 'lambda:InvokeFunction', function: 'stalled-check-9d8c7b6' };

  it.each([
    [
      'events.amazonaws.com',
      { sourceArn: `arn:aws:events:us-east-1:${ACCOUNT}:rule/stalled-check-schedule` },
    ],
    ['apigateway.amazonaws.com', { sourceArn: `arn:aws:execute-api:us-east-1:${ACCOUNT}:a1b2c3d4e5/*/*` }],
    ['s3.amazonaws.com', { sourceArn: BUCKET_ARN, sourceAccount: ACCOUNT }],
    ['events.amazonaws.com', { sourceArn: UNKNOWN_VALUE }],
    [ACCOUNT, {}],
    ['*', { principalOrgId: 'o-a1b2c3d4e5' }],
  ])('accepts principal %s with %j', async (principal, source) => {
    expect(
      await violations(lambdaPermissionScoped, TYPES.lambdaPermission, { ...base, principal, ...source }),
    ).toEqual([]);
  });

  it.each([
    ['events.amazonaws.com', {}, /^principal events\.amazonaws\.com has no sourceArn/],
    ['s3.amazonaws.com', { sourceAccount: ACCOUNT }, /^principal s3\.amazonaws\.com has no sourceArn/],
    ['sns.amazonaws.com.cn', {}, /has no sourceArn/],
    ['*', {}, /^principal "\*" with no sourceArn/],
  ])('reports principal %s with %j', async (principal, source, message) => {
    expect(
      await violations(lambdaPermissionScoped, TYPES.lambdaPermission, { ...base, principal, ...source }),
    ).toEqual([expect.stringMatching(message)]);
  });
});
