import { describe, expect, it } from 'vitest';
import { InvalidLoadOptionsError } from '../../load/errors.js';
import { parseEventMix } from '../../load/event-mix.js';
import { parseLoadOptions } from '../../load/options.js';
import { planPhase } from '../../load/request-plan.js';
import { SCENARIOS } from '../../load/scenarios/index.js';

describe('parseLoadOptions', () => {
  it.each([
    [['--events-per-request', '0'], /--events-per-request must be an integer from 1 to 500/],
    [['--events-per-request', '501'], /from 1 to 500/],
    [['--rate', '0'], /--rate must be a number above 0/],
    [['--duration', 'soon'], /--duration must be seconds/],
    [['--aggregates', '3', '--connections', '4'], /each aggregate is pinned to one connection/],
    [['--rate', '5', '--events-per-request', '10'], /below one request per second/],
    [['--scenario', 'nope'], /unknown scenario "nope"/],
    [['--url', 'http://127.0.0.1:1'], /--url needs --token/],
    [['--token', 'x'], /--token needs --url/],
    [['--url', 'ftp://x', '--token', 't'], /--url: must be an http\(s\) URL/],
    [['--target', 'local', '--stack', 'dev'], /choose one target/],
    [['--target', 'prod'], /only "local" is known/],
    [['--stack', 'dev', '--bucket', 'b'], /--stack and --bucket choose different environments/],
    [['--data-dir', '.x', '--url', 'http://127.0.0.1:1'], /--data-dir and --url choose different/],
    [['--table', 't', '--bucket', 'b'], /load needs --url <ingest URL> in the explicit form/],
    [['--scenario', 'spike', '--rate', '10'], /cannot override the multi-phase scenario/],
    [
      ['--find-max', '--url', 'http://127.0.0.1:1', '--token', 't'],
      /use it with the local stack \(--data-dir\)/,
    ],
    [['--step-factor', '2'], /only apply with --find-max/],
    [['--mix', 'OrderPlaced=1'], /unknown event type "OrderPlaced"/],
    [['--bogus'], /Unknown option '--bogus'/],
  ])('rejects %j before any traffic', (argv, message) => {
    expect(() => parseLoadOptions(argv)).toThrow(InvalidLoadOptionsError);
    expect(() => parseLoadOptions(argv)).toThrow(message);
  });

  it('applies the smoke scenario: 200 events/s for 10 s', () => {
    const options = parseLoadOptions(['--scenario', 'smoke', '--target', 'local']);
    expect(options.phases).toEqual([{ rate: 200, durationSeconds: 10 }]);
    expect(options.target).toEqual({ kind: 'local', environment: {} });
    expect(SCENARIOS.smoke?.phases).toEqual([{ rate: 200, durationSeconds: 10 }]);
  });

  it('lets explicit options override a single-phase scenario', () => {
    const options = parseLoadOptions([
      '--scenario',
      'smoke',
      '--duration',
      '3s',
      '--aggregates',
      '7',
      '--connections',
      '2',
    ]);
    expect(options.phases).toEqual([{ rate: 200, durationSeconds: 3 }]);
    expect(options.aggregates).toBe(7);
    expect(options.connections).toBe(2);
  });

  it('reads --url/--token and --find-max settings', () => {
    expect(parseLoadOptions(['--url', 'https://api.example.com', '--token', 't']).target).toEqual({
      kind: 'explicit',
      environment: { url: 'https://api.example.com', token: 't' },
    });
    expect(parseLoadOptions(['--stack', 'dev']).target).toEqual({
      kind: 'stack',
      environment: { stack: 'dev' },
    });
    expect(parseLoadOptions(['--find-max', '--max-rate', '4000', '--step-factor', '2']).findMax).toEqual({
      maxRate: 4000,
      stepFactor: 2,
    });
  });

  it('parses a mix and leaves unnamed types at weight 0', () => {
    expect(parseEventMix('ItemAdded=3, OrderPaid=1')).toEqual({
      ItemAdded: 3,
      ItemRemoved: 0,
      OrderPaid: 1,
      OrderShipped: 0,
      OrderCancelled: 0,
    });
    expect(() => parseEventMix('ItemAdded=0')).toThrow(/at least one/);
  });
});

describe('planPhase', () => {
  it('translates events/s into autocannon requests/s given events per request', () => {
    expect(planPhase({ rate: 200, durationSeconds: 10 }, 10, 4)).toEqual({
      requestRate: 20,
      eventRate: 200,
      connections: 4,
      requests: 200,
    });
  });

  it('never plans more connections than requests per second', () => {
    expect(planPhase({ rate: 30, durationSeconds: 2 }, 10, 8).connections).toBe(3);
  });
});

describe('planPhase: even split over connections', () => {
  it.each([
    [{ rate: 563, durationSeconds: 10 }, 25, 12],
    [{ rate: 1000, durationSeconds: 7 }, 10, 30],
    [{ rate: 333, durationSeconds: 2.5 }, 1, 7],
  ])('plans %j so rate and requests divide by the connections', (phase, eventsPerRequest, connections) => {
    const plan = planPhase(phase, eventsPerRequest, connections);
    expect(plan.requestRate % plan.connections).toBe(0);
    expect(plan.requests % plan.connections).toBe(0);
    expect(plan.connections).toBeLessThanOrEqual(connections);
    expect(Math.abs(plan.eventRate - phase.rate) / phase.rate).toBeLessThan(0.1);
  });
});
