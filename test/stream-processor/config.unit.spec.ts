import { describe, expect, it } from 'vitest';
import { LambdaConfigError } from '../../processors/lambda-config/index.js';
import { loadProcessorConfig } from '../../processors/stream-processor/index.js';

describe('stream processor configuration', () => {
  it('resolves defaults from a minimal environment: the values the deployed stacks use', () => {
    expect(loadProcessorConfig({ TABLE_NAME: 't', QUARANTINE_BUCKET: 'b' })).toEqual({
      TABLE_NAME: 't',
      QUARANTINE_BUCKET: 'b',
      QUARANTINE_PREFIX: 'quarantine/',
      MAX_GAP_AGE_SECONDS: 300,
      RECENT_WINDOW: 64,
      MAX_SNAPSHOT_BYTES: 360_000,
      MAX_BUFFERED_EVENTS: 1_000,
      WRITE_CONCURRENCY: 16,
      MAX_WRITE_ATTEMPTS: 5,
      PROCESSOR_VERSION: 'dev',
      S3_FORCE_PATH_STYLE: false,
      TRACING: 'off',
      TRACE_SAMPLING_RATIO: 1,
    });
  });

  it('names every missing or invalid variable', () => {
    const attempt = () =>
      loadProcessorConfig({ QUARANTINE_BUCKET: 'b', MAX_GAP_AGE_SECONDS: 'soon', WRITE_CONCURRENCY: '0' });
    expect(attempt).toThrow(LambdaConfigError);
    expect(attempt).toThrow(/TABLE_NAME: is required/);
    expect(attempt).toThrow(/MAX_GAP_AGE_SECONDS: .*\(got "soon"\)/);
    expect(attempt).toThrow(/WRITE_CONCURRENCY: .*\(got "0"\)/);
  });
});
