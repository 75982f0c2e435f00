import type { PolicyResource } from '@pulumi/policy';
import { describe, expect, it } from 'vitest';
import { alarmTopicsSubscribed, bucketsHardened, bucketsTlsOnly, TYPES } from '../../policy/policies.js';
import { stackResource, stackViolations, UNKNOWN_VALUE } from './policy-harness.js';

const BUCKET_ARN = 'arn:aws:s3:::archive-7f3a9c1';

/** A bucket as the provider reports it after creation (or with its name and ARN unknown, in preview). */
function bucket(name: string, known = true): PolicyResource {
  return stackResource(TYPES.bucket, name, {
    bucket: known ? `${name}-7f3a9c1` : UNKNOWN_VALUE,
    id: known ? `${name}-7f3a9c1` : UNKNOWN_VALUE,
    arn: known ? `arn:aws:s3:::${name}-7f3a9c1` : UNKNOWN_VALUE,
    forceDestroy: false,
  });
}

/** Props of SecureBucket's public access block. */
const blockAll = {
  blockPublicAcls: true,
  blockPublicPolicy: true,
  ignorePublicAcls: true,
  restrictPublicBuckets: true,
};

/**
 * The hardening resources of SecureBucket: tied to the bucket by property dependency with the bucket's
 * ID unknown (preview), or, given `byName`, by holding its name and no dependency.
 */
function hardening(b: PolicyResource, byName?: string): PolicyResource[] {
  const on: Record<string, PolicyResource[]> = byName === undefined ? { bucket: [b] } : {};
  const ref = byName ?? UNKNOWN_VALUE;
  return [
    stackResource(
      TYPES.bucketEncryption,
      `${b.name}-encryption`,
      {
        bucket: ref,
        rules: [
          {
            applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: UNKNOWN_VALUE },
            bucketKeyEnabled: true,
          },
        ],
      },
      on,
    ),
    stackResource(
      TYPES.bucketVersioning,
      `${b.name}-versioning`,
      { bucket: ref, versioningConfiguration: { status: 'Enabled' } },
      on,
    ),
    stackResource(TYPES.bucketPublicAccessBlock, `${b.name}-public-access`, { bucket: ref, ...blockAll }, on),
  ];
}

/** pulumi/iam-policies.ts denyInsecureTransportPolicy, as JSON text like the program passes it. */
function tlsOnlyDocument(arn: string, patch: Record<string, unknown> = {}): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: ['s3:*'],
        Resource: [arn, `${arn}/*`],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        ...patch,
      },
    ],
  });
}

describe('s3-bucket-hardened', () => {
  it('accepts a bucket with all three settings, matched by dependency while every ID is unknown', async () => {
    const archive = bucket('archive', false);
    expect(await stackViolations(bucketsHardened, [archive, ...hardening(archive)])).toEqual([]);
  });

  it('matches settings by bucket name when there is no dependency (values known after the update)', async () => {
    const archive = bucket('archive');
    expect(
      await stackViolations(bucketsHardened, [archive, ...hardening(archive, 'archive-7f3a9c1')]),
    ).toEqual([]);
    const elsewhere = hardening(archive, 'someone-elses-bucket');
    expect(await stackViolations(bucketsHardened, [archive, ...elsewhere])).toHaveLength(3);
  });

  it('reports each missing setting, and settings of another bucket do not count', async () => {
    const archive = bucket('archive', false);
    const other = bucket('other', false);
    expect(await stackViolations(bucketsHardened, [archive, other, ...hardening(other)])).toEqual([
      'bucket archive has no SSE-KMS encryption configuration. @ archive',
      'bucket archive is not versioned. @ archive',
      'bucket archive does not block all public access. @ archive',
    ]);
  });

  it('reports AES256 instead of aws:kms, and a public access block with one setting off', async () => {
    const archive = bucket('archive');
    const [, versioning] = hardening(archive) as [PolicyResource, PolicyResource];
    const on = { bucket: [archive] };
    const aes = stackResource(
      TYPES.bucketEncryption,
      'archive-encryption',
      { bucket: UNKNOWN_VALUE, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }] },
      on,
    );
    const leaky = stackResource(
      TYPES.bucketPublicAccessBlock,
      'archive-public-access',
      { bucket: UNKNOWN_VALUE, ...blockAll, restrictPublicBuckets: false },
      on,
    );
    expect(await stackViolations(bucketsHardened, [archive, aes, versioning, leaky])).toEqual([
      'bucket archive has no SSE-KMS encryption configuration. @ archive',
      'bucket archive does not block all public access. @ archive',
    ]);
  });
});

describe('s3-bucket-tls-only', () => {
  const archive = bucket('archive');
  const policy = (document: unknown, dependsOn = true) =>
    stackResource(
      TYPES.bucketPolicy,
      'archive-tls-only',
      { bucket: 'archive-7f3a9c1', policy: document },
      dependsOn ? { bucket: [archive] } : {},
    );

  it('accepts the deny-without-TLS bucket policy SecureBucket attaches, by dependency or by name', async () => {
    expect(await stackViolations(bucketsTlsOnly, [archive, policy(tlsOnlyDocument(BUCKET_ARN))])).toEqual([]);
    expect(
      await stackViolations(bucketsTlsOnly, [archive, policy(tlsOnlyDocument(BUCKET_ARN), false)]),
    ).toEqual([]);
  });

  it('accepts Principal "*", the boolean false, BoolIfExists and an object document', async () => {
    const variants = [
      tlsOnlyDocument(BUCKET_ARN, { Principal: '*' }),
      tlsOnlyDocument(BUCKET_ARN, { Condition: { Bool: { 'aws:SecureTransport': false } } }),
      tlsOnlyDocument(BUCKET_ARN, { Condition: { BoolIfExists: { 'aws:securetransport': 'false' } } }),
      JSON.parse(tlsOnlyDocument(BUCKET_ARN)),
    ];
    for (const document of variants) {
      expect(await stackViolations(bucketsTlsOnly, [archive, policy(document)])).toEqual([]);
    }
  });

  it('does not judge a document that is unknown during preview (built from the bucket ARN)', async () => {
    const unknownArchive = bucket('archive', false);
    const unknownPolicy = stackResource(
      TYPES.bucketPolicy,
      'archive-tls-only',
      { bucket: UNKNOWN_VALUE, policy: UNKNOWN_VALUE },
      { bucket: [unknownArchive] },
    );
    expect(await stackViolations(bucketsTlsOnly, [unknownArchive, unknownPolicy])).toEqual([]);
  });

  it.each([
    ['no bucket policy at all', undefined],
    ['an Allow instead of a Deny', tlsOnlyDocument(BUCKET_ARN, { Effect: 'Allow' })],
    [
      'aws:SecureTransport "true"',
      tlsOnlyDocument(BUCKET_ARN, { Condition: { Bool: { 'aws:SecureTransport': 'true' } } }),
    ],
    ['only s3:GetObject denied', tlsOnlyDocument(BUCKET_ARN, { Action: ['s3:GetObject'] })],
    [
      'only one principal denied',
      tlsOnlyDocument(BUCKET_ARN, { Principal: { AWS: 'arn:aws:iam::123456789012:root' } }),
    ],
    ['the objects left out', tlsOnlyDocument(BUCKET_ARN, { Resource: [BUCKET_ARN] })],
    ['another bucket named', tlsOnlyDocument('arn:aws:s3:::someone-else')],
    [
      'a condition on another key',
      tlsOnlyDocument(BUCKET_ARN, { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } } }),
    ],
  ])('reports %s', async (_, document) => {
    const resources = document === undefined ? [archive] : [archive, policy(document)];
    expect(await stackViolations(bucketsTlsOnly, resources)).toEqual([
      expect.stringMatching(/^bucket archive has no bucket policy denying s3:\* .* @ archive$/),
    ]);
  });

  it("accepts the provider's deprecated inline bucket policy", async () => {
    const inline = stackResource(TYPES.bucket, 'archive', {
      bucket: 'archive-7f3a9c1',
      arn: BUCKET_ARN,
      policy: tlsOnlyDocument(BUCKET_ARN),
    });
    expect(await stackViolations(bucketsTlsOnly, [inline])).toEqual([]);
  });
});

describe('alarm-topic-has-subscriber', () => {
  const TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:observability-alarms-5e1d2f0';
  const topic = stackResource(TYPES.topic, 'observability-alarms', {
    arn: TOPIC_ARN,
    kmsMasterKeyId: 'arn:aws:kms:us-east-1:123456789012:key/0b7c5d3e-1111-2222-3333-444455556666',
  });
  const alarm = (actions: unknown[], dependsOn: PolicyResource[] = []) =>
    stackResource(
      TYPES.alarm,
      'observability-processor-errors',
      {
        metricName: 'Errors',
        namespace: 'AWS/Lambda',
        comparisonOperator: 'GreaterThanThreshold',
        threshold: 5,
        evaluationPeriods: 1,
        period: 300,
        statistic: 'Sum',
        alarmActions: actions,
      },
      dependsOn.length > 0 ? { alarmActions: dependsOn } : {},
    );
  const subscription = (topicRef: unknown, dependsOn: PolicyResource[] = []) =>
    stackResource(
      TYPES.topicSubscription,
      'observability-email',
      { topic: topicRef, protocol: 'email', endpoint: 'ops@example.com' },
      dependsOn.length > 0 ? { topic: dependsOn } : {},
    );

  it('is advisory: the dev stack has no notification email on purpose', () => {
    expect(alarmTopicsSubscribed.enforcementLevel).toBe('advisory');
  });

  it('reports an alarm topic nobody subscribes to, found by ARN or by dependency', async () => {
    const expected = [
      expect.stringMatching(/^topic observability-alarms receives alarm .* @ observability-alarms$/),
    ];
    expect(await stackViolations(alarmTopicsSubscribed, [topic, alarm([TOPIC_ARN])])).toEqual(expected);
    expect(await stackViolations(alarmTopicsSubscribed, [topic, alarm([UNKNOWN_VALUE], [topic])])).toEqual(
      expected,
    );
  });

  it('accepts a subscription found by ARN or by dependency while the ARN is unknown', async () => {
    expect(
      await stackViolations(alarmTopicsSubscribed, [topic, alarm([TOPIC_ARN]), subscription(TOPIC_ARN)]),
    ).toEqual([]);
    expect(
      await stackViolations(alarmTopicsSubscribed, [
        topic,
        alarm([UNKNOWN_VALUE], [topic]),
        subscription(UNKNOWN_VALUE, [topic]),
      ]),
    ).toEqual([]);
  });

  it('ignores topics no alarm notifies, and subscriptions of other topics do not count', async () => {
    expect(await stackViolations(alarmTopicsSubscribed, [topic])).toEqual([]);
    const other = 'arn:aws:sns:us-east-1:123456789012:other';
    expect(
      await stackViolations(alarmTopicsSubscribed, [topic, alarm([TOPIC_ARN]), subscription(other)]),
    ).toHaveLength(1);
  });
});
