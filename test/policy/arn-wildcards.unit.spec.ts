import { describe, expect, it } from 'vitest';
import { wildcardResourceProblem } from '../../policy/arn-wildcards.js';

describe('wildcardResourceProblem', () => {
  it.each([
    ['*', /"\*"/],
    ['arn:aws:s3:::*', /resource part is a wildcard/],
    ['arn:aws:s3:::*/*', /name is a wildcard/],
    ['arn:aws:dynamodb:*:*:table/*', /wildcard region/],
    ['arn:aws:dynamodb:us-east-1:123456789012:table/*', /name is a wildcard/],
    ['arn:aws:sqs:us-east-1:123456789012:*', /resource part is a wildcard/],
    ['arn:aws:kinesis:us-east-1:*:stream/events', /wildcard account/],
    ['arn:aws:*:us-east-1:123456789012:*', /wildcard service/],
    ['arn:*:kinesis:us-east-1:123456789012:stream/events', /wildcard partition/],
    ['arn:aws:kms:us-east-1:123456789012:key/*', /name is a wildcard/],
    ['arn:aws:lambda:us-east-1:123456789012:function:*', /name is a wildcard/],
    ['arn:aws:logs:us-east-1:123456789012:log-group:*', /name is a wildcard/],
    ['arn:aws:events:us-east-1:123456789012:event-bus/??', /name is a wildcard/],
    ['arn:aws:iam::123456789012:role/*', /name is a wildcard/],
  ])('flags %s', (arn, reason) => {
    expect(wildcardResourceProblem(arn)).toMatch(reason);
  });

  // Every form the program's own policies use (pulumi/iam-policies.ts), and other sub-resource wildcards.
  it.each([
    'arn:aws:s3:::archive-7f3a9c1',
    'arn:aws:s3:::archive-7f3a9c1/*',
    'arn:aws:s3:::archive-7f3a9c1/events/*',
    'arn:aws:kinesis:us-east-1:123456789012:stream/events',
    'arn:aws:kinesis:us-east-1:123456789012:stream/events/consumer/processor:1700000000',
    'arn:aws:dynamodb:us-east-1:123456789012:table/aggregates',
    'arn:aws:dynamodb:us-east-1:123456789012:table/aggregates/index/*',
    'arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/processor',
    'arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/processor:*',
    'arn:aws:lambda:us-east-1:123456789012:function:replay',
    'arn:aws:lambda:us-east-1:123456789012:function:replay:*',
    'arn:aws:states:us-east-1:123456789012:execution:backfill/*',
    'arn:aws:secretsmanager:us-east-1:123456789012:secret:ingest-token-??????',
    'arn:aws:events:us-east-1:123456789012:event-bus/ordered-events-dev',
    'not-an-arn',
  ])('accepts %s', (arn) => {
    expect(wildcardResourceProblem(arn)).toBeUndefined();
  });
});
