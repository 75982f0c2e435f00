import { describe, expect, it } from 'vitest';
import { parsePipelineConfig } from '../../config/config-schema.js';
import { PROCESSOR_MAPPING_DEFAULTS } from '../../config/event-source-mapping.js';
import { resolveLocalStackSettings } from '../../local/stack/stack-settings.js';

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
