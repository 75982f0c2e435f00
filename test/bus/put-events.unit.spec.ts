import { describe, expect, it } from 'vitest';
import {
  DEFAULT_EVENTBRIDGE_RETRY_POLICY,
  PUT_EVENTS_LIMITS,
  PutEventsValidationError,
  putEventsEntrySize,
  resolveRetryPolicy,
  retryWithBackoff,
  toEventBridgeEvent,
  validatePutEventsRequest,
} from '../../local/bus/index.js';

const context = {
  busName: 'pipeline',
  busArn: 'arn:aws:events:us-east-1:000000000000:event-bus/pipeline',
  account: '000000000000',
  region: 'us-east-1',
  id: 'id-1',
  now: new Date('2026-01-02T03:04:05.678Z'),
};

const entry = {
  EventBusName: 'pipeline',
  Source: 'pipeline.order',
  DetailType: 'OrderPlaced',
  Detail: '{"eventId":"e1"}',
};

describe('Function: toEventBridgeEvent', () => {
  it('builds the EventBridge event shape', () => {
    expect(toEventBridgeEvent({ ...entry, Resources: ['arn:r'] }, context)).toEqual({
      ok: true,
      event: {
        version: '0',
        id: 'id-1',
        'detail-type': 'OrderPlaced',
        source: 'pipeline.order',
        account: '000000000000',
        time: '2026-01-02T03:04:05Z',
        region: 'us-east-1',
        resources: ['arn:r'],
        detail: { eventId: 'e1' },
      },
    });
  });

  it('uses the entry Time when given, and accepts the bus ARN as its name', () => {
    const outcome = toEventBridgeEvent(
      { ...entry, EventBusName: context.busArn, Time: '2020-05-06T07:08:09Z' },
      context,
    );
    expect(outcome.ok && outcome.event.time).toBe('2020-05-06T07:08:09Z');
  });

  it.each([
    ['missing Source', { ...entry, Source: undefined }, 'InvalidArgument'],
    ['empty DetailType', { ...entry, DetailType: '' }, 'InvalidArgument'],
    ['missing Detail', { ...entry, Detail: undefined }, 'InvalidArgument'],
    ['Detail not JSON', { ...entry, Detail: '{oops' }, 'MalformedDetail'],
    ['Detail a JSON array', { ...entry, Detail: '[1]' }, 'MalformedDetail'],
    ['Detail a JSON string', { ...entry, Detail: '"x"' }, 'MalformedDetail'],
    ['unknown bus', { ...entry, EventBusName: 'other' }, 'ResourceNotFoundException'],
    ['no bus name means default', { ...entry, EventBusName: undefined }, 'ResourceNotFoundException'],
    ['bad Time', { ...entry, Time: 'yesterday' }, 'InvalidArgument'],
  ])('fails the entry: %s', (_name, bad, code) => {
    const outcome = toEventBridgeEvent(bad, context);
    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && outcome.errorCode).toBe(code);
  });
});

describe('Function: validatePutEventsRequest', () => {
  it('accepts 1 to 10 entries', () => {
    expect(() => validatePutEventsRequest([entry])).not.toThrow();
    expect(() => validatePutEventsRequest(Array(10).fill(entry))).not.toThrow();
  });

  it('rejects 0 or more than 10 entries', () => {
    expect(() => validatePutEventsRequest([])).toThrow(PutEventsValidationError);
    expect(() => validatePutEventsRequest(Array(11).fill(entry))).toThrow(/less than or equal to 10/);
  });

  it('rejects a call over 256 KiB in total, counting as AWS documents', () => {
    const big = { ...entry, Detail: JSON.stringify({ pad: 'x'.repeat(140_000) }) };
    expect(() => validatePutEventsRequest([big])).not.toThrow();
    expect(() => validatePutEventsRequest([big, big])).toThrow(/over the limit/);
  });

  it('needs the total strictly under 256 KiB ("must be less than 256KB"), Time counted as 14 bytes', () => {
    const sized = (total: number) => {
      const around = putEventsEntrySize({ ...entry, Detail: '{"p":""}', Time: new Date() });
      return { ...entry, Time: new Date(), Detail: `{"p":"${'x'.repeat(total - around)}"}` };
    };
    expect(putEventsEntrySize(sized(262_143))).toBe(262_143);
    expect(() => validatePutEventsRequest([sized(262_143)])).not.toThrow();
    expect(() => validatePutEventsRequest([sized(262_144)])).toThrow(PutEventsValidationError);
  });

  it('computes entry size: 14 bytes for Time, UTF-8 bytes of the rest', () => {
    expect(
      putEventsEntrySize({ Source: 'é', DetailType: 'a', Detail: '{}', Resources: ['rr'], Time: new Date() }),
    ).toBe(14 + 2 + 1 + 2 + 2);
    expect(PUT_EVENTS_LIMITS.maxRequestBytes).toBe(262_144);
  });
});

describe('Function: retry policy', () => {
  it('rejects negative settings', () => {
    expect(() => resolveRetryPolicy({ maximumRetryAttempts: -1 })).toThrow(/maximumRetryAttempts/);
    expect(resolveRetryPolicy(undefined)).toEqual(DEFAULT_EVENTBRIDGE_RETRY_POLICY);
  });

  it('stops after maximumRetryAttempts retries', async () => {
    let calls = 0;
    let retries = 0;
    const outcome = await retryWithBackoff(
      async () => {
        calls += 1;
        throw new Error('nope');
      },
      resolveRetryPolicy({ maximumRetryAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 }),
      { startedAt: Date.now(), onRetry: () => (retries += 1) },
    );
    expect(outcome).toMatchObject({ ok: false, attempts: 3, exhausted: 'MaximumRetryAttempts' });
    expect(calls).toBe(3);
    expect(retries).toBe(2);
  });

  it('stops when the next backoff would pass the maximum event age', async () => {
    const outcome = await retryWithBackoff(
      async () => {
        throw new Error('nope');
      },
      resolveRetryPolicy({ maximumRetryAttempts: 10, maximumEventAgeMs: 10, baseDelayMs: 50 }),
      { startedAt: Date.now(), random: () => 1 },
    );
    expect(outcome).toMatchObject({ ok: false, attempts: 1, exhausted: 'MaximumEventAgeInSeconds' });
  });

  it('succeeds after transient failures', async () => {
    let calls = 0;
    const outcome = await retryWithBackoff(
      async () => {
        calls += 1;
        if (calls < 3) throw new Error('transient');
      },
      resolveRetryPolicy({ baseDelayMs: 1 }),
      { startedAt: Date.now() },
    );
    expect(outcome).toEqual({ ok: true, attempts: 3 });
  });
});
