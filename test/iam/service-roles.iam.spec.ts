/**
 * IAM contract of what AWS services do on the program's behalf: the roles Firehose, Pipes and Step Functions
 * assume (trust policy as each service presents itself, then the permissions its documentation lists), the
 * queue policies EventBridge rules deliver through, the Lambda permissions of the schedule and the HTTP API,
 * and the key policy CloudWatch alarms need to publish to the encrypted topic. Each need cites its page.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { PolicyDocument } from '../../pulumi/iam-policies.js';
import { evaluate, type Need } from './access-check.js';
import { ACCOUNT_ID, type DeployedStack, deployAllStacks, REGION, TYPES } from './deployed-stack.js';
import { expectRoleContract } from './role-contract.js';
import { backfillStateMachineNeeds, firehoseNeeds, pipeNeeds, SERVICE_DOCS } from './service-needs.js';

let stacks: DeployedStack[];

beforeAll(async () => {
  stacks = await deployAllStacks();
});

const session = (roleName: string, service: string) =>
  `arn:aws:sts::${ACCOUNT_ID}:assumed-role/${roleName}/${service}-session`;

/** Whether a service, presenting this request context, may assume the role. */
async function mayAssume(
  deployed: DeployedStack,
  roleLogicalName: string,
  service: string,
  context: Record<string, string>,
): Promise<string> {
  const role = deployed.role(roleLogicalName);
  const verdict = await evaluate(
    { arn: service, identityPolicies: [] },
    { action: 'sts:AssumeRole', resource: role.arn, context, because: `${service} assuming ${role.name}` },
    () => role.trustPolicy,
  );
  return verdict.result;
}

/** The resource policy the program's `aws.lambda.Permission`s give a function. */
function functionPolicy(deployed: DeployedStack, functionLogicalName: string): PolicyDocument {
  const fn = deployed.resource(TYPES.fn, functionLogicalName);
  const statements = deployed
    .all(TYPES.permission)
    .filter((p) => p.inputs.function === fn.state.name || p.inputs.function === fn.state.arn)
    .map((p) => ({
      Effect: 'Allow' as const,
      Principal: { Service: String(p.inputs.principal) },
      Action: [String(p.inputs.action)],
      Resource: [String(fn.state.arn)],
      ...(typeof p.inputs.sourceArn === 'string'
        ? { Condition: { ArnLike: { 'AWS:SourceArn': p.inputs.sourceArn } } }
        : {}),
    }));
  return { Version: '2012-10-17', Statement: statements };
}

describe.each(['dev', 'staging', 'prod'])('service roles and resource policies, stack %s', (stackName) => {
  const deployed = () => stacks.find((s) => s.stack === stackName) as DeployedStack;

  it('lets each service assume its role with the request context that service documents', async () => {
    const d = deployed();
    const pipe = d.all(TYPES.pipe)[0];
    const machine = d.all(TYPES.stateMachine)[0];
    // Firehose passes the account as the external id (SERVICE_DOCS.firehose, "Allow Firehose to assume an IAM role").
    expect(
      await mayAssume(d, 'archive-firehose-role', 'firehose.amazonaws.com', { 'sts:ExternalId': ACCOUNT_ID }),
    ).toBe('Allowed');
    // Another account's delivery stream must not get the role (confused deputy).
    expect(
      await mayAssume(d, 'archive-firehose-role', 'firehose.amazonaws.com', {
        'sts:ExternalId': '210987654321',
      }),
    ).not.toBe('Allowed');
    const onBehalf = (arn: string) => ({ 'aws:SourceAccount': ACCOUNT_ID, 'aws:SourceArn': arn });
    expect(
      await mayAssume(d, 'bus-pipe-role', 'pipes.amazonaws.com', onBehalf(String(pipe?.state.arn))),
    ).toBe('Allowed');
    expect(
      await mayAssume(d, 'backfill-sfn-role', 'states.amazonaws.com', onBehalf(String(machine?.state.arn))),
    ).toBe('Allowed');
    // Another account's state machine must not get the backfill role (confused deputy).
    expect(
      await mayAssume(d, 'backfill-sfn-role', 'states.amazonaws.com', {
        'aws:SourceAccount': '210987654321',
        'aws:SourceArn': 'arn:aws:states:us-east-1:210987654321:stateMachine:other',
      }),
    ).not.toBe('Allowed');
    for (const fn of d.all(TYPES.fn)) {
      const role = d.functionRole(fn.name);
      expect(await mayAssume(d, role.logicalName, 'lambda.amazonaws.com', {}), fn.name).toBe('Allowed');
    }
  });

  for (const { gives, role: logicalName, label, service, needs } of [
    {
      gives: 'Firehose what its documentation lists for a Kinesis source and an encrypted S3 destination',
      role: 'archive-firehose-role',
      label: 'Firehose role',
      service: 'firehose',
      needs: firehoseNeeds,
    },
    {
      gives: 'the pipe what Pipes documents for a Kinesis source, a bus target and a DLQ',
      role: 'bus-pipe-role',
      label: 'pipe role',
      service: 'pipes',
      needs: pipeNeeds,
    },
    {
      gives: 'the backfill state machine what a Distributed Map over S3 invoking Lambda needs',
      role: 'backfill-sfn-role',
      label: 'backfill state machine role',
      service: 'states',
      needs: backfillStateMachineNeeds,
    },
  ]) {
    it(`gives ${gives}, only`, async () => {
      const role = deployed().role(logicalName);
      await expectRoleContract(
        label,
        { arn: session(role.name, service), identityPolicies: role.policies.map((p) => p.document) },
        needs(deployed()),
        deployed(),
      );
    });
  }

  it('lets EventBridge deliver each rule to its queue and its DLQ, and no other rule', async () => {
    const d = deployed();
    const targets = d.all(TYPES.target).filter((t) => String(t.inputs.arn).startsWith('arn:aws:sqs:'));
    expect(targets.length).toBeGreaterThan(0);
    const needs: Need[] = [];
    for (const target of targets) {
      const rule = d.all(TYPES.rule).find((r) => r.state.name === target.inputs.rule);
      const context = { 'aws:SourceArn': String(rule?.state.arn), 'aws:SourceAccount': ACCOUNT_ID };
      needs.push({
        action: 'sqs:SendMessage',
        resource: String(target.inputs.arn),
        context,
        because: SERVICE_DOCS.eventsSqs,
      });
      const dlq = (target.inputs.deadLetterConfig as { arn?: string } | undefined)?.arn;
      if (dlq !== undefined)
        needs.push({ action: 'sqs:SendMessage', resource: dlq, context, because: SERVICE_DOCS.eventsDlq });
    }
    const events = { arn: 'events.amazonaws.com', identityPolicies: [] };
    for (const need of needs) {
      expect((await evaluate(events, need, (arn) => d.resourcePolicy(arn))).result, need.resource).toBe(
        'Allowed',
      );
      const foreign = {
        ...need,
        context: { ...need.context, 'aws:SourceArn': `arn:aws:events:${REGION}:${ACCOUNT_ID}:rule/other` },
      };
      expect(
        (await evaluate(events, foreign, (arn) => d.resourcePolicy(arn))).result,
        need.resource,
      ).not.toBe('Allowed');
    }
  });

  it('lets only the schedule invoke the stalled check, and only POST /events of the API invoke ingest', async () => {
    const d = deployed();
    const invoke = async (fn: string, service: string, sourceArn: string) =>
      (
        await evaluate(
          { arn: service, identityPolicies: [] },
          {
            action: 'lambda:InvokeFunction',
            resource: String(d.resource(TYPES.fn, fn).state.arn),
            context: { 'aws:SourceArn': sourceArn, 'aws:SourceAccount': ACCOUNT_ID },
            because: 'https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html',
          },
          () => functionPolicy(d, fn),
        )
      ).result;
    const schedule = String(d.resource(TYPES.rule, 'stalled-check-schedule').state.arn);
    expect(await invoke('stalled-check', 'events.amazonaws.com', schedule)).toBe('Allowed');
    expect(await invoke('stalled-check', 'events.amazonaws.com', `${schedule}-other`)).not.toBe('Allowed');
    // API Gateway invokes with the route's ARN: <execution ARN>/<stage>/<method>/<path>
    // (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-iam-policy-examples-for-api-execution.html).
    const api = String(d.all(TYPES.api)[0]?.state.executionArn);
    expect(await invoke('ingest', 'apigateway.amazonaws.com', `${api}/$default/POST/events`)).toBe('Allowed');
    for (const other of [
      `${api}/$default/GET/events`,
      `${api}/$default/POST/admin`,
      `${api}/$default/DELETE/events`,
    ]) {
      expect(await invoke('ingest', 'apigateway.amazonaws.com', other), other).not.toBe('Allowed');
    }
  });

  it('lets CloudWatch alarms use the data key to publish to the encrypted topic', async () => {
    const d = deployed();
    const topic = d.all(TYPES.topic)[0];
    const key = String(topic?.inputs.kmsMasterKeyId);
    const alarm = String(d.all(TYPES.alarm)[0]?.state.arn);
    for (const action of ['kms:Decrypt', 'kms:GenerateDataKey']) {
      const verdict = await evaluate(
        { arn: 'cloudwatch.amazonaws.com', identityPolicies: [] },
        {
          action,
          resource: key,
          context: { 'aws:SourceAccount': ACCOUNT_ID, 'aws:SourceArn': alarm },
          because: SERVICE_DOCS.snsEncryptedTopic,
        },
        (arn) => d.resourcePolicy(arn),
      );
      expect(verdict.result, action).toBe('Allowed');
    }
  });
});
