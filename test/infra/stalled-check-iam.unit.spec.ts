/**
 * The stalled check's role, run through an IAM policy evaluator: a DynamoDB index is its own resource
 * (`<tableArn>/index/<name>`, https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazondynamodb.html),
 * so the role can scan the sparse gap index without being able to scan the table.
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { describe, expect, it } from 'vitest';
import { policyDocument, stalledCheckStatements } from '../../pulumi/iam-policies.js';

const account = '123456789012';
const tableArn = `arn:aws:dynamodb:us-east-1:${account}:table/aggregates`;
const policy = policyDocument(
  ...stalledCheckStatements({
    tableArn,
    gapIndexArn: `${tableArn}/index/gaps`,
    dataKeyArn: `arn:aws:kms:us-east-1:${account}:key/k`,
  }),
);

async function decide(action: string, resource: string): Promise<string> {
  const result = await runSimulation(
    {
      request: {
        principal: `arn:aws:iam::${account}:role/stalled-check`,
        action,
        resource: { resource, accountId: account },
        contextVariables: {},
      },
      identityPolicies: [{ name: 'stalled-check', policy }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  if (result.resultType === 'error') throw new Error(JSON.stringify(result.errors));
  return result.overallResult;
}

describe('Stalled check role', () => {
  it('may scan the gap index and read snapshots by key, but not scan or query the table', async () => {
    expect(await decide('dynamodb:Scan', `${tableArn}/index/gaps`)).toBe('Allowed');
    expect(await decide('dynamodb:BatchGetItem', tableArn)).toBe('Allowed');
    expect(await decide('dynamodb:Scan', tableArn)).not.toBe('Allowed');
    expect(await decide('dynamodb:Query', tableArn)).not.toBe('Allowed');
    expect(await decide('dynamodb:PutItem', tableArn)).not.toBe('Allowed');
  });
});
