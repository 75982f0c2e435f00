import { describe, expect, it } from 'vitest';
import { parsePipelineConfig } from '../../config/config-schema.js';
import { loadStackConfigFile } from '../../config/stack-config-file.js';
import {
  type AlarmTargets,
  alarmEvaluation,
  alarmSpecs,
  type MetricShape,
} from '../../pulumi/alarm-specs.js';

const targets: AlarmTargets<string> = {
  processorFunctionName: 'processor',
  eventSourceMappingUuid: 'uuid-1',
  ingestFunctionName: 'ingest',
  stalledCheckFunctionName: 'stalled-check',
  streamName: 'events',
  deliveryStreamName: 'archive',
  deadLetterQueueNames: { pipe: 'pipe-dlq' },
  metricsNamespace: 'Ns',
  serviceName: 'stream-processor',
};

describe('Function: alarmEvaluation', () => {
  it('alarms on the first failure of a count that should stay zero, treating no data as no failure', () => {
    expect(alarmEvaluation({ kind: 'failureCount' })).toEqual({
      statistic: 'Sum',
      periodSeconds: 60,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: 'notBreaching',
      comparisonOperator: 'GreaterThanThreshold',
    });
    expect(alarmEvaluation({ kind: 'backlog' })).toMatchObject({
      statistic: 'Maximum',
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
    });
  });

  it('needs a lag to persist (2 of 3) over periods that each hold a report', () => {
    expect(alarmEvaluation({ kind: 'lag', reportEverySeconds: 60 })).toMatchObject({
      statistic: 'Maximum',
      periodSeconds: 60,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
    });
    expect(alarmEvaluation({ kind: 'lag', reportEverySeconds: 120 }).periodSeconds).toBe(120);
    expect(alarmEvaluation({ kind: 'lag', reportEverySeconds: 61 }).periodSeconds).toBe(120);
  });

  it('gives a metric published by a scheduled job a period at least as long as the schedule', () => {
    for (const every of [60, 300, 330, 3600]) {
      const evaluation = alarmEvaluation({ kind: 'scheduledGauge', reportEverySeconds: every });
      expect(evaluation.periodSeconds).toBeGreaterThanOrEqual(every);
      expect(evaluation.periodSeconds % 60).toBe(0);
      expect(evaluation).toMatchObject({ evaluationPeriods: 1, datapointsToAlarm: 1 });
    }
  });

  it('rejects a report interval it cannot cover', () => {
    for (const bad of [0, -5, 1.5, 100_000]) {
      expect(() => alarmEvaluation({ kind: 'scheduledGauge', reportEverySeconds: bad })).toThrow(
        /reportEverySeconds/,
      );
    }
    expect(() => alarmEvaluation({ kind: 'nope' } as unknown as MetricShape)).toThrow(/unknown metric shape/);
  });
});

describe('Function: alarmSpecs', () => {
  it.each(['dev', 'staging', 'prod'])(
    'gives every alarm of %s a valid evaluation (M ≤ N, whole minutes)',
    (stack) => {
      const config = loadStackConfigFile(stack);
      const specs = alarmSpecs(targets, config.alarms, {
        processorTimeoutSeconds: config.processor.timeoutSeconds,
        stalledCheckEveryMinutes: 5,
      });
      expect(new Set(specs.map((s) => s.id)).size).toBe(specs.length);
      for (const spec of specs) {
        expect(spec.evaluation.datapointsToAlarm).toBeLessThanOrEqual(spec.evaluation.evaluationPeriods);
        expect(spec.evaluation.periodSeconds % 60, spec.id).toBe(0);
      }
      const processorLag = specs.find((s) => s.id === 'processor-iterator-age');
      expect(processorLag?.evaluation.periodSeconds).toBeGreaterThanOrEqual(config.processor.timeoutSeconds);
    },
  );

  it('watches the mapping’s discarded and dropped records by its UUID', () => {
    const specs = alarmSpecs(targets, loadStackConfigFile('prod').alarms, {
      processorTimeoutSeconds: 60,
      stalledCheckEveryMinutes: 5,
    });
    const byMetric = new Map(specs.map((s) => [s.metricName, s]));
    for (const metric of ['OnFailureDestinationDeliveredEventCount', 'DroppedEventCount']) {
      expect(byMetric.get(metric)).toMatchObject({
        namespace: 'AWS/Lambda',
        dimensions: { EventSourceMappingUUID: 'uuid-1' },
        threshold: 0,
        evaluation: { statistic: 'Sum', datapointsToAlarm: 1 },
      });
    }
  });
});

describe('Config: alarms', () => {
  it('names the removed period and evaluation keys with what replaced them', () => {
    expect(() => parsePipelineConfig({ alarms: { periodSeconds: 60 } })).toThrow(
      /"ordered-event-pipeline:alarms\.periodSeconds": was removed: each alarm’s period follows its metric/,
    );
    expect(() => parsePipelineConfig({ alarms: { evaluationPeriods: 3 } })).toThrow(
      /alarms\.evaluationPeriods": was removed/,
    );
  });
});
