/**
 * The Pulumi mocks answer with AWS's real ARN formats, so tests that compare ARNs (policies, event source
 * mappings, pipes, the IAM contract) compare what AWS would see. Each ARN is parsed and matched against the
 * resource type's ARN template in the Service Authorization Reference
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html).
 */
import { splitArnParts } from '@cloud-copilot/iam-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { autoName, MODELLED_TYPES } from '../infra/pulumi-mocks.js';
import { templateRegex } from './access-check.js';
import { ACCOUNT_ID, type DeployedStack, deployAllStacks, REGION, TYPES } from './deployed-stack.js';

/** Pulumi type → [IAM service, resource type] of its `arn` output. */
const ARN_TYPES: Record<string, readonly [string, string]> = {
  [TYPES.stream]: ['kinesis', 'stream'],
  [TYPES.consumer]: ['kinesis', 'consumer'],
  [TYPES.firehose]: ['firehose', 'deliverystream'],
  [TYPES.table]: ['dynamodb', 'table'],
  [TYPES.bucket]: ['s3', 'bucket'],
  [TYPES.queue]: ['sqs', 'queue'],
  [TYPES.topic]: ['sns', 'topic'],
  [TYPES.fn]: ['lambda', 'function'],
  [TYPES.esm]: ['lambda', 'eventSourceMapping'],
  [TYPES.key]: ['kms', 'key'],
  'aws:kms/alias:Alias': ['kms', 'alias'],
  [TYPES.logGroup]: ['logs', 'log-group'],
  [TYPES.logStream]: ['logs', 'log-stream'],
  [TYPES.bus]: ['events', 'event-bus'],
  'aws:cloudwatch/eventArchive:EventArchive': ['events', 'archive'],
  [TYPES.alarm]: ['cloudwatch', 'alarm'],
  [TYPES.pipe]: ['pipes', 'pipe'],
  [TYPES.stateMachine]: ['states', 'stateMachine'],
  [TYPES.secret]: ['secretsmanager', 'Secret'],
  [TYPES.role]: ['iam', 'role'],
  [TYPES.api]: ['apigateway', 'Api'],
  'aws:apigatewayv2/stage:Stage': ['apigateway', 'Stage'],
};

/**
 * Types whose `arn` is not an IAM resource of their own: an SNS subscription's ARN is the topic's plus an id, a
 * secret version's is its secret's, an EventBridge target's `arn` input is the target's.
 */
const NO_IAM_RESOURCE = new Set([
  'aws:cloudwatch/eventTarget:EventTarget',
  'aws:sns/topicSubscription:TopicSubscription',
  'aws:secretsmanager/secretVersion:SecretVersion',
]);

let stacks: DeployedStack[];

beforeAll(async () => {
  stacks = await deployAllStacks();
});

describe.each(['dev', 'staging', 'prod'])('mocked ARNs, stack %s', (stackName) => {
  const deployed = () => stacks.find((s) => s.stack === stackName) as DeployedStack;

  it('gives every resource with an ARN the format of its IAM resource type', async () => {
    const problems: string[] = [];
    let checked = 0;
    for (const resource of deployed().resources.filter((r) => r.custom && typeof r.state.arn === 'string')) {
      if (NO_IAM_RESOURCE.has(resource.type)) continue;
      const arn = resource.state.arn as string;
      let iamType = ARN_TYPES[resource.type];
      if (resource.type === TYPES.rule) {
        const bus = resource.inputs.eventBusName;
        iamType = ['events', bus === undefined ? 'rule-on-default-event-bus' : 'rule-on-custom-event-bus'];
      }
      if (iamType === undefined) {
        problems.push(`${resource.type} ${resource.name}: no IAM resource type mapped for ${arn}`);
        continue;
      }
      const [service, type] = iamType;
      if (!(await templateRegex(service, type)).test(arn)) {
        problems.push(`${resource.type} ${resource.name}: ${arn} is not a ${service} ${type} ARN`);
      }
      const parts = splitArnParts(arn);
      const global = ['s3', 'iam'].includes(service);
      if (parts.partition !== 'aws' || parts.service !== service) problems.push(`${arn}: partition/service`);
      if (
        parts.region !==
        (global || service === 'apigateway' ? (service === 'apigateway' ? REGION : '') : REGION)
      )
        problems.push(`${arn}: region ${parts.region}`);
      if (parts.accountId !== (service === 's3' || service === 'apigateway' ? '' : ACCOUNT_ID))
        problems.push(`${arn}: account ${parts.accountId}`);
      checked++;
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(40);
  });

  it('auto-names resources the program does not name as <logical name>-<7 hex>, like the provider', () => {
    const table = deployed().resource(TYPES.table, 'processor-aggregates');
    expect(table.state.name).toBe(autoName(TYPES.table, 'processor-aggregates'));
    expect(table.state.name).toMatch(/^processor-aggregates-[0-9a-f]{7}$/);
    const bucket = deployed().resource(TYPES.bucket, 'archive-bucket');
    expect(bucket.state.bucket).toMatch(/^archive-bucket-[0-9a-f]{7}$/);
    // Named by the program: kept as given.
    const bus = deployed().all(TYPES.bus)[0];
    expect(bus?.state.name).toBe(bus?.inputs.name);
  });

  it('gives the API an execution ARN whose route ARNs are execute-api resources', async () => {
    const api = deployed().all(TYPES.api)[0];
    const executionArn = String(api?.state.executionArn);
    expect(executionArn).toBe(`arn:aws:execute-api:${REGION}:${ACCOUNT_ID}:${api?.id}`);
    expect(
      (await templateRegex('execute-api', 'execute-api-general')).test(
        `${executionArn}/$default/POST/events`,
      ),
    ).toBe(true);
  });

  it('uses the consumer ARN Kinesis gives a registered consumer, and rule ARNs that name their bus', () => {
    for (const consumer of deployed().all(TYPES.consumer)) {
      expect(consumer.state.arn).toMatch(
        new RegExp(
          `^${String(consumer.inputs.streamArn).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/consumer/[^:]+:\\d+$`,
        ),
      );
    }
    for (const rule of deployed().all(TYPES.rule)) {
      const bus = rule.inputs.eventBusName;
      expect(rule.state.arn).toBe(
        `arn:aws:events:${REGION}:${ACCOUNT_ID}:rule/${bus === undefined ? '' : `${bus}/`}${rule.state.name}`,
      );
    }
  });
});

describe('mock model', () => {
  it('models every custom resource type the program registers', () => {
    const registered = new Set(stacks.flatMap((s) => s.resources.filter((r) => r.custom).map((r) => r.type)));
    expect([...registered].filter((t) => !MODELLED_TYPES.includes(t))).toEqual([]);
  });
});
