import { describe, expect, it } from 'vitest';
import { parseStartFlags, UsageError } from '../../local/cli/start-flags.js';

describe('parseStartFlags', () => {
  it('reads the data dir from the flag, else PIPELINE_DATA_DIR', () => {
    expect(parseStartFlags(['--data-dir', '/x'], { PIPELINE_DATA_DIR: '/env' }).options.dataDir).toBe('/x');
    expect(parseStartFlags([], { PIPELINE_DATA_DIR: '/env' }).options.dataDir).toBe('/env');
    expect(parseStartFlags([], {}).options.dataDir).toBeUndefined();
  });

  it('spreads a base port over the six services; a specific port wins', () => {
    expect(parseStartFlags(['--port-base=4600', '--port-s3', '9000']).options.ports).toEqual({
      kinesis: 4600,
      dynamodb: 4601,
      s3: 9000,
      ingest: 4603,
      eventbridge: 4604,
      otlp: 4605,
    });
    expect(parseStartFlags(['--port-otlp', '4318']).options.ports).toEqual({ otlp: 4318 });
    expect(parseStartFlags(['--port-eventbridge', '4700']).options.ports).toEqual({ eventbridge: 4700 });
  });

  it('parses shards, log level, quiet and help', () => {
    const command = parseStartFlags(['--shards', '4', '--log-level', 'info', '--quiet', '--help']);
    expect(command.help).toBe(true);
    expect(command.options).toMatchObject({ shards: 4, logLevel: 'INFO', quiet: true });
  });

  it('traces by default; --no-tracing turns it off, --trace-sampling sets the ratio', () => {
    expect(parseStartFlags([]).options.tracing).toBeUndefined();
    expect(parseStartFlags(['--no-tracing']).options.tracing).toBe(false);
    expect(parseStartFlags(['--trace-sampling', '0.25']).options.tracing).toEqual({ samplingRatio: 0.25 });
    expect(parseStartFlags(['--trace-sampling=1']).options.tracing).toEqual({ samplingRatio: 1 });
  });

  it.each([
    [['--trace-sampling', '1.5'], '--trace-sampling must be a number from 0 to 1'],
    [['--trace-sampling', 'half'], '--trace-sampling must be a number from 0 to 1'],
    [['--shards', '0'], '--shards must be an integer from 1 to 50'],
    [['--shards'], '--shards needs a value'],
    [['--port-kinesis', '70000'], '--port-kinesis must be an integer'],
    [['--log-level', 'LOUD'], '--log-level must be one of'],
    [['--frobnicate'], 'unknown option --frobnicate'],
  ])('rejects %j', (argv, message) => {
    expect(() => parseStartFlags(argv)).toThrow(UsageError);
    expect(() => parseStartFlags(argv)).toThrow(message);
  });
});
