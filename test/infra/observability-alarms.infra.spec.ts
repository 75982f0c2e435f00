/**
 * Every alarm the program declares, for every stack, replayed through a model of CloudWatch's evaluation
 * (cloudwatch-alarm-evaluator.ts) against how its metric is really published: a realistic failure must set ALARM,
 * normal traffic (with a single spike where a spike is normal) must not.
 *
 * How the metrics are published:
 * - Lambda `Errors`, `Throttles`, `IteratorAge`: per invocation (IteratorAge: age of the last record of the batch).
 *   https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html
 * - Event source mapping `OnFailureDestinationDeliveredEventCount`, `DroppedEventCount`: when records are discarded.
 *   https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html#event-source-mapping-metrics
 * - Kinesis `GetRecords.IteratorAgeMilliseconds`: per minute while readers poll.
 *   https://docs.aws.amazon.com/streams/latest/dev/monitoring-with-cloudwatch.html
 * - Firehose `DeliveryToS3.DataFreshness`: per minute, age of the oldest record not yet in S3.
 *   https://docs.aws.amazon.com/firehose/latest/dev/monitoring-with-cloudwatch-metrics.html
 * - SQS `ApproximateNumberOfMessagesVisible`: at one-minute intervals while the queue holds messages.
 *   https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html
 * - `QuarantineWrites`, `QuarantineWriteFailures`, `Stalled` (EMF): per batch by the processor; `Stalled` also per run of the stalled check,
 *   every 5 minutes (pulumi/stalled-check.ts).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { PipelineConfig } from '../../config/config-schema.js';
import { loadStackConfigFile } from '../../config/stack-config-file.js';
import { type AlarmRule, alarmStates, type Sample } from './cloudwatch-alarm-evaluator.js';
import {
  installMocks,
  ofType,
  type RecordedResource,
  stubBundler,
  waitForRegistrations,
} from './pulumi-mocks.js';

const HORIZON = 2 * 3600;

/** `value(t)` every `step` seconds from `from` to the horizon. */
function every(step: number, value: (t: number) => number, from = 0, to = HORIZON): Sample[] {
  const samples: Sample[] = [];
  for (let t = from; t < to; t += step) samples.push({ at: t, value: value(t) });
  return samples;
}

/** `count` samples of `value` within one minute starting at `at`. */
function burst(at: number, count: number, value = 1): Sample[] {
  return Array.from({ length: count }, (_, i) => ({ at: at + (i * 50) / Math.max(count, 1), value }));
}

interface Scenario {
  readonly failure: Sample[];
  readonly normal: Sample[];
}

/** How each metric looks in normal operation and in a realistic failure, per stack config. */
function scenarioFor(resource: RecordedResource, config: PipelineConfig): Scenario {
  const alarm = resource.inputs;
  const th = alarm.threshold as number;
  const stalledCheck = resource.name === 'observability-stalled-check-errors';
  switch (alarm.metricName) {
    case 'Errors':
    case 'Throttles': {
      if (stalledCheck) {
        // One run every 5 minutes; one run fails.
        const runs = every(300, () => 0, 150);
        return { normal: runs, failure: [...runs, { at: 1950, value: 1 }] };
      }
      // Invocations every 10 s; a poison batch or a throttling burst: threshold + 1 in one minute.
      const invocations = every(10, () => 0);
      return { normal: invocations, failure: [...invocations, ...burst(1800, th + 1)] };
    }
    case 'IteratorAge': {
      // Normal: a batch every 10 s, ~0.5 s behind, one slow batch. Failure: from 10 min the processor is stuck on
      // a batch: each invocation runs into the timeout, the age grows.
      const timeout = config.processor.timeoutSeconds;
      const normal = [...every(10, () => 500), { at: 1200, value: th + 1 }];
      const failure = [
        ...every(10, () => 500, 0, 600),
        ...every(timeout, (t) => (t - 600) * 1000 + 500, 600 + timeout),
      ];
      return { normal, failure };
    }
    case 'GetRecords.IteratorAgeMilliseconds': {
      const normal = [...every(60, () => 1000), { at: 1230, value: th + 1 }];
      const failure = [...every(60, () => 1000, 0, 600), ...every(60, (t) => (t - 600) * 1000, 600)];
      return { normal, failure };
    }
    case 'OnFailureDestinationDeliveredEventCount':
    case 'DroppedEventCount':
      // Published only when records are discarded: once, one record.
      return { normal: [], failure: [{ at: 2400, value: 1 }] };
    case 'QuarantineWriteFailures':
      // Published per batch (0 when every quarantine write worked); one failed write is the failure.
      return { normal: every(10, () => 0), failure: [...every(10, () => 0), { at: 2100, value: 1 }] };
    case 'QuarantineWrites': {
      const batches = every(10, () => 0);
      return { normal: batches, failure: [...batches, { at: 2000, value: th + 1 }] };
    }
    case 'Stalled': {
      // The processor's batches never touch the stalled aggregate (they report 0); the check runs every 5 minutes,
      // a little late or early, and from 20 minutes on counts threshold + 1 stalled aggregates.
      const batches = every(10, () => 0);
      const runs = (stalled: (t: number) => number) =>
        Array.from({ length: HORIZON / 300 }, (_, k) => {
          const at = k * 300 + 150 + (k % 2 === 0 ? 40 : -40);
          return { at, value: stalled(at) };
        });
      return {
        normal: [...batches, ...runs(() => 0)],
        failure: [...batches, ...runs((t) => (t >= 1200 ? th + 1 : 0))],
      };
    }
    case 'DeliveryToS3.DataFreshness': {
      // Normal: a sawtooth up to the buffer interval, and one slow delivery. Failure: S3 delivery fails from 10 min.
      const interval = config.archive.bufferIntervalSeconds;
      const normal = [...every(60, (t) => (t % Math.max(interval, 60)) + 30), { at: 2430, value: th + 1 }];
      const failure = [...every(60, () => 30, 0, 600), ...every(60, (t) => t - 600 + interval, 600)];
      return { normal, failure };
    }
    case 'ApproximateNumberOfMessagesVisible':
      return {
        normal: every(60, () => 0),
        failure: [...every(60, () => 0, 0, 1200), ...every(60, () => th + 1, 1200)],
      };
    default:
      throw new Error(`no scenario for the alarm on ${String(alarm.metricName)}: add one`);
  }
}

function ruleOf(alarm: Record<string, unknown>): AlarmRule {
  return {
    statistic: alarm.statistic as AlarmRule['statistic'],
    period: alarm.period as number,
    threshold: alarm.threshold as number,
    comparisonOperator: alarm.comparisonOperator as AlarmRule['comparisonOperator'],
    evaluationPeriods: alarm.evaluationPeriods as number,
    ...(alarm.datapointsToAlarm === undefined
      ? {}
      : { datapointsToAlarm: alarm.datapointsToAlarm as number }),
    ...(alarm.treatMissingData === undefined
      ? {}
      : { treatMissingData: alarm.treatMissingData as AlarmRule['treatMissingData'] }),
  };
}

describe.each(['dev', 'staging', 'prod'])('Alarms of stack %s under CloudWatch evaluation', (stack) => {
  let alarms: RecordedResource[];
  let config: PipelineConfig;

  beforeAll(async () => {
    config = loadStackConfigFile(stack);
    const resources = await installMocks(stack);
    const { createPipeline } = await import('../../pulumi/pipeline.js');
    createPipeline(config, { bundler: stubBundler() });
    await waitForRegistrations();
    alarms = ofType(resources, 'aws:cloudwatch/metricAlarm:MetricAlarm');
  });

  it('declares alarms on the records the event source mapping discards or drops', () => {
    const metrics = alarms.map((a) => a.inputs.metricName);
    expect(metrics).toContain('OnFailureDestinationDeliveredEventCount');
    expect(metrics).toContain('DroppedEventCount');
  });

  it('declares an alarm on failed quarantine writes, firing on the first one', () => {
    const alarm = alarms.find((a) => a.inputs.metricName === 'QuarantineWriteFailures');
    expect(alarm?.inputs).toMatchObject({ threshold: 0, statistic: 'Sum', period: 60 });
  });

  it('every alarm goes to ALARM on a realistic failure', () => {
    const silent: string[] = [];
    for (const alarm of alarms) {
      const states = alarmStates(scenarioFor(alarm, config).failure, ruleOf(alarm.inputs), HORIZON);
      if (!states.includes('ALARM')) silent.push(alarm.name);
    }
    expect(silent).toEqual([]);
  });

  it('no alarm goes to ALARM on normal traffic, a single spike included', () => {
    const noisy: string[] = [];
    for (const alarm of alarms) {
      const states = alarmStates(scenarioFor(alarm, config).normal, ruleOf(alarm.inputs), HORIZON);
      if (states.includes('ALARM')) noisy.push(alarm.name);
    }
    expect(noisy).toEqual([]);
  });
});
