import { describe, expect, it } from 'vitest';
import { parsePipelineConfig } from '../../config/config-schema.js';
import { PROCESSOR_MAPPING_DEFAULTS } from '../../config/event-source-mapping.js';
import { InvalidStackOptionsError } from '../../local/stack/errors.js';
import {
  LOCAL_TRACING_DEFAULTS,
  resolveLocalStackSettings,
  resolveLocalTracing,
} from '../../local/stack/stack-settings.js';

describe('Function: resolveLocalStackSettings', () => {
  it('runs the processor mapping with the settings Pulumi deploys from the same stack config', () => {
    const config = parsePipelineConfig({
      processor: {
        batchSize: 250,
        batchingWindowSeconds: 3,
        maximumRetryAttempts: 4,
        maximumRecordAgeSeconds: 600,
      },
    });
    expect(resolveLocalStackSettings(config, 'dev').processor.mapping).toEqual({
      batchSize: 250,
      maximumBatchingWindowInSeconds: 3,
      parallelizationFactor: 1,
      maximumRetryAttempts: 4,
      maximumRecordAgeInSeconds: 600,
      functionResponseTypes: ['ReportBatchItemFailures'],
      bisectBatchOnFunctionError: true,
    });
  });

  it('gives an unconfigured stack the schema defaults', () => {
    expect(resolveLocalStackSettings(parsePipelineConfig({}), 'dev').processor.mapping).toEqual(
      PROCESSOR_MAPPING_DEFAULTS,
    );
    expect(PROCESSOR_MAPPING_DEFAULTS).toMatchObject({ batchSize: 100, maximumRetryAttempts: 10 });
  });
});

describe('Function: resolveLocalTracing', () => {
  it('traces locally by default: every trace, into 8 files of 16 MiB', () => {
    expect(resolveLocalStackSettings(parsePipelineConfig({}), 'dev').tracing).toEqual({
      enabled: true,
      samplingRatio: 1,
      maxFileBytes: 16 * 1024 * 1024,
      maxFiles: 8,
    });
    expect(resolveLocalTracing(true)).toEqual(LOCAL_TRACING_DEFAULTS);
  });

  it('turns off with false, and takes a sampling ratio and store bounds', () => {
    expect(resolveLocalTracing(false).enabled).toBe(false);
    expect(resolveLocalTracing({ samplingRatio: 0.25, maxFiles: 2 })).toEqual({
      ...LOCAL_TRACING_DEFAULTS,
      samplingRatio: 0.25,
      maxFiles: 2,
    });
  });

  it('refuses values the span store or the sampler cannot take, naming the option', () => {
    expect(() => resolveLocalTracing({ samplingRatio: 1.5 })).toThrow(/tracing.samplingRatio/);
    expect(() => resolveLocalTracing({ maxFiles: 0 })).toThrow(InvalidStackOptionsError);
    expect(() => resolveLocalTracing({ maxFileBytes: 10 })).toThrow(/tracing.maxFileBytes/);
  });
});
