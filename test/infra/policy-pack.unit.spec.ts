import { UnknownValueError } from '@pulumi/policy';
import { describe, expect, it } from 'vitest';
import {
  alarmNotifies,
  firehoseArchiveEncrypted,
  kinesisEventSourceMappingOrdering,
  kinesisStreamEncrypted,
  noWildcardIam,
  pipelinePolicies,
  pipeToBusLimits,
  queueEncrypted,
  TYPES,
  tableEncryptedWithRecovery,
  topicEncrypted,
} from '../../policy/policies.js';
import { COMPLIANT_EVENT_SOURCE_MAPPING, UNKNOWN_VALUE, violations } from '../policy/policy-harness.js';

const goodEsm = COMPLIANT_EVENT_SOURCE_MAPPING;

describe('Policy pack', () => {
  it('has unique policy names, each with a description and enforcement level', () => {
    const names = pipelinePolicies.map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    for (const p of pipelinePolicies) expect(p.description.length).toBeGreaterThan(10);
  });

  describe('kinesis-esm-ordering', () => {
    const type = TYPES.eventSourceMapping;
    it('accepts the mapping the program declares', async () => {
      expect(await violations(kinesisEventSourceMappingOrdering, type, goodEsm)).toEqual([]);
    });
    it.each([
      [{ functionResponseTypes: [] }, /ReportBatchItemFailures/],
      [{ bisectBatchOnFunctionError: false }, /bisectBatchOnFunctionError/],
      [{ parallelizationFactor: 11 }, /parallelizationFactor/],
      [{ destinationConfig: undefined }, /onFailure/],
      [{ maximumRetryAttempts: undefined }, /maximumRetryAttempts/],
    ])('reports %j', async (patch, message) => {
      const reported = await violations(kinesisEventSourceMappingOrdering, type, { ...goodEsm, ...patch });
      expect(reported).toHaveLength(1);
      expect(reported[0]).toMatch(message);
    });
    it('ignores SQS mappings (no starting position) and other resource types', async () => {
      expect(await violations(kinesisEventSourceMappingOrdering, type, { batchSize: 10 })).toEqual([]);
      expect(
        await violations(kinesisEventSourceMappingOrdering, TYPES.table, {
          bisectBatchOnFunctionError: false,
        }),
      ).toEqual([]);
    });
  });

  describe('pipe-to-bus-limits', () => {
    const pipe = (kinesis: Record<string, unknown>) => ({
      target: 'arn:aws:events:us-east-1:123456789012:event-bus/orders',
      sourceParameters: { kinesisStreamParameters: kinesis },
      targetParameters: { eventbridgeEventBusParameters: { detailType: '$.data.type' } },
    });
    it('accepts batch 10 with retries and a DLQ', async () => {
      const ok = pipe({
        batchSize: 10,
        maximumRetryAttempts: 10,
        deadLetterConfig: { arn: 'arn:aws:sqs:::dlq' },
      });
      expect(await violations(pipeToBusLimits, TYPES.pipe, ok)).toEqual([]);
    });
    it('reports a batch over 10, a missing DLQ and missing retries', async () => {
      const reported = await violations(pipeToBusLimits, TYPES.pipe, pipe({ batchSize: 100 }));
      expect(reported).toHaveLength(3);
      expect(reported.join('\n')).toMatch(/batchSize 100/);
    });
  });

  it.each([
    [kinesisStreamEncrypted, TYPES.kinesisStream, { encryptionType: 'KMS' }, { encryptionType: 'NONE' }],
    [
      tableEncryptedWithRecovery,
      TYPES.table,
      { serverSideEncryption: { enabled: true }, pointInTimeRecovery: { enabled: true } },
      { serverSideEncryption: { enabled: true } },
    ],
    [queueEncrypted, TYPES.queue, { sqsManagedSseEnabled: true }, {}],
    [topicEncrypted, TYPES.topic, { kmsMasterKeyId: 'arn:aws:kms:k' }, {}],
    [
      firehoseArchiveEncrypted,
      TYPES.firehose,
      {
        destination: 'extended_s3',
        extendedS3Configuration: { compressionFormat: 'GZIP', kmsKeyArn: 'arn:aws:kms:k' },
      },
      {
        destination: 'extended_s3',
        extendedS3Configuration: { compressionFormat: 'UNCOMPRESSED', kmsKeyArn: 'k' },
      },
    ],
    [alarmNotifies, TYPES.alarm, { alarmActions: ['arn:aws:sns:t'] }, { alarmActions: [] }],
  ])('%# %s: passes the good props and reports the bad', async (policy, type, good, bad) => {
    expect(await violations(policy, type, good)).toEqual([]);
    expect(await violations(policy, type, bad)).toHaveLength(1);
  });

  describe('iam-no-wildcards', () => {
    const doc = (statement: Record<string, unknown>) =>
      JSON.stringify({ Version: '2012-10-17', Statement: [statement] });
    it('accepts scoped actions and PutMetricData on "*" with a namespace condition', async () => {
      const ok = doc({
        Effect: 'Allow',
        Action: ['kinesis:PutRecords'],
        Resource: ['arn:aws:kinesis:us-east-1:1:stream/s'],
      });
      expect(await violations(noWildcardIam, TYPES.rolePolicy, { policy: ok })).toEqual([]);
      const metrics = doc({
        Effect: 'Allow',
        Action: 'cloudwatch:PutMetricData',
        Resource: '*',
        Condition: { StringEquals: { 'cloudwatch:namespace': 'OrderedEventPipeline' } },
      });
      expect(await violations(noWildcardIam, TYPES.rolePolicy, { policy: metrics })).toEqual([]);
    });
    it.each([
      [{ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::b/*' }, /wildcard action "s3:\*"/],
      [{ Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::b' }, /wildcard action "\*"/],
      [{ Effect: 'Allow', NotAction: 'iam:*', Resource: 'arn:aws:s3:::b' }, /wildcard action/],
      [{ Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: '*' }, /dynamodb:GetItem on resource "\*"/],
      [{ Effect: 'Allow', Action: 'cloudwatch:PutMetricData', Resource: '*' }, /without a condition/],
    ])('reports %j', async (statement, message) => {
      const reported = await violations(noWildcardIam, TYPES.policy, { policy: doc(statement) });
      expect(reported.join('\n')).toMatch(message);
    });
    it('reads role inline policies and ignores deny statements', async () => {
      const inline = {
        inlinePolicies: [{ name: 'x', policy: doc({ Effect: 'Allow', Action: 'sqs:*', Resource: 'arn:q' }) }],
      };
      expect(await violations(noWildcardIam, TYPES.role, inline)).toHaveLength(1);
      const deny = doc({ Effect: 'Deny', Action: 's3:*', Resource: '*' });
      expect(await violations(noWildcardIam, TYPES.rolePolicy, { policy: deny })).toEqual([]);
    });
    it('judges no missing policy, and leaves one unknown during preview to @pulumi/policy', async () => {
      expect(await violations(noWildcardIam, TYPES.rolePolicy, {})).toEqual([]);
      // The server turns this into an advisory "can't run during preview"; `pulumi up` judges the value.
      await expect(
        violations(noWildcardIam, TYPES.rolePolicy, { policy: UNKNOWN_VALUE }),
      ).rejects.toBeInstanceOf(UnknownValueError);
    });
  });
});
