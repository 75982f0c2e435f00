import { describe, expect, it } from 'vitest';
import { noManagedPolicyAttachments, noWildcardIam, TYPES } from '../../policy/policies.js';
import { UNKNOWN_VALUE, violations } from './policy-harness.js';

const ACCOUNT = '123456789012';
const BASIC_EXECUTION = 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';

/** A policy document as the program passes it: JSON text. */
function doc(...statements: Record<string, unknown>[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

describe('iam-no-wildcards: wildcard-like resource ARNs', () => {
  it.each([
    ['s3:GetObject', 'arn:aws:s3:::*'],
    ['dynamodb:GetItem', 'arn:aws:dynamodb:*:*:table/*'],
    ['dynamodb:PutItem', `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/*`],
    ['sqs:SendMessage', `arn:aws:sqs:us-east-1:${ACCOUNT}:*`],
    ['kinesis:PutRecords', 'arn:aws:kinesis:*:*:*'],
    ['kms:Decrypt', `arn:aws:kms:us-east-1:${ACCOUNT}:key/*`],
  ])('reports %s on %s', async (action, resource) => {
    const reported = await violations(noWildcardIam, TYPES.rolePolicy, {
      name: 'processor-policy',
      role: 'processor-role-3f2a1b0',
      policy: doc({ Effect: 'Allow', Action: [action], Resource: [resource] }),
    });
    expect(reported).toEqual([expect.stringContaining(`allows ${action} on "${resource}", which`)]);
  });

  it('reads standalone, user and group policies and role inline policies', async () => {
    const wild = doc({ Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::*'] });
    for (const type of [TYPES.policy, TYPES.userPolicy, TYPES.groupPolicy]) {
      expect(await violations(noWildcardIam, type, { policy: wild })).toHaveLength(1);
    }
    const role = { assumeRolePolicy: doc(), inlinePolicies: [{ name: 'inline', policy: wild }] };
    expect(await violations(noWildcardIam, TYPES.role, role)).toHaveLength(1);
  });

  it('accepts the ARNs the program grants on, sub-resource wildcards included', async () => {
    const policy = doc(
      { Effect: 'Allow', Action: ['s3:PutObject'], Resource: ['arn:aws:s3:::dead-letters-1a2b3c/*'] },
      { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: ['arn:aws:s3:::dead-letters-1a2b3c'] },
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: [
          `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/processor`,
          `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/processor:*`,
        ],
      },
      {
        Effect: 'Allow',
        Action: ['states:DescribeExecution', 'states:StopExecution'],
        Resource: [`arn:aws:states:us-east-1:${ACCOUNT}:execution:backfill-4d5e6f/*`],
      },
      {
        Effect: 'Allow',
        Action: ['lambda:InvokeFunction'],
        Resource: [
          `arn:aws:lambda:us-east-1:${ACCOUNT}:function:replay-7a8b9c`,
          `arn:aws:lambda:us-east-1:${ACCOUNT}:function:replay-7a8b9c:*`,
        ],
      },
    );
    expect(await violations(noWildcardIam, TYPES.rolePolicy, { policy })).toEqual([]);
  });

  it('ignores wildcard-like ARNs in Deny statements', async () => {
    const policy = doc({ Effect: 'Deny', Action: ['s3:DeleteBucket'], Resource: ['arn:aws:s3:::*'] });
    expect(await violations(noWildcardIam, TYPES.rolePolicy, { policy })).toEqual([]);
  });
});

describe('iam-no-managed-policy-attachments', () => {
  it.each([
    [TYPES.rolePolicyAttachment, { role: 'processor-role-3f2a1b0', policyArn: BASIC_EXECUTION }],
    [
      TYPES.userPolicyAttachment,
      { user: 'deployer', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
    ],
    [
      TYPES.groupPolicyAttachment,
      { group: 'operators', policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
    ],
    [
      TYPES.policyAttachment,
      { name: 'basic-execution', roles: ['processor-role-3f2a1b0'], policyArn: BASIC_EXECUTION },
    ],
    [
      TYPES.rolePolicyAttachmentsExclusive,
      { roleName: 'processor-role-3f2a1b0', policyArns: [BASIC_EXECUTION] },
    ],
    [TYPES.userPolicyAttachmentsExclusive, { userName: 'deployer', policyArns: [BASIC_EXECUTION] }],
    [TYPES.groupPolicyAttachmentsExclusive, { groupName: 'operators', policyArns: [BASIC_EXECUTION] }],
  ])('reports %s', async (type, props) => {
    expect(await violations(noManagedPolicyAttachments, type, props)).toEqual([
      expect.stringMatching(/^attaches managed policy arn:aws:iam::aws:policy\/.+; put the statements/),
    ]);
  });

  it("reports a role's managedPolicyArns", async () => {
    const role = {
      assumeRolePolicy: doc({
        Effect: 'Allow',
        Principal: { Service: 'lambda.amazonaws.com' },
        Action: ['sts:AssumeRole'],
      }),
      managedPolicyArns: [BASIC_EXECUTION],
    };
    expect(await violations(noManagedPolicyAttachments, TYPES.role, role)).toEqual([
      expect.stringContaining(`managedPolicyArns attaches ${BASIC_EXECUTION}`),
    ]);
  });

  it('reports an attachment whose policy ARN is unknown during preview (a policy being created)', async () => {
    expect(
      await violations(noManagedPolicyAttachments, TYPES.rolePolicyAttachment, {
        role: UNKNOWN_VALUE,
        policyArn: UNKNOWN_VALUE,
      }),
    ).toEqual([expect.stringContaining('known after the update')]);
  });

  it('accepts a role with only its inline policy, an empty managedPolicyArns and an empty exclusive set', async () => {
    const assumeRolePolicy = doc({
      Effect: 'Allow',
      Principal: { Service: 'lambda.amazonaws.com' },
      Action: ['sts:AssumeRole'],
    });
    expect(await violations(noManagedPolicyAttachments, TYPES.role, { assumeRolePolicy })).toEqual([]);
    expect(
      await violations(noManagedPolicyAttachments, TYPES.role, { assumeRolePolicy, managedPolicyArns: [] }),
    ).toEqual([]);
    expect(
      await violations(noManagedPolicyAttachments, TYPES.rolePolicyAttachmentsExclusive, {
        roleName: 'processor-role-3f2a1b0',
        policyArns: [],
      }),
    ).toEqual([]);
    expect(
      await violations(noManagedPolicyAttachments, TYPES.rolePolicy, {
        role: 'processor-role-3f2a1b0',
        policy: doc(),
      }),
    ).toEqual([]);
  });
});
