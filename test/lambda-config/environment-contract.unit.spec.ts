import { describe, expect, it } from 'vitest';
import { parsePipelineConfig } from '../../config/config-schema.js';
import {
  environmentDefaults,
  LambdaConfigError,
  parseEnvironment,
} from '../../processors/lambda-config/index.js';
import { loadStalledCheckConfig } from '../../processors/operator/config.js';
import {
  loadProcessorConfig,
  type ProcessorEnvironment,
  processorConfigSchema,
} from '../../processors/stream-processor/config.js';

describe('one default per setting', () => {
  it('the stack config, the processor and the stalled check agree on MAX_GAP_AGE_SECONDS and MAX_WRITE_ATTEMPTS', () => {
    const stack = parsePipelineConfig({}).processor;
    const processor = loadProcessorConfig({ TABLE_NAME: 't', QUARANTINE_BUCKET: 'b' });
    const stalled = loadStalledCheckConfig({ TABLE_NAME: 't' });
    expect(stack.maxGapAgeSeconds).toBe(processor.MAX_GAP_AGE_SECONDS);
    expect(stalled.MAX_GAP_AGE_SECONDS).toBe(processor.MAX_GAP_AGE_SECONDS);
    expect(stack.maxWriteAttempts).toBe(processor.MAX_WRITE_ATTEMPTS);
    expect(stack.writeConcurrency).toBe(processor.WRITE_CONCURRENCY);
    expect(stack.quarantinePrefix).toBe(processor.QUARANTINE_PREFIX);
    expect(stack.maxSnapshotBytes).toBe(processor.MAX_SNAPSHOT_BYTES);
    expect(stack.maxBufferedEvents).toBe(processor.MAX_BUFFERED_EVENTS);
  });
});

describe('Function: parseEnvironment', () => {
  it('names every bad variable, treats an empty one as unset, and ignores others', () => {
    const attempt = () =>
      parseEnvironment('stream processor', processorConfigSchema, {
        TABLE_NAME: '',
        QUARANTINE_BUCKET: 'b',
        RECENT_WINDOW: 'x',
        UNRELATED: '1',
      });
    expect(attempt).toThrow(LambdaConfigError);
    expect(attempt).toThrow(
      /^invalid stream processor configuration: TABLE_NAME: is required; RECENT_WINDOW: .*\(got "x"\)$/,
    );
    expect(
      parseEnvironment('p', processorConfigSchema, {
        TABLE_NAME: 't',
        QUARANTINE_BUCKET: 'b',
        QUARANTINE_PREFIX: '',
      }).QUARANTINE_PREFIX,
    ).toBe('quarantine/');
  });

  it('reads each default as written in the environment, required ones as undefined', () => {
    expect(environmentDefaults(processorConfigSchema)).toMatchObject({
      TABLE_NAME: undefined,
      MAX_GAP_AGE_SECONDS: '300',
      S3_FORCE_PATH_STYLE: 'false',
    });
  });
});

describe('Type: the environment a writer builds', () => {
  it('requires the required variables and refuses unknown ones (checked by tsc)', () => {
    const written: ProcessorEnvironment = {
      TABLE_NAME: 't',
      QUARANTINE_BUCKET: 'b',
      MAX_WRITE_ATTEMPTS: '2',
    };
    // @ts-expect-error QUARANTINE_BUCKET is missing
    const missing: ProcessorEnvironment = { TABLE_NAME: 't' };
    const misspelt: ProcessorEnvironment = {
      TABLE_NAME: 't',
      QUARANTINE_BUCKET: 'b',
      // @ts-expect-error MAX_WRITE_ATTEMPT is misspelt
      MAX_WRITE_ATTEMPT: '2',
    };
    expect(loadProcessorConfig(written).MAX_WRITE_ATTEMPTS).toBe(2);
    expect(() => loadProcessorConfig(missing)).toThrow(/QUARANTINE_BUCKET: is required/);
    expect(loadProcessorConfig(misspelt).MAX_WRITE_ATTEMPTS).toBe(5);
  });
});
