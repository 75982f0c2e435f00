import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePipelineConfig, projectConfigValues } from '../../config/config-schema.js';
import { loadStackConfigFile } from '../../config/stack-config-file.js';
import { PipelineConfigError } from '../../pulumi/errors.js';

function errorOf(fn: () => unknown): PipelineConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof PipelineConfigError) return error;
    throw error;
  }
  throw new Error('expected a PipelineConfigError');
}

describe('Function: parsePipelineConfig', () => {
  it('applies every default to an empty config', () => {
    const c = parsePipelineConfig({});
    expect(c.stream).toEqual({ mode: 'on-demand', retentionHours: 24 });
    expect(c.processor).toMatchObject({
      batchSize: 100,
      parallelizationFactor: 1,
      enhancedFanOut: false,
      quarantinePrefix: 'quarantine/',
      metricsNamespace: 'OrderedEventPipeline',
    });
    expect(c.bus).toMatchObject({ sourcePrefix: 'pipeline', aggregateTypes: ['order'], pipeBatchSize: 10 });
    expect(c.alarms.notificationEmail).toBeUndefined();
    expect(c.logs.retentionDays).toBe(14);
  });

  it('leaves tracing off by default, sampling 5 % of new traces once it is on', () => {
    expect(parsePipelineConfig({}).tracing).toEqual({ enabled: false, samplingRatio: 0.05 });
    expect(parsePipelineConfig({ tracing: { enabled: 'true', samplingRatio: '0.25' } }).tracing).toEqual({
      enabled: true,
      samplingRatio: 0.25,
    });
    expect(parsePipelineConfig({ tracing: { enabled: true, samplingRatio: 1 } }).tracing.samplingRatio).toBe(
      1,
    );
  });

  it('accepts numbers and booleans set as strings (pulumi config set without a type)', () => {
    const c = parsePipelineConfig({ processor: { batchSize: '250', enhancedFanOut: 'true' } });
    expect(c.processor.batchSize).toBe(250);
    expect(c.processor.enhancedFanOut).toBe(true);
  });

  it.each([
    [{ processor: { parallelizationFactor: 11 } }, 'ordered-event-pipeline:processor.parallelizationFactor'],
    [{ processor: { batchSize: 0 } }, 'ordered-event-pipeline:processor.batchSize'],
    [
      { processor: { maximumRecordAgeSeconds: 30 } },
      'ordered-event-pipeline:processor.maximumRecordAgeSeconds',
    ],
    [{ stream: { mode: 'provisioned' } }, 'ordered-event-pipeline:stream.shardCount'],
    [{ stream: { mode: 'on-demand', shardCount: 2 } }, 'ordered-event-pipeline:stream.shardCount'],
    [{ stream: { mode: 'serverless' } }, 'ordered-event-pipeline:stream.mode'],
    [{ logs: { retentionDays: 10 } }, 'ordered-event-pipeline:logs.retentionDays'],
    [{ alarms: { notificationEmail: 'not-an-address' } }, 'ordered-event-pipeline:alarms.notificationEmail'],
    [{ bus: { pipeBatchSize: 11 } }, 'ordered-event-pipeline:bus.pipeBatchSize'],
    [{ bus: { sourcePrefix: 'aws.orders' } }, 'ordered-event-pipeline:bus.sourcePrefix'],
    // The envelope size limit reserves 64 bytes of each bus entry for the prefix.
    [
      { bus: { sourcePrefix: `${'a'.repeat(32)}.${'b'.repeat(32)}` } },
      'ordered-event-pipeline:bus.sourcePrefix',
    ],
    [{ archive: { bufferSizeMiB: 129 } }, 'ordered-event-pipeline:archive.bufferSizeMiB'],
    [{ archive: { glacierAfterDays: 45 } }, 'ordered-event-pipeline:archive.glacierAfterDays'],
    [{ processor: { batchsize: 10 } }, 'ordered-event-pipeline:processor.batchsize'],
    [{ unknownThing: 1 }, 'ordered-event-pipeline:unknownThing'],
    [{ tracing: { samplingRatio: 1.5 } }, 'ordered-event-pipeline:tracing.samplingRatio'],
    [{ tracing: { samplingRatio: -0.1 } }, 'ordered-event-pipeline:tracing.samplingRatio'],
    [{ tracing: { enabled: 'yes' } }, 'ordered-event-pipeline:tracing.enabled'],
    [{ tracing: { exporter: 'adot' } }, 'ordered-event-pipeline:tracing.exporter'],
  ])('rejects %j naming %s', (raw, key) => {
    const error = errorOf(() => parsePipelineConfig(raw));
    expect(error.key).toBe(key);
    expect(error.message).toContain(`"${key}"`);
  });

  it('checks cross-key rules: record age within retention, freshness above the buffer interval', () => {
    expect(errorOf(() => parsePipelineConfig({ processor: { maximumRecordAgeSeconds: 604_800 } })).key).toBe(
      'ordered-event-pipeline:processor.maximumRecordAgeSeconds',
    );
    expect(
      errorOf(() =>
        parsePipelineConfig({
          archive: { bufferIntervalSeconds: 900 },
          alarms: { firehoseFreshnessSeconds: 600 },
        }),
      ).key,
    ).toBe('ordered-event-pipeline:alarms.firehoseFreshnessSeconds');
  });
});

describe('Function: projectConfigValues', () => {
  it('keeps only this project’s keys, without the namespace', () => {
    expect(
      projectConfigValues({
        'aws:region': 'eu-west-1',
        'ordered-event-pipeline:stream': { mode: 'on-demand' },
      }),
    ).toEqual({ stream: { mode: 'on-demand' } });
  });
});

describe('Function: loadStackConfigFile', () => {
  it.each(['dev', 'staging', 'prod'])('loads the %s stack file', (stack) => {
    const c = loadStackConfigFile(stack);
    expect(c.processor.metricsNamespace).toBe(`OrderedEventPipeline/${stack}`);
  });

  it('turns prod on: on-demand stream, enhanced fan-out, protected data', () => {
    const prod = loadStackConfigFile('prod');
    expect(prod.stream.mode).toBe('on-demand');
    expect(prod.processor.enhancedFanOut).toBe(true);
    expect(prod.archive.forceDestroy).toBe(false);
  });

  it('names the key of an invalid value in a stack file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'stack-config-'));
    writeFileSync(
      path.join(dir, 'Pulumi.broken.yaml'),
      'config:\n  aws:region: us-east-1\n  ordered-event-pipeline:processor:\n    parallelizationFactor: 12\n',
    );
    expect(errorOf(() => loadStackConfigFile('broken', dir)).key).toBe(
      'ordered-event-pipeline:processor.parallelizationFactor',
    );
  });

  it('reports a missing stack file and a bad stack name', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'stack-config-'));
    expect(errorOf(() => loadStackConfigFile('absent', dir)).reason).toBe('cannot read the stack file');
    expect(errorOf(() => loadStackConfigFile('../etc', dir)).key).toBe('stack');
  });
});
