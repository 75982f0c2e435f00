/**
 * Policies over the whole stack: a resource and the resources that configure it (a bucket and its
 * encryption, versioning, public access block and bucket policy; an alarm topic and its subscriptions).
 * During preview the IDs and ARNs that tie them together are mostly unknown, so a related resource is
 * found by its property dependency first and by value only when the value is known (preview-values.ts).
 */
import type { PolicyResource, StackValidationPolicy } from '@pulumi/policy';
import { readStatements } from './policy-document.js';
import { known, readValue, UNKNOWN } from './preview-values.js';
import { TYPES } from './resource-types.js';

type Props = Record<string, unknown>;

function obj(value: unknown): Props {
  return typeof value === 'object' && value !== null ? (value as Props) : {};
}

/** The known strings of a string or string-array property (unknown elements are left out). */
function knownStrings(read: () => unknown): string[] {
  const value = known(read);
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value)) return [];
  const strings: string[] = [];
  for (let i = 0; i < value.length; i++) {
    const element = known(() => value[i]);
    if (typeof element === 'string') strings.push(element);
  }
  return strings;
}

/**
 * Resources of `type` whose `property` refers to `target`: through a property dependency on it, or by
 * holding one of the target's known identifiers (`targetKeys`, e.g. a bucket's name and ID).
 */
function referring(
  target: PolicyResource,
  resources: readonly PolicyResource[],
  type: string,
  property: string,
  targetKeys: readonly string[],
): PolicyResource[] {
  const identifiers = new Set(targetKeys.flatMap((key) => knownStrings(() => target.props[key])));
  return resources.filter(
    (r) =>
      r.type === type &&
      ((r.propertyDependencies[property] ?? []).some((d) => d.urn === target.urn) ||
        knownStrings(() => r.props[property]).some((value) => identifiers.has(value))),
  );
}

const BUCKET_IDENTIFIERS = ['bucket', 'id'] as const;

export const bucketsHardened: StackValidationPolicy = {
  name: 's3-bucket-hardened',
  description: 'Every bucket is SSE-KMS encrypted, versioned and blocks all public access.',
  enforcementLevel: 'mandatory',
  validateStack: (args, report) => {
    for (const bucket of args.resources.filter((r) => r.type === TYPES.bucket)) {
      const settings = (type: string) =>
        referring(bucket, args.resources, type, 'bucket', BUCKET_IDENTIFIERS);
      const kms = settings(TYPES.bucketEncryption).some((e) => {
        const rules = known(() => e.props.rules);
        return (
          Array.isArray(rules) &&
          rules.some(
            (rule: unknown) =>
              known(() => obj(obj(rule).applyServerSideEncryptionByDefault).sseAlgorithm) === 'aws:kms',
          )
        );
      });
      if (!kms) report(`bucket ${bucket.name} has no SSE-KMS encryption configuration.`, bucket.urn);
      const versioned = settings(TYPES.bucketVersioning).some(
        (v) => known(() => obj(v.props.versioningConfiguration).status) === 'Enabled',
      );
      if (!versioned) report(`bucket ${bucket.name} is not versioned.`, bucket.urn);
      const blocked = settings(TYPES.bucketPublicAccessBlock).some((b) =>
        (
          ['blockPublicAcls', 'blockPublicPolicy', 'ignorePublicAcls', 'restrictPublicBuckets'] as const
        ).every((setting) => known(() => b.props[setting]) === true),
      );
      if (!blocked) report(`bucket ${bucket.name} does not block all public access.`, bucket.urn);
    }
  },
};

/**
 * True when the document denies every S3 action to everyone on requests without TLS, on the bucket and
 * its objects: https://repost.aws/knowledge-center/s3-bucket-policy-for-config-rule. The resources are
 * only compared when the bucket's ARN is known.
 */
function deniesInsecureTransport(document: unknown, bucketArn: string | undefined): boolean {
  return (readStatements(document) ?? []).some(
    (s) =>
      s.effect === 'Deny' &&
      s.principals.everyone &&
      (s.actions.includes('s3:*') || s.actions.includes('*')) &&
      s.conditions.some(
        (c) =>
          /^bool(ifexists)?$/i.test(c.operator) &&
          c.key === 'aws:securetransport' &&
          c.values.includes('false'),
      ) &&
      (bucketArn === undefined ||
        s.resources.includes('*') ||
        (s.resources.includes(bucketArn) && s.resources.includes(`${bucketArn}/*`))),
  );
}

export const bucketsTlsOnly: StackValidationPolicy = {
  name: 's3-bucket-tls-only',
  description:
    'Every bucket has a bucket policy that denies requests not made over TLS (aws:SecureTransport "false" → Deny).',
  enforcementLevel: 'mandatory',
  validateStack: (args, report) => {
    for (const bucket of args.resources.filter((r) => r.type === TYPES.bucket)) {
      const documents = [
        ...referring(bucket, args.resources, TYPES.bucketPolicy, 'bucket', BUCKET_IDENTIFIERS).map((p) =>
          readValue(() => p.props.policy),
        ),
        // The provider's deprecated inline bucket policy.
        readValue(() => bucket.props.policy),
      ].filter((d) => d !== undefined);
      // A document computed from the bucket's ARN is unknown until the bucket exists; `pulumi up` judges it.
      if (documents.includes(UNKNOWN)) continue;
      const arn = known(() => bucket.props.arn);
      const bucketArn = typeof arn === 'string' ? arn : undefined;
      if (!documents.some((d) => deniesInsecureTransport(d, bucketArn))) {
        report(
          `bucket ${bucket.name} has no bucket policy denying s3:* to "*" when aws:SecureTransport is "false".`,
          bucket.urn,
        );
      }
    }
  },
};

export const alarmTopicsSubscribed: StackValidationPolicy = {
  name: 'alarm-topic-has-subscriber',
  description: 'Every SNS topic that alarms notify has at least one subscription.',
  // Advisory on purpose: the dev stack deliberately sets no alarms.notificationEmail (Pulumi.dev.yaml), and
  // a mandatory rule would block every dev deployment. The warning shows on each preview; a stack that must
  // page someone can make it mandatory with `--policy-pack-config` ({"alarm-topic-has-subscriber":
  // "mandatory"}, https://www.pulumi.com/docs/using-pulumi/crossguard/configuration/).
  enforcementLevel: 'advisory',
  validateStack: (args, report) => {
    const alarms = args.resources.filter((r) => r.type === TYPES.alarm);
    for (const topic of args.resources.filter((r) => r.type === TYPES.topic)) {
      const arn = known(() => topic.props.arn);
      const notified = alarms.some(
        (alarm) =>
          (alarm.propertyDependencies.alarmActions ?? []).some((d) => d.urn === topic.urn) ||
          (typeof arn === 'string' && knownStrings(() => alarm.props.alarmActions).includes(arn)),
      );
      if (!notified) continue;
      // SNS delivers what is published to a topic to the topic's subscriptions, and to nothing else:
      // https://docs.aws.amazon.com/sns/latest/dg/SendMessageToHttp.publish.html
      const subscriptions = referring(topic, args.resources, TYPES.topicSubscription, 'topic', ['arn', 'id']);
      if (subscriptions.length === 0) {
        report(
          `topic ${topic.name} receives alarm notifications but has no subscription: nobody is told when an alarm fires.`,
          topic.urn,
        );
      }
    }
  },
};
