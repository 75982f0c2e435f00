/**
 * The backfill state machine's role against ARNs in the forms Step Functions gives them, evaluated with IAM's own
 * matching rules (@cloud-copilot/iam-simulate):
 * - executions of the state machine: `arn:aws:states:<region>:<account>:execution:<name>:<execution>`, and the
 *   role's `states:DescribeExecution`/`StopExecution` on `execution:<name>:*`
 *   (https://docs.aws.amazon.com/step-functions/latest/dg/iam-policies-eg-dist-map.html);
 * - a Map Run's child executions: `execution:<name>/<map run label>:<id>`, which a redrive of the parent redrives
 *   (`states:RedriveExecution` on `execution:<name>/<label>:*`,
 *   https://docs.aws.amazon.com/step-functions/latest/dg/redrive-map-run.html);
 * - the Map Run itself: `mapRun:<name>/<label>:<id>`, e.g.
 *   `arn:aws:states:us-east-2:123456789012:mapRun:csvProcess/Map:ad9b5f27-090b-3ac6-9beb-243cd77144a7`
 *   (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html);
 * - ResultWriter's S3 and KMS permissions (IAM policies for ResultWriter, same page as the first).
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { describe, expect, it } from 'vitest';
import { backfillStateMachinePolicy, dataKeyPolicy } from '../../pulumi/iam-policies.js';

const ACCOUNT = '123456789012';
const NAME = 'ordered-event-pipeline-prod-backfill';
const states = (rest: string) => `arn:aws:states:us-east-1:${ACCOUNT}:${rest}`;
const policy = backfillStateMachinePolicy({
  functionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:backfill-replay-1a2b3c`,
  bucketArn: 'arn:aws:s3:::archive-bucket-7d1e',
  archivePrefix: 'events/',
  resultsPrefix: 'backfill-results/',
  dataKeyArn: `arn:aws:kms:us-east-1:${ACCOUNT}:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0`,
  stateMachineArn: states(`stateMachine:${NAME}`),
  executionArnPrefix: states(`execution:${NAME}`),
});

/** KMS needs the key policy too; the data key's lets IAM policies grant its use. */
const resourcePolicyOf = (resource: string) =>
  resource.startsWith('arn:aws:kms:') ? { resourcePolicy: dataKeyPolicy('aws', ACCOUNT) } : {};

async function decision(
  action: string,
  resource: string,
  contextVariables: Record<string, string> = {},
): Promise<string> {
  const result = await runSimulation(
    {
      request: {
        principal: `arn:aws:iam::${ACCOUNT}:role/backfill-sfn-role`,
        action,
        resource: { resource, accountId: ACCOUNT },
        contextVariables,
      },
      identityPolicies: [{ name: 'backfill-sfn-policy', policy }],
      ...resourcePolicyOf(resource),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  if (result.resultType === 'error') throw new Error(JSON.stringify(result.errors));
  return result.overallResult;
}

const EXECUTION = states(`execution:${NAME}:3f9b2c1e-8d7a-4e6f-9a0b-1c2d3e4f5a6b`);
const CHILD = states(`execution:${NAME}/ReplayObjects:9e8d7c6b-5a49-3827-1605-f4e3d2c1b0a9`);

describe('backfill state machine role: Distributed Map ARN forms', () => {
  it('starts child executions of its own state machine only', async () => {
    expect(await decision('states:StartExecution', states(`stateMachine:${NAME}`))).toBe('Allowed');
    expect(await decision('states:StartExecution', states(`stateMachine:${NAME}-other`))).toBe(
      'ImplicitlyDenied',
    );
  });

  it.each([
    ['an execution of the state machine', EXECUTION],
    ['a child execution of its Map Run', CHILD],
  ])('describes and stops %s', async (_what, arn) => {
    expect(await decision('states:DescribeExecution', arn)).toBe('Allowed');
    expect(await decision('states:StopExecution', arn)).toBe('Allowed');
  });

  it('redrives the child executions of its Map Runs', async () => {
    expect(await decision('states:RedriveExecution', CHILD)).toBe('Allowed');
  });

  it.each([
    ['a state machine whose name extends this one', states(`execution:${NAME}-2:3f9b2c1e`)],
    ['a child of such a state machine', states(`execution:${NAME}x/ReplayObjects:9e8d7c6b`)],
    ['another account', `arn:aws:states:us-east-1:210987654321:execution:${NAME}:3f9b2c1e`],
    ['another region', `arn:aws:states:eu-west-1:${ACCOUNT}:execution:${NAME}/ReplayObjects:9e8d7c6b`],
  ])('touches no execution of %s', async (_what, arn) => {
    for (const action of ['states:DescribeExecution', 'states:StopExecution', 'states:RedriveExecution']) {
      expect(await decision(action, arn)).toBe('ImplicitlyDenied');
    }
  });

  it('writes Map Run results (multipart too) under the results prefix only, with the bucket key', async () => {
    const manifest =
      'arn:aws:s3:::archive-bucket-7d1e/backfill-results/ad9b5f27-090b-3ac6-9beb-243cd77144a7/manifest.json';
    for (const action of [
      's3:PutObject',
      's3:GetObject',
      's3:ListMultipartUploadParts',
      's3:AbortMultipartUpload',
    ]) {
      expect(await decision(action, manifest)).toBe('Allowed');
    }
    expect(await decision('s3:PutObject', 'arn:aws:s3:::archive-bucket-7d1e/events/2026/11/01/00/x.gz')).toBe(
      'ImplicitlyDenied',
    );
    const key = `arn:aws:kms:us-east-1:${ACCOUNT}:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0`;
    expect(await decision('kms:GenerateDataKey', key)).toBe('Allowed');
    expect(await decision('kms:Decrypt', key)).toBe('Allowed');
  });

  it('lists only the archive prefix (ItemReader)', async () => {
    const bucket = 'arn:aws:s3:::archive-bucket-7d1e';
    expect(await decision('s3:ListBucket', bucket, { 's3:prefix': 'events/2026/11/01/' })).toBe('Allowed');
    expect(await decision('s3:ListBucket', bucket, { 's3:prefix': 'errors/' })).toBe('ImplicitlyDenied');
  });
});
